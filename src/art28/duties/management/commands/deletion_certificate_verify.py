"""`art28 deletion-certificate-verify FILE [--public-key PEM]`: check a signed deletion certificate offline
(GDPR Art. 28(3)(g); docs/duties.md).

Exit 0 and ``valid: deletion certificate <reference> for <customer>, issued <time>: N deleted, N backups to
expire (last on <day>), N kept on a legal ground`` when the provider's key signed it and the readable part is
what was signed; otherwise ``invalid: <reason>`` and exit 1. Without ``--public-key``: the provider's own
key (the public half of ART28_SIGNING_KEY_FILE).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import BaseCommand, CommandParser

from art28.core.cli import verifying_key
from art28.duties.certificate import certificate_verify


class Command(BaseCommand):
    help = "Verify a signed deletion certificate (JSON). Exits 0 when valid, 1 with the reason otherwise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The certificate JSON file ('-' reads standard input).")
        parser.add_argument(
            "--public-key", type=Path, default=None, metavar="PEM",
            help="The provider's public key (PEM), from /trust/attestation-key.pem. Default: ART28_SIGNING_KEY_FILE's.",
        )  # fmt: skip

    def handle(self, *args: Any, file: str, public_key: Path | None, **options: Any) -> None:
        key = self._public_key(public_key)
        try:
            text = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            self._fail(f"cannot read {file}: {exc.strerror or exc}")
        result = certificate_verify(text, key)
        if not result.ok or result.statement is None:
            self._fail(result.reason)
        statement = result.statement
        expiring = statement.get("backups_to_expire") or []
        last = max((item["expires_on"] for item in expiring), default=None)
        self.stdout.write(
            f"valid: deletion certificate {statement.get('reference')} for {statement['customer']['ref']}, issued "
            f"{statement.get('issued_at')}: {len(statement.get('deleted') or [])} deleted, {len(expiring)} "
            f"backup(s) to expire{f' (last on {last})' if last else ''}, {len(statement.get('retained') or [])} "
            "kept on a legal ground"
        )

    def _public_key(self, path: Path | None) -> Ed25519PublicKey:
        return verifying_key(path, self._fail)

    def _fail(self, reason: str) -> NoReturn:
        self.stderr.write(f"invalid: {reason}")
        raise SystemExit(1)
