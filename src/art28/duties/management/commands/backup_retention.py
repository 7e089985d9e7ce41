"""`art28 backup-retention (--asset REF | --service NAME) DAYS` sets how long a backup store keeps a copy;
`art28 backup-retention --list` shows them (docs/duties.md). An end of contract lists each backup copy of
the customer's data as gone when that rotation expires."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from art28.core.audit import cli_actor
from art28.duties.retention import backup_retention_set
from art28.inventory.models import Asset, Service


class Command(BaseCommand):
    help = "Set (or list) the days a backup store or a service's backups keep a copy."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--asset", metavar="REF", help="The backup store (an asset reference).")
        target.add_argument("--service", metavar="NAME", help="Every backup store of this service.")
        target.add_argument("--list", action="store_true", help="Show every retention set.")
        parser.add_argument("days", nargs="?", type=int, help="Days a copy is kept (0 to 36500).")

    def handle(self, *args: Any, asset: str | None, service: str | None, list: bool, days: int | None,
               **options: Any) -> None:  # fmt: skip
        from art28.duties.models import BackupRetention

        if list:
            for rule in BackupRetention.objects.select_related("asset", "service"):
                target = f"asset {rule.asset.ref}" if rule.asset else f"service {rule.service.name}"  # type: ignore[union-attr]
                self.stdout.write(f"{target}: {rule.days} days")
            return
        if days is None or not 0 <= days <= 36500:
            raise CommandError("days: a whole number of days from 0 to 36500")
        try:
            found_asset = Asset.objects.get(ref=asset) if asset else None
            found_service = Service.objects.get(name=service) if service else None
        except (Asset.DoesNotExist, Service.DoesNotExist):
            raise CommandError(f"unknown {'asset' if asset else 'service'} {asset or service!r}") from None
        backup_retention_set(actor=cli_actor(), asset=found_asset, service=found_service, days=days)
        self.stdout.write(f"{asset or service}: backups kept {days} days")
