"""`art28 import-inventory PATH [--format csv|json|netbox] [--sync [--source NAME] [--dry-run] [--force]]
[--progress]` (S1; docs/import-formats.md, docs/inventory-sync.md).

Prints created / updated / unchanged (and, for a sync, ended) per entity. On bad input, or a sync
beyond the safety limit, prints every problem as ``file:line: field: message`` on stderr, changes
nothing and exits with status 1. A dry run prints the counts and then the rows, and changes nothing.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from art28.core.audit import SystemActor
from art28.inventory.importers import FORMATS, ImportFailed, ImportReport, import_inventory

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
        parser.add_argument(
            "--sync",
            action="store_true",
            help="The input is the whole inventory of its source: end that source's assets, placements and "
            "flows it no longer has.",
        )
        parser.add_argument("--source", help="The name of the input's source (default: the format's name).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would change; change nothing.")
        parser.add_argument(
            "--force", action="store_true", help="Sync even beyond ART28_SYNC_MAX_END_SHARE (the safety limit)."
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        format: str | None,
        progress: bool,
        sync: bool,
        source: str | None,
        dry_run: bool,
        force: bool,
        **options: Any,
    ) -> None:
        if (force or source) and not sync:
            raise CommandError("--source and --force apply to a sync: add --sync")
        bar = None
        if progress or sys.stderr.isatty():
            # The wrapped stream itself: Django's OutputWrapper adds a newline to every write.
            stream = getattr(self.stderr, "_out", sys.stderr)
            bar = _Bar(Console(file=stream, force_terminal=progress or None), always=progress)
        try:
            report = import_inventory(
                path,
                format=format,
                actor=SystemActor(f"cli:{_os_user()}"),
                progress=bar,
                sync=sync,
                source=source,
                dry_run=dry_run,
                force=force,
            )
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
        print_report(self.stdout.write, report, path)


def print_report(write: Callable[[str], Any], report: ImportReport, path: Path) -> None:
    """The counts per entity, then (a sync) what the input no longer has, then (a dry run) the rows."""
    verb = "would import" if report.dry_run else "synced" if report.sync else "imported"
    write(f"{verb} {path} ({report.format}, source {report.source}, sha256 {report.sha256})")
    changes = ("created", "updated", "unchanged", "ended") if report.sync else ("created", "updated", "unchanged")
    write(f"{'':12}" + "".join(f"{change:>10}" for change in changes))
    for entity, figures in report.counts.items():
        if entity in report.entities:
            write(f"{entity:12}" + "".join(f"{figures.get(change, 0):>10}" for change in changes))
        else:
            kept = " (not in the input: kept)" if report.sync else " (not in the input)"
            write(f"{entity:12}{kept:>30}")
    if report.services_created:
        write(f"services    {report.services_created:>10} created")
    for line in report.unknown_categories_summary():
        write(f"{line} (kept as given; add them on /staff/glossary/)")
    for entity, refs in report.absent.items():
        count = report.counts[entity].get("absent", 0)
        if count and refs:
            shown = ", ".join(refs[:10]) + (f" and {count - 10} more" if count > 10 else "")
            write(f"{count} {entity} not in the input (a sync never ends them): {shown}")
        elif count:
            write(f"{count} {entity} not in the input (a sync never ends them; listed by that sync)")
    if report.same_as:
        write(
            f"the input is byte-identical to the sync of {report.same_as.isoformat()} and nothing has changed "
            "the inventory, the customers or the glossary since: nothing to apply (its rows were not read again)"
        )
    for problem in report.refusal:
        write(f"would be refused: {problem}")
    for entity, changes_rows in report.rows.items():
        for change, labels in changes_rows.items():
            count = report.counts[entity][change]
            if not count:
                continue
            write(f"\n{entity} {change} ({count}):")
            for label in labels:
                write(f"  {label}")
            if count > len(labels):
                write(f"  … and {count - len(labels)} more")
    if report.dry_run:
        write("\ndry run: nothing was changed")
