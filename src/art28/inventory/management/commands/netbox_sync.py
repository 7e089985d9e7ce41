"""`art28 netbox-sync [--url URL] [--token-env VAR] [--source NAME] [--dry-run] [--force] [--progress] [--schedule]`.

Reads NetBox 4.x's REST API (every page of the lists the ``netbox`` import format knows), then imports
what it read as a full sync of the source (docs/import-formats.md, "Live NetBox"). Nothing is imported
unless the whole fetch succeeded. Prints what was fetched and the import's counts; on any error prints
it on stderr and exits with status 1. ``--schedule`` only books the task worker's nightly run.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from art28.core.audit import SystemActor
from art28.inventory.importers import ImportFailed
from art28.inventory.management.commands.import_inventory import SHOWN_PROBLEMS, _Bar, _os_user
from art28.inventory.netbox_api import ENDPOINTS, NetboxError, netbox_sync, token_from_env


class _FetchBar:
    """One rich progress bar per NetBox list, by objects received out of NetBox's count."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description:34}"), BarColumn(), MofNCompleteColumn(), console=console
        )
        self.tasks: dict[str, TaskID] = {}
        self.progress.start()

    def __call__(self, endpoint: str, received: int, count: int) -> None:
        if endpoint not in self.tasks:
            self.tasks[endpoint] = self.progress.add_task(endpoint, total=count)
        self.progress.update(self.tasks[endpoint], completed=received, total=count)

    def stop(self) -> None:
        self.progress.stop()


class Command(BaseCommand):
    help = "Sync the inventory from a live NetBox 4.x (its REST API), as a full sync of one source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", default=None, help="NetBox's base URL, e.g. https://netbox.example.net (default ART28_NETBOX_URL)."
        )
        parser.add_argument(
            "--token-env",
            default=None,
            metavar="VAR",
            help="The environment variable holding the API token (default ART28_NETBOX_TOKEN_ENV). "
            "Tokens nbt_… (NetBox 4.5+) are sent as Bearer, others as Token.",
        )
        parser.add_argument("--source", default="netbox", help="The name of this source in the inventory.")
        parser.add_argument("--dry-run", action="store_true", help="Show what the sync would change; change nothing.")
        parser.add_argument("--force", action="store_true", help="Sync even past the safety limit on ended rows.")
        parser.add_argument(
            "--progress", action="store_true", help="Show progress bars even when stderr is not a terminal."
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Only book the task worker's nightly run at ART28_NETBOX_SYNC_HOUR (idempotent).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            self._schedule()
            return
        url = options["url"] or settings.ART28_NETBOX_URL
        if not url:
            raise CommandError("no NetBox URL: give --url or set ART28_NETBOX_URL")
        try:
            token = token_from_env(options["token_env"] or settings.ART28_NETBOX_TOKEN_ENV)
        except NetboxError as error:
            raise CommandError(str(error)) from None
        show = options["progress"] or sys.stderr.isatty()
        # The wrapped stream itself: Django's OutputWrapper adds a newline to every write.
        console = Console(file=getattr(self.stderr, "_out", sys.stderr), force_terminal=options["progress"] or None)
        fetch_bar = _FetchBar(console) if show else None
        import_bar: _Bar | None = None

        def fetch_progress(endpoint: str, received: int, count: int) -> None:
            if fetch_bar is not None:
                fetch_bar(endpoint, received, count)

        def import_progress(done: int, total: int) -> None:
            nonlocal import_bar
            if fetch_bar is not None:
                fetch_bar.stop()
                if import_bar is None:
                    import_bar = _Bar(console, always=options["progress"])
                import_bar(done, total)

        try:
            fetched, report = netbox_sync(
                url,
                token,
                actor=SystemActor(f"cli:{_os_user()}"),
                source=options["source"],
                dry_run=options["dry_run"],
                force=options["force"],
                fetch_progress=fetch_progress,
                import_progress=import_progress,
            )
        except NetboxError as error:
            raise CommandError(f"{error}; nothing was imported") from None
        except ImportFailed as failed:
            for problem in failed.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(str(problem))
            if failed.total > SHOWN_PROBLEMS:
                self.stderr.write(f"… and {failed.total - SHOWN_PROBLEMS} more problems")
            raise CommandError(
                f"{failed.total} problem(s) in the lists read from {url}; nothing was imported"
            ) from None
        finally:
            if fetch_bar is not None:
                fetch_bar.stop()
            if import_bar is not None:
                import_bar.stop()
        self._print(fetched, report, dry_run=options["dry_run"])

    def _print(self, fetched: Any, report: Any, *, dry_run: bool) -> None:
        read = ", ".join(f"{endpoint} {fetched.objects[endpoint]}" for _, endpoint, _ in ENDPOINTS)
        self.stdout.write(f"fetched {fetched.url} ({sum(fetched.pages.values())} pages): {read}")
        verb = "would sync" if dry_run else "imported"
        self.stdout.write(f"{verb} {fetched.url} ({report.format}, sha256 {report.sha256})")
        # The columns are the report's own (created, updated, unchanged, and ended once the full sync has them).
        columns = list(next(iter(report.counts.values()), {}))
        self.stdout.write(f"{'':12}" + "".join(f"{column:>10}" for column in columns))
        for entity, figures in report.counts.items():
            if entity in report.entities:
                self.stdout.write(f"{entity:12}" + "".join(f"{figures.get(column, 0):>10}" for column in columns))
            else:
                self.stdout.write(f"{entity:12}{'(not in the input)':>{10 * max(len(columns), 3)}}")
        if report.services_created:
            self.stdout.write(f"services    {report.services_created:>10} created")
        for line in report.unknown_categories_summary():
            self.stdout.write(f"{line} (kept as given; add them on /staff/glossary/)")
        if dry_run:
            self.stdout.write("dry run: nothing was changed")

    def _schedule(self) -> None:
        from art28.inventory.tasks import schedule_netbox_sync

        if not settings.ART28_NETBOX_URL:
            raise CommandError("ART28_NETBOX_URL is not set: nothing to schedule")
        if not 0 <= settings.ART28_NETBOX_SYNC_HOUR <= 23:
            raise CommandError("ART28_NETBOX_SYNC_HOUR is not an hour from 0 to 23: no nightly run (use cron)")
        at = schedule_netbox_sync()
        if at is None:
            raise CommandError(
                "the task backend cannot defer tasks: run `art28 netbox-sync` from cron at the hour instead"
            )
        self.stdout.write(f"the nightly NetBox sync is booked for {at.isoformat()}")
