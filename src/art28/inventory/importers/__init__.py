"""Importing the inventory (sites, customers, assets, placements, flows) from CSV, JSON or NetBox (S1).

``import_inventory`` streams the input through row validation into temporary staging tables,
checks references, duplicates and cycles set-based, and merges into the inventory in one
transaction: bad input changes nothing and every problem is reported as ``file:line: field: message``.
The formats are documented in docs/import-formats.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.display import number_text
from art28.inventory.importers.formats import FORMATS, CsvSource, JsonSource, Source, failure, guess_format
from art28.inventory.importers.merge import merge_all
from art28.inventory.importers.netbox import NetboxSource
from art28.inventory.importers.problems import ImportFailed, ImportReport, Problem, ProblemLog
from art28.inventory.importers.readers import ByteProgress, InputFile, digest_and_check_utf8
from art28.inventory.importers.staging import (
    Staging,
    check_cycles,
    check_duplicates,
    check_references,
    larger_sqlite_cache,
)
from art28.inventory.importers.validate import mapping_categories

__all__ = ["FORMATS", "ImportFailed", "ImportReport", "Problem", "import_inventory"]

SOURCES: dict[str, Callable[[Path], Source]] = {"csv": CsvSource, "json": JsonSource, "netbox": NetboxSource}


def import_inventory(
    path: Path,
    *,
    format: str | None = None,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a CSV folder, a JSON document or a folder of NetBox API lists; raise ImportFailed on bad input.

    Rows are matched by their keys and created, updated or left unchanged; rows absent from the
    input are kept (the import is additive). One audit entry per imported entity records the counts
    and the input's SHA-256. ``progress(done_bytes, total_bytes)`` is called as the files are read.
    """
    path = Path(path)
    if not path.exists():
        raise failure(path, "no such file or folder")
    chosen = format or guess_format(path)
    if chosen not in SOURCES:
        raise failure(path, f"unknown format {chosen!r} (expected one of {', '.join(FORMATS)})")
    source = SOURCES[chosen](path)
    refuse_oversized(source.files)
    problems = ProblemLog()
    digest = digest_and_check_utf8(source.files, problems, folder=path.is_dir())
    reading = ByteProgress(sum(file.size for file in source.files), progress)
    report = ImportReport(format=chosen, sha256=digest)
    with larger_sqlite_cache(), transaction.atomic():
        staging = Staging([file.name for file in source.files], batch=settings.ART28_IMPORT_BATCH)
        staging.create()
        with mapping_categories() as categories:
            report.entities = source.feed(staging, problems, reading)
        report.unknown_categories = {
            kind: sorted(found, key=str.casefold) for kind, found in categories.unknown.items()
        }
        staging.finish()
        check_duplicates(staging, problems)
        check_references(staging, problems, source.labels)
        check_cycles(staging, problems, source.labels)
        if problems:
            raise problems.failure()  # rolls the transaction back, staging tables included
        merge_all(staging, report, timezone.now())
        staging.drop()
        for entity in report.entities:
            audit_record(
                actor=actor,
                action="inventory.import",
                object_type=f"inventory.{entity}",
                object_repr=str(path.resolve()),
                after={**report.counts[entity], "format": chosen, "sha256": digest},
            )
    return report


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
