"""`art28 physical-import PATH [--format csv]`: zones, people, badges, authorisations and badge events from
a folder of CSV files (S5; docs/physical.md, "Formats"). Every problem as FILE:LINE: field: reason (exit 1),
and then nothing lands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from art28.core.cli import USAGE_ERROR, cli_actor
from art28.physical.importer import PhysicalImportFailed, physical_import


class Command(BaseCommand):
    help = "Import the access-control system's zones, people, badges, authorisations and events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", help="A folder of zones.csv, people.csv, badges.csv, authorisations.csv, events.csv."
        )
        parser.add_argument("--format", default="csv", choices=["csv"], help="The input's format (csv).")

    def handle(self, *args: Any, path: str, format: str, **options: Any) -> None:
        progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                            console=Console(file=sys.stderr), transient=True)  # fmt: skip
        task = progress.add_task("reading", total=None)

        def advance(file: str, rows: int) -> None:
            progress.update(task, description=f"{file}: {rows:,} rows")

        try:
            with progress:
                report = physical_import(Path(path), actor=cli_actor("physical-import"), progress=advance)
        except PhysicalImportFailed as exc:
            self.stderr.write(str(exc))
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported", returncode=1) from None
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=USAGE_ERROR) from None
        for file, counts in report.counts.items():
            self.stdout.write(f"{file:<20} " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
