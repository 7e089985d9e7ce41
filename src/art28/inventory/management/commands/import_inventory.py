"""`art28 import-inventory PATH [--format csv|json|netbox] [--progress]` (S1; docs/import-formats.md).

Prints created / updated / unchanged per entity. On bad input prints every problem as
``file:line: field: message`` on stderr, changes nothing and exits with status 1.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from art28.core.audit import SystemActor
from art28.inventory.importers import FORMATS, ImportFailed, import_inventory

SHOWN_PROBLEMS = 1000
# Below this a TTY gets no bar: small imports are over before it would be drawn.
BAR_FROM_BYTES = 1 << 20


class _Bar:
    """A rich progress bar by bytes read, started on the first report when the input is large enough."""

    def __init__(self, console: Console, always: bool) -> None:
        self.console, self.always = console, always
        self.progress: Progress | None = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.progress is None:
            if not self.always and total < BAR_FROM_BYTES:
                return
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=self.console,
            )
            self.progress.start()
            self.task = self.progress.add_task("reading", total=total)
        # Once everything is read, the checks and the merge run in the database.
        self.progress.update(self.task, completed=done, description="reading" if done < total else "merging")

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"


class Command(BaseCommand):
    help = "Import sites, customers, assets, placements and flows from a CSV folder, a JSON file or NetBox lists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="A folder of CSV files, a .json file, or a folder of NetBox lists.")
        parser.add_argument("--format", choices=FORMATS, help="Default: guessed from the path.")
        parser.add_argument(
            "--progress", action="store_true", help="Show a progress bar even when stderr is not a terminal."
        )

    def handle(self, *args: Any, path: Path, format: str | None, progress: bool, **options: Any) -> None:
        bar = None
        if progress or sys.stderr.isatty():
            # The wrapped stream itself: Django's OutputWrapper adds a newline to every write.
            stream = getattr(self.stderr, "_out", sys.stderr)
            bar = _Bar(Console(file=stream, force_terminal=progress or None), always=progress)
        try:
            report = import_inventory(path, format=format, actor=SystemActor(f"cli:{_os_user()}"), progress=bar)
        except ImportFailed as failed:
            if bar is not None:
                bar.stop()
            for problem in failed.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(str(problem))
            if failed.total > SHOWN_PROBLEMS:
                self.stderr.write(f"… and {failed.total - SHOWN_PROBLEMS} more problems")
            raise CommandError(f"{failed.total} problem(s) in {path}; nothing was imported") from None
        finally:
            if bar is not None:
                bar.stop()
        self.stdout.write(f"imported {path} ({report.format}, sha256 {report.sha256})")
        self.stdout.write(f"{'':12}{'created':>10}{'updated':>10}{'unchanged':>10}")
        for entity, figures in report.counts.items():
            if entity in report.entities:
                self.stdout.write(
                    f"{entity:12}{figures['created']:>10}{figures['updated']:>10}{figures['unchanged']:>10}"
                )
            else:
                self.stdout.write(f"{entity:12}{'(not in the input)':>30}")
        if report.services_created:
            self.stdout.write(f"services    {report.services_created:>10} created")
        for line in report.unknown_categories_summary():
            self.stdout.write(f"{line} (kept as given; add them on /staff/glossary/)")
