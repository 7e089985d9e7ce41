"""`art28 patch-exposure [--host REF] [--json]`: the fleet's current exposures (S7; docs/patching.md).

Exits 1 when any exposure with a fix is past its due date (a service level missed), else 0: usable as a
monitoring check. ``--json`` streams one array of objects (keys in docs/patching.md).
"""

from __future__ import annotations

import json as jsonlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from art28.patching.exceptions import active_exceptions
from art28.patching.exposure import iter_exposures


class Command(BaseCommand):
    help = "List the hosts exposed to CVEs now; exit 1 if a fix is overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="", help="Only this host (asset reference).")
        parser.add_argument("--json", action="store_true", help="One JSON array of exposures.")

    def handle(self, *args: Any, host: str, json: bool, **options: Any) -> None:
        now = timezone.now()
        overdue = 0
        write = self.stdout.write
        if json:
            write("[", ending="")
        else:
            write(f"{'host':<20} {'package':<24} {'installed':<24} {'fixed':<24} {'cve':<18} {'severity':<11} due")
        covered: set[int] = set()
        for index, exposure in enumerate(iter_exposures(host=host, covered=covered)):
            late = exposure.overdue(now)
            overdue += late
            if json:
                write(("," if index else "") + "\n" + _dumps(exposure.as_dict()), ending="")
            else:
                due = exposure.due.date().isoformat() if exposure.due else ("no fix" if not exposure.fixed else "—")
                write(
                    f"{exposure.host:<20} {exposure.package:<24} {exposure.installed:<24} {exposure.fixed or '—':<24} "
                    f"{exposure.cve:<18} {exposure.severity:<11} {due}{' OVERDUE' if late else ''}"
                    + (f" (accepted until {exposure.accepted_until})" if exposure.accepted_until else "")
                )
        if json:
            write("\n]")
        if not host:  # with --host, another host's exposures may be what an exception covers
            for stale in (e for e in active_exceptions().values() if e.pk not in covered):
                where = stale.host.ref if stale.host else "every host"
                self.stderr.write(f"stale exception: {stale.vulnerability.cve} on {where}: nothing exposed any more")
        if overdue:
            self.stderr.write(f"{overdue} exposure(s) past their service level")
            raise SystemExit(1)


def _dumps(value: dict[str, Any]) -> str:
    return jsonlib.dumps(value, ensure_ascii=False)
