"""Importing the inventory (sites, customers, assets, placements, flows) from CSV, JSON or NetBox (S1).

``import_inventory`` streams the input through row validation into temporary staging tables,
checks references, duplicates and cycles set-based, and merges into the inventory in one
transaction: bad input changes nothing and every problem is reported as ``file:line: field: message``.
The formats are documented in docs/import-formats.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, SystemActor, audit_record
from art28.core.display import number_text
from art28.inventory.importers import history, sync
from art28.inventory.importers.formats import FORMATS, CsvSource, JsonSource, Source, failure, guess_format
from art28.inventory.importers.merge import PLACEMENT_INPUT, merge_all
from art28.inventory.importers.netbox import NetboxSource
from art28.inventory.importers.problems import ImportFailed, ImportReport, Problem, ProblemLog, SyncRefused
from art28.inventory.importers.readers import ByteProgress, InputFile, digest_and_check_utf8
from art28.inventory.importers.staging import (
    Staging,
    check_barred_customers,
    check_cycles,
    check_duplicates,
    check_references,
    larger_sqlite_cache,
)
from art28.inventory.importers.validate import mapping_categories
from art28.inventory.models import InventorySync

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

__all__ = ["FORMATS", "ImportFailed", "ImportReport", "Problem", "SyncRefused", "import_inventory"]

SOURCES: dict[str, Callable[[Path], Source]] = {"csv": CsvSource, "json": JsonSource, "netbox": NetboxSource}


def import_inventory(
    path: Path,
    *,
    format: str | None = None,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
    sync: bool = False,
    source: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    label: str | None = None,
) -> ImportReport:
    """Import a CSV folder, a JSON document or a folder of NetBox API lists; raise ImportFailed on bad input.

    Rows are matched by their keys and created, updated or left unchanged, and remember their
    ``source`` (default: the format's name). An import is additive; with ``sync`` the input is the
    whole inventory of its source, and that source's rows it no longer has are ended (sync.py), within
    the safety limit unless ``force``. ``dry_run`` does everything, reports it, and changes nothing.
    Every change goes to the history (history.py); the import is recorded as an InventorySync with one
    audit entry holding the counts and the input's SHA-256. ``progress(done_bytes, total_bytes)`` is
    called as the files are read. ``label`` names the input in the audit entry (default: the path).
    """
    path = Path(path)
    if not path.exists():
        raise failure(path, "no such file or folder")
    chosen = format or guess_format(path)
    if chosen not in SOURCES:
        raise failure(path, f"unknown format {chosen!r} (expected one of {', '.join(FORMATS)})")
    source_name = chosen if source is None else source
    if not SOURCE_NAME.match(source_name):
        raise failure(path, f"bad source name {source_name!r} (1 to 64 of a-z, 0-9, '.', '_', '-')")
    reader = SOURCES[chosen](path)
    refuse_oversized(reader.files)
    problems = ProblemLog()
    digest = digest_and_check_utf8(reader.files, problems, folder=path.is_dir())
    reading = ByteProgress(sum(file.size for file in reader.files), progress)
    report = ImportReport(format=chosen, sha256=digest, source=source_name, sync=sync, dry_run=dry_run)
    try:
        with larger_sqlite_cache(), transaction.atomic():
            history.serialise_imports()
            if _recorded_unchanged(report, path, actor=actor, label=label):
                return report
            staging = Staging([file.name for file in reader.files], batch=settings.ART28_IMPORT_BATCH, sync=sync)
            staging.create()
            with mapping_categories() as categories:
                report.entities = reader.feed(staging, problems, reading)
            report.unknown_categories = {
                kind: sorted(found, key=str.casefold) for kind, found in categories.unknown.items()
            }
            staging.finish()
            check_duplicates(staging, problems)
            check_references(staging, problems, reader.labels, ending_source=source_name if sync else None)
            check_cycles(staging, problems, reader.labels)
            check_barred_customers(staging, problems, reader.labels)
            if problems:
                raise problems.failure()  # rolls the transaction back, staging tables included
            _merge(staging, report, path, actor=actor, force=force, label=label)
    except _DryRunDone:
        pass  # the transaction was rolled back: nothing changed
    return report


class _DryRunDone(Exception):
    """Raised inside the import's transaction to roll a dry run back once its report is complete."""


def _merge(staging: Staging, report: ImportReport, path: Path, *, actor: Actor, force: bool, label: str | None) -> None:
    now = timezone.now()
    history.create_touched_tables()
    marks = merge_all(staging, report, now, report.source)
    refused: SyncRefused | None = None
    if report.sync:
        sync.create_ended_tables()
        sync.find_ended(report)
        refused = None if force else sync.refusal(report, path.name or str(path))
    if report.dry_run:
        report.refusal = refused.problems if refused else []
        sync.collect_rows(report, marks)
        raise _DryRunDone
    if refused:
        raise refused
    if report.sync:
        sync.apply_ending(now)
        sync.drop_ended_tables()
    for entity in history.HISTORIES:
        history.record_periods(entity, since_id=marks.get(entity), now=now)
    history.drop_touched_tables()
    history.drop_tables([PLACEMENT_INPUT])
    staging.drop()
    _record(report, path, now=now, actor=actor, label=label)


def _recorded_unchanged(report: ImportReport, path: Path, *, actor: Actor, label: str | None) -> bool:
    """A sync whose input is the same as its source's last, with nothing changed since, is recorded (a dry
    run only reported) without reading its rows again: True then (sync.unchanged_since)."""
    last = sync.unchanged_since(report) if report.sync else None
    if last is None:
        return False
    sync.report_unchanged(report, last)
    if not report.dry_run:
        _record(report, path, now=timezone.now(), actor=actor, label=label)
    return True


def _record(report: ImportReport, path: Path, *, now: dt.datetime, actor: Actor, label: str | None) -> None:
    """The import's InventorySync (the history's moment) and its one audit entry, with the input's SHA-256."""
    record = InventorySync.objects.create(
        at=now,
        source=report.source,
        format=report.format,
        mode=InventorySync.Mode.SYNC if report.sync else InventorySync.Mode.IMPORT,
        sha256=report.sha256,
        counts={entity: report.counts[entity] for entity in report.entities},
        actor_label=str(actor.label if isinstance(actor, SystemActor) else actor.email),
    )
    audit_record(
        actor=actor,
        action="inventory.sync" if report.sync else "inventory.import",
        obj=record,
        object_repr=label or str(path.resolve()),
        after={
            "format": report.format,
            "source": report.source,
            "sha256": report.sha256,
            "counts": record.counts,
            "services_created": report.services_created,
            **({"same_input_as": report.same_as} if report.same_as else {}),
        },
    )


def refuse_oversized(files: list[InputFile]) -> None:
    """Refuse, before reading a byte, every file larger than ART28_IMPORT_MAX_FILE_BYTES (one problem each)."""
    limit = settings.ART28_IMPORT_MAX_FILE_BYTES
    oversized = [
        Problem(
            file.name,
            0,
            "-",
            f"the file has {number_text(file.size)} bytes, more than the limit of {number_text(limit)} "
            "(ART28_IMPORT_MAX_FILE_BYTES)",
        )
        for file in sorted(files, key=lambda f: f.name)
        if file.size > limit
    ]
    if oversized:
        raise ImportFailed(oversized)
