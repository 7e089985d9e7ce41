"""`art28 signing-key-create`: make the provider's Ed25519 key that signs residency attestations."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from art28.core.signing import key_id, public_key_pem, signing_key_create


class Command(BaseCommand):
    help = "Create the Ed25519 signing key (ART28_SIGNING_KEY_FILE) and print its public half."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=None, help="Where to write the key (default: setting).")
        parser.add_argument("--if-missing", action="store_true", help="Do nothing when a key is already there.")

    def handle(self, *args: Any, path: Path | None, if_missing: bool, **options: Any) -> None:
        path = path or Path(settings.ART28_SIGNING_KEY_FILE)
        if path.exists():
            if if_missing:
                return
            raise CommandError(f"{path} exists; refusing to replace a signing key (move it away first)")
        key = signing_key_create(path)
        self.stdout.write(f"signing key written to {path} (key id {key_id(key.public_key())})")
        self.stdout.write(public_key_pem(key.public_key()))
