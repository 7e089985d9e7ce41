"""`art28 evidence-collect [--only KEY …] [--since DATE] [--until DATE] [--json]`: run the evidence
collectors now (S2; docs/evidence.md), each over the window since its last run (a year back the first
time), with a progress bar on stderr; then print what each found. Exit 1 when a collector failed."""

from __future__ import annotations

import datetime as dt
import json as jsonlib
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from art28.core.cli import USAGE_ERROR, cli_actor
from art28.core.evidence import Collector
from art28.evidence.collection import evidence_collect


def _instant(value: str, option: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: a date as YYYY-MM-DD, not {value!r}", returncode=USAGE_ERROR) from None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(BaseCommand):
    help = "Collect the controls' evidence from art28's own modules now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", action="append", metavar="KEY", help="This collector only (repeatable).")
        parser.add_argument("--since", metavar="DATE", help="Start of the window (default: each one's last run).")
        parser.add_argument("--until", metavar="DATE", help="End of the window, excluded (default: now).")
        parser.add_argument("--json", action="store_true", help="Print each collector's outcome as JSON.")
        parser.add_argument(
            "--schedule", action="store_true", help="Also enqueue the nightly collection for the task worker."
        )

    def handle(
        self,
        *args: Any,
        only: list[str] | None,
        since: str | None,
        until: str | None,
        json: bool,
        schedule: bool,
        **options: Any,
    ) -> None:
        end = _instant(until, "--until") if until else timezone.now()
        start = _instant(since, "--since") if since else None
        if start is not None and start >= end:
            raise CommandError("--since: the window starts before it ends", returncode=USAGE_ERROR)
        progress = Progress(
            TextColumn("{task.description:<32}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        task = progress.add_task("evidence collectors", total=None)

        def advance(collector: Collector, done: int, total: int) -> None:
            progress.update(task, description=collector.key, completed=done, total=total)

        try:
            with progress:
                report = evidence_collect(actor=cli_actor("evidence-collect"), until=end, since=start,
                                          only=only, progress=advance)  # fmt: skip
        except ValueError as exc:
            raise CommandError(f"--only: {exc}", returncode=USAGE_ERROR) from None
        if json:
            self.stdout.write(jsonlib.dumps([{
                "collector": o.collector, "since": o.since.isoformat(), "until": o.until.isoformat(),
                "found": o.found, "created": o.created, "failing": o.failing, "error": o.error or None,
            } for o in report.outcomes], indent=1))  # fmt: skip
        else:
            for o in report.outcomes:
                state = f"ERROR {o.error}" if o.error else f"{o.created} new of {o.found}, {o.failing} failing"
                self.stdout.write(f"{o.collector:<32} {o.since:%Y-%m-%d} to {o.until:%Y-%m-%d}  {state}")
            self.stdout.write(f"{report.created} new evidence item(s)")
        if schedule:
            from art28.evidence.tasks import schedule_next

            when = schedule_next()
            cron = "the task backend cannot defer: run art28 evidence-collect from cron every night"
            self.stderr.write(f"next nightly collection: {when:%Y-%m-%d %H:%M}" if when else cron)
        if report.errors:
            raise CommandError(f"{len(report.errors)} collector(s) failed", returncode=1)
