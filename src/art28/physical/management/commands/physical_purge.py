"""`art28 physical-purge [--dry-run]`: delete the badge events older than ART28_PHYSICAL_RETENTION_MONTHS
(docs/physical.md, "Retention"), with one audit entry; run it daily from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from art28.core.cli import cli_actor
from art28.physical.retention import physical_events_purge, retention_months


class Command(BaseCommand):
    help = "Delete the badge events older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        report = physical_events_purge(actor=cli_actor("physical-purge"), dry_run=dry_run)
        for site, n in sorted(report.by_site.items()):
            self.stdout.write(f"{site:<12} {n:,}")
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{report.deleted:,} badge event(s) before {report.cutoff} {verb} "
                          f"(retention {retention_months()} months)")  # fmt: skip
