"""`art28 attestation-verify FILE [--public-key PEM]`: check a signed residency attestation (S1).

Exit 0 and ``valid: attestation <id> for <ref> as of <time>, compliant: yes|no`` when the signature
is the provider's and the readable part matches what was signed; otherwise the reason and exit 1.
Without ``--public-key`` the provider's own key (ART28_SIGNING_KEY_FILE's public half) is used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import BaseCommand, CommandParser

from art28.core.cli import verifying_key
from art28.core.signing import verify_document


class Command(BaseCommand):
    help = "Verify a signed residency attestation (JSON). Exits 0 when valid, 1 with the reason otherwise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The attestation JSON file ('-' reads standard input).")
        parser.add_argument(
            "--public-key",
            type=Path,
            default=None,
            metavar="PEM",
            help="The provider's public key (PEM), e.g. from /trust/attestation-key.pem. "
            "Default: the public half of ART28_SIGNING_KEY_FILE.",
        )

    def handle(self, *args: Any, file: str, public_key: Path | None, **options: Any) -> None:
        key = self._public_key(public_key)
        try:
            text = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            self._fail(f"cannot read {file}: {exc.strerror or exc}")
        result = verify_document(text, key)
        if not result.ok or result.statement is None:
            self._fail(result.reason)
        statement = result.statement
        if isinstance(statement, dict) and statement.get("type") == "art28/patch-record":
            # The trust center's signed security-update record (docs/patching.md) uses the same envelope.
            self.stdout.write(f"valid: art28/patch-record generated at {statement.get('generated_at')}")
            return
        if isinstance(statement, dict) and statement.get("type") == "art28/isolation-run":
            # A signed isolation probe run (docs/assurance.md).
            counts = statement.get("counts") or {}
            self.stdout.write(
                f"valid: art28/isolation-run of {statement.get('suite', {}).get('name')} at "
                f"{statement.get('started_at')}: {counts.get('isolated')} isolated, {counts.get('breach')} "
                f"breach(es), {counts.get('inconclusive')} inconclusive"
            )
            return
        try:
            customer, as_of, compliant = statement["customer"]["ref"], statement["as_of"], statement["compliant"]
            attestation_id = statement["id"]
        except (KeyError, TypeError):
            self._fail("the signature is valid but the statement is not a residency attestation")
        issued_at = statement.get("issued_at") if isinstance(statement, dict) else None
        signed = f" (signed {issued_at})" if issued_at and issued_at != as_of else ""
        self.stdout.write(
            f"valid: attestation {attestation_id} for {customer} as of {as_of}{signed}, "
            f"compliant: {'yes' if compliant else 'no'}"
        )

    def _public_key(self, path: Path | None) -> Ed25519PublicKey:
        return verifying_key(path, self._fail)

    def _fail(self, reason: str) -> NoReturn:
        self.stderr.write(f"invalid: {reason}")
        raise SystemExit(1)
