"""`art28 evidence-verify PACK.zip [--key PEM]`: check an evidence pack offline (docs/evidence.md, "The
auditor's pack"): the signature, every file's SHA-256, each item's hash and the audit segment's chain.

Exit 0 and ``OK: …`` with what was checked; otherwise every problem on stderr, the first thing that does
not fit first, and exit 1. Without ``--key`` the provider's own key (ART28_SIGNING_KEY_FILE's public half).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import BaseCommand, CommandParser

from art28.core.signing import SigningKeyMissing, key_id, load_public_key, provider_public_key
from art28.evidence.verify import pack_verify


class Command(BaseCommand):
    help = "Verify an evidence pack (ZIP) offline. Exits 0 when it is intact, 1 naming what does not fit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pack", metavar="PACK.zip", help="The evidence pack.")
        parser.add_argument(
            "--key",
            "--public-key",
            dest="key",
            type=Path,
            default=None,
            metavar="PEM",
            help="The provider's public key (PEM), e.g. from /trust/attestation-key.pem. "
            "Default: the public half of ART28_SIGNING_KEY_FILE.",
        )

    def handle(self, *args: Any, pack: str, key: Path | None, **options: Any) -> None:
        public_key = self._public_key(key)
        if not Path(pack).is_file():
            self._fail([f"cannot read {pack}: no such file"])
        result = pack_verify(pack, public_key)
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        if not result.ok:
            self._fail(result.problems)
        statement = result.statement or {}
        counts = result.counts
        period = statement.get("period", {})
        organisation = statement.get("organisation")
        whose = f" for {organisation['ref']}" if organisation else ""
        audit = statement.get("audit") or {}
        chain = (
            f"{counts.get('audit_entries', 0)} audit entries (seq {audit['first_seq']} to {audit['last_seq']}, "
            "the chain intact)"
            if audit.get("count")
            else "no audit entries"
        )
        self.stdout.write(
            f"OK: evidence pack of {period.get('from')} to {period.get('to')}{whose}, signed with key "
            f"{key_id(public_key)}: {counts.get('files', 0)} files, {counts.get('items', 0)} evidence items "
            f"({counts.get('attachments', 0)} files, {counts.get('attestations', 0)} attestations), {chain}, "
            f"{counts.get('controls', 0)} controls"
        )

    def _public_key(self, path: Path | None) -> Ed25519PublicKey:
        if path is None:
            try:
                return provider_public_key()
            except SigningKeyMissing as exc:
                self._fail([f"{exc}; or give the provider's key with --key"])
        try:
            return load_public_key(path.read_bytes())
        except OSError as exc:
            self._fail([f"cannot read the public key {path}: {exc.strerror or exc}"])
        except ValueError as exc:
            self._fail([f"{path} is not an Ed25519 public key in PEM: {exc}"])

    def _fail(self, problems: list[str]) -> NoReturn:
        for problem in problems:
            self.stderr.write(f"invalid: {problem}")
        raise SystemExit(1)
