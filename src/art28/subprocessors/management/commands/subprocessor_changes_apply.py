"""`art28 subprocessor-changes-apply [--today YYYY-MM-DD] [--json]`: make due announced changes effective.

For cron (daily, shortly after midnight) where the task worker cannot schedule the day itself; running it
again changes nothing. See docs/subprocessors.md.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from art28.subprocessors.changes import changes_apply_due


class Command(BaseCommand):
    help = "Make every announced sub-processor change whose effective date has come effective."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, today: dt.date | None, **options: Any) -> None:
        applied = changes_apply_due(today)
        if options["json"]:
            rows = [{"change": c.pk, "kind": c.kind, "effective_on": str(c.effective_on)} for c in applied]
            self.stdout.write(json.dumps(rows))
            return
        for change in applied:
            self.stdout.write(
                f"change #{change.pk} ({change.kind} of {change.subprocessor.slug}) effective on {change.effective_on}"
            )
        self.stdout.write(f"{len(applied)} change(s) made effective.")
