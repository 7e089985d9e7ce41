"""`art28 physical-anomalies [--site CODE] [--since DATE] [--json]`: the badge log checked against the
authorisations (S5; docs/physical.md, "Anomalies"). Exit 1 when there is any anomaly."""

from __future__ import annotations

import datetime as dt
import json as jsonlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from art28.core.cli import USAGE_ERROR
from art28.inventory.models import Site
from art28.physical.anomalies import find_anomalies, site_clocks


class Command(BaseCommand):
    help = "List the badge events that break a rule (unknown badge, after leaving, no authorisation, …)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", metavar="CODE", help="This site only.")
        parser.add_argument("--since", metavar="DATE", help="From this local date on (YYYY-MM-DD).")
        parser.add_argument("--json", action="store_true", help="Print the anomalies as a JSON list.")

    def handle(self, *args: Any, site: str | None, since: str | None, json: bool, **options: Any) -> None:
        if site and not Site.objects.filter(code=site).exists():
            raise CommandError(f"--site: no site {site!r} in the inventory", returncode=USAGE_ERROR)
        try:
            day = dt.date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError(f"--since: a date as YYYY-MM-DD, not {since!r}", returncode=USAGE_ERROR) from None
        anomalies = find_anomalies(site=site, since=day)
        clocks = site_clocks()
        rows = [anomaly.as_json(clocks[anomaly.site]) for anomaly in anomalies]
        if json:
            self.stdout.write(jsonlib.dumps(rows, indent=1))
        else:
            for row in rows:
                self.stdout.write(f"{row['time']}  {row['site']}/{row['zone']:<16} {row['badge']:<12} "
                                  f"{row['person'] or '?':<12} {row['rule']}")  # fmt: skip
            self.stdout.write(f"{len(rows)} anomal{'y' if len(rows) == 1 else 'ies'}")
        if rows:
            raise CommandError(f"{len(rows)} anomal{'y' if len(rows) == 1 else 'ies'}", returncode=1)
