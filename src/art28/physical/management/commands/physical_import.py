"""`art28 physical-import PATH [--format csv|msbadging] [--profile PROFILE.yaml]`: zones, people, badges,
authorisations and badge events from a folder of CSV files (S5; docs/physical.md, "Formats"); or a badge
log in another shape: a CSV export with a mapping profile, or Microsoft's physical badging JSON ("Other
exports"). Every problem as FILE:LINE: field: reason (exit 1), and then nothing lands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from art28.core.cli import USAGE_ERROR, cli_actor
from art28.physical.importer import PhysicalImportFailed, PhysicalImportReport, physical_import
from art28.physical.mapping import import_mapped, load_profile, msbadging_rows, profile_rows


class Command(BaseCommand):
    help = "Import the access-control system's zones, people, badges, authorisations and events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", help="A folder of zones.csv, people.csv, badges.csv, authorisations.csv, events.csv."
        )
        parser.add_argument(
            "--format",
            default="csv",
            choices=["csv", "msbadging"],
            help="csv: a folder of art28's files; msbadging: Microsoft's physical badging JSON.",
        )
        parser.add_argument("--profile", metavar="YAML", help="PATH is an export described by this mapping profile.")

    def handle(self, *args: Any, path: str, format: str, profile: str | None, **options: Any) -> None:
        progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                            console=Console(file=sys.stderr), transient=True)  # fmt: skip
        task = progress.add_task("reading", total=None)

        def advance(file: str, rows: int) -> None:
            progress.update(task, description=f"{file}: {rows:,} rows")

        try:
            with progress:
                report = self._import(Path(path), format, profile, advance)
        except PhysicalImportFailed as exc:
            self.stderr.write(str(exc))
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported", returncode=1) from None
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=USAGE_ERROR) from None
        for file, counts in report.counts.items():
            self.stdout.write(f"{file:<20} " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))

    def _import(self, path: Path, format: str, profile: str | None, advance: Any) -> PhysicalImportReport:
        actor = cli_actor("physical-import")
        if profile:
            mapping = load_profile(Path(profile))
            return import_mapped(path, lambda p, problems: profile_rows(p, mapping, problems), actor=actor,
                                 where=lambda line: f"{path.name}:{line}")  # fmt: skip
        if format == "msbadging":
            return import_mapped(path, msbadging_rows, actor=actor, where=lambda item: f"{path.name}: item {item}")
        return physical_import(path, actor=actor, progress=advance)
