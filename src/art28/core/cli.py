"""What the ``art28`` commands share: who acted (the OS user, for the audit trail) and how refused input
is printed (every ``FILE:LINE: reason`` on stderr, exit 1; a usage error exits 2)."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management.base import BaseCommand, CommandError

from art28.core.audit import SystemActor
from art28.core.problems import InputRefused
from art28.core.signing import SigningKeyMissing, load_public_key, provider_public_key

USAGE_ERROR = 2


def cli_actor(command: str) -> SystemActor:
    try:
        user = getpass.getuser()
    except OSError:
        user = "unknown user"
    return SystemActor(f"cli:{command} ({user})")


def print_refused(command: BaseCommand, error: InputRefused) -> None:
    """Every problem on stderr, then exit 1: nothing was imported."""
    for line in error.lines:
        command.stderr.write(line)
    if error.count > len(error.lines):
        command.stderr.write(f"… and {error.count - len(error.lines)} more")
    raise CommandError(f"{error.count} problem(s); nothing was imported", returncode=1)


def verifying_key(path: Path | None, fail: Callable[[str], NoReturn]) -> Ed25519PublicKey:
    """The key a signed document is checked with: the PEM at ``path`` (as published at
    /trust/attestation-key.pem), else the public half of the provider's own signing key. ``fail`` is
    called with the reason when neither can be read (the verify commands print it and exit 1)."""
    if path is None:
        try:
            return provider_public_key()
        except SigningKeyMissing as exc:
            fail(f"{exc}; or give the provider's key with --public-key")
    try:
        return load_public_key(path.read_bytes())
    except OSError as exc:
        fail(f"cannot read the public key {path}: {exc.strerror or exc}")
    except ValueError as exc:
        fail(f"{path} is not an Ed25519 public key in PEM: {exc}")
