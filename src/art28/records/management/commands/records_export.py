"""`art28 records-export [--customer REF] [--format csv|json|pdf] [--output FILE] [--own]`.

The records of processing: every controller's (GDPR Art. 30(2), nFADP Art. 12; CSV or JSON, streamed,
or PDF as a ZIP of one PDF per controller in its language; a progress bar on stderr), one controller's,
or with ``--own`` the provider's own record (Art. 30(1)). Without ``--output`` text goes to stdout; a PDF
or a ZIP needs ``--output``.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from art28.core.models import Organisation
from art28.core.selectors import organisation_by_ref
from art28.records import exports
from art28.records.generation import ControllerRecord, controller_record, iter_records
from art28.records.selectors import activities_all


class Command(BaseCommand):
    help = "Export the records of processing (Art. 30(2) per controller, or the provider's own with --own)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customer", metavar="REF", help="One controller (by reference); default: all.")
        parser.add_argument("--format", choices=exports.FORMATS, default="csv")
        parser.add_argument("--output", metavar="FILE", help="Write here instead of stdout (required for PDF).")
        parser.add_argument("--own", action="store_true", help="The provider's own record (Art. 30(1)).")

    def handle(
        self, *args: Any, customer: str | None, format: str, output: str | None, own: bool, **options: Any
    ) -> None:
        if own and customer:
            raise CommandError("--own is the provider's own record: do not combine it with --customer.")
        if format == "pdf" and not output:
            raise CommandError("A PDF is written to a file: add --output FILE.")
        if own:
            self._write(output, self._own(format))
            return
        if customer:
            organisation = organisation_by_ref(customer)
            if organisation is None:
                raise CommandError(f"--customer: no customer with reference {customer!r}.")
            record = controller_record(organisation)
            self._write(output, self._one(record, format, organisation.language))
            return
        if format == "pdf":
            assert output is not None
            self._pdf_zip(Path(output))
            return
        self._write(output, self._all(format))

    def _own(self, fmt: str) -> Iterator[str | bytes]:
        activities = activities_all()
        if fmt == "csv":
            yield from exports.own_record_csv(activities)
        elif fmt == "json":
            yield exports.own_record_json(activities) + "\n"
        else:
            yield exports.own_record_pdf(activities)

    def _one(self, record: ControllerRecord, fmt: str, language: str) -> Iterator[str | bytes]:
        if fmt == "csv":
            yield from exports.controllers_csv([record])
        elif fmt == "json":
            yield exports.controller_json(record) + "\n"
        else:
            yield exports.controller_pdf(record, language=language)

    def _progress(self) -> Progress:
        return Progress(
            TextColumn("controllers"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )

    def _pdf_zip(self, path: Path) -> None:
        """Every controller's record as its own PDF, in the controller's language, in one ZIP: a PDF of
        thousands of records would be one huge document nobody reads; one file per controller is what
        goes to each controller or to an authority."""
        languages = dict(Organisation.objects.values_list("ref", "language"))
        progress = self._progress()
        try:
            with progress, zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
                task = progress.add_task("export", total=len(languages))
                for record in iter_records():
                    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in record.ref)
                    pdf = exports.controller_pdf(record, language=languages.get(record.ref, "en"))
                    archive.writestr(f"{name}.pdf", pdf)
                    progress.advance(task)
        except OSError as exc:
            raise CommandError(f"--output: cannot write {path}: {exc.strerror}") from exc
        self.stderr.write(f"Written {len(languages)} PDFs to {path}.")

    def _all(self, fmt: str) -> Iterator[str]:
        total = Organisation.objects.count()
        progress = self._progress()

        def counted() -> Iterator[ControllerRecord]:
            for record in iter_records():
                yield record
                progress.advance(task)

        with progress:
            task = progress.add_task("export", total=total)
            writer = exports.controllers_csv if fmt == "csv" else exports.controllers_json
            yield from writer(counted())

    def _write(self, output: str | None, chunks: Iterator[str | bytes]) -> None:
        if output is None:
            for chunk in chunks:
                self.stdout.write(chunk if isinstance(chunk, str) else chunk.decode(), ending="")
            return
        path = Path(output)
        try:
            with path.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
        except OSError as exc:
            raise CommandError(f"--output: cannot write {path}: {exc.strerror}") from exc
        self.stderr.write(f"Written to {path}.")
