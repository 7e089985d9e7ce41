"""`art28 evidence-pack --from DATE --to DATE --output PACK.zip [--customer REF] [--force]`: the auditor's
evidence pack of a period (S2; docs/evidence.md, "The auditor's pack"), streamed to disk with a progress
bar on stderr, signed with the attestation key, and recorded in the audit trail (``evidence.pack``).

With ``--customer`` the customer's own pack: its evidence only, no audit trail. Exit 2 on a usage error
(a bad date, an existing output without ``--force``, an unknown customer), 1 when it cannot be written.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from art28.core.cli import USAGE_ERROR, cli_actor
from art28.core.selectors import organisation_by_ref
from art28.core.signing import SigningKeyMissing, load_private_key
from art28.evidence.pack import evidence_pack_export


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: a date as YYYY-MM-DD, not {value!r}", returncode=USAGE_ERROR) from None


class Command(BaseCommand):
    help = "Write the signed evidence pack of a period for an auditor (or a customer's own with --customer)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, metavar="DATE", help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="date_to", required=True, metavar="DATE", help="Last day, included.")
        parser.add_argument("--output", required=True, metavar="PACK.zip", help="The ZIP to write.")
        parser.add_argument("--customer", metavar="REF", help="A customer's own pack: its evidence only.")
        parser.add_argument("--force", action="store_true", help="Replace an existing output file.")

    def handle(
        self, *args: Any, date_from: str, date_to: str, output: str, customer: str | None, force: bool, **options: Any
    ) -> None:
        start, end = _day(date_from, "--from"), _day(date_to, "--to")
        if start > end:
            raise CommandError(f"--from: {start} is after --to {end}", returncode=USAGE_ERROR)
        path = Path(output)
        if path.exists() and not force:
            raise CommandError(f"--output: {path} exists; add --force to replace it", returncode=USAGE_ERROR)
        if not path.parent.is_dir():
            raise CommandError(f"--output: no directory {path.parent}", returncode=USAGE_ERROR)
        organisation = None
        if customer:
            organisation = organisation_by_ref(customer)
            if organisation is None:
                raise CommandError(f"--customer: no customer with reference {customer!r}", returncode=USAGE_ERROR)
        try:
            load_private_key()
        except SigningKeyMissing as exc:
            raise CommandError(f"cannot sign the pack: {exc}") from None
        progress = Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        task = progress.add_task("evidence pack", total=None)

        def advance(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        try:
            with progress:
                written = evidence_pack_export(actor=cli_actor("evidence-pack"), path=path, date_from=start,
                                               date_to=end, organisation=organisation, progress=advance)  # fmt: skip
        except OSError as exc:
            raise CommandError(f"--output: cannot write {path}: {exc.strerror or exc}") from None
        self.stdout.write(
            f"Written {path}: {written.files} files, {written.items} evidence items ({written.attachments} files, "
            f"{written.attestations} attestations), {written.audit_entries} audit entries, {written.controls} "
            f"controls, {written.bytes:,} bytes; manifest SHA-256 {written.manifest_sha256}"
        )
