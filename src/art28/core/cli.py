"""What the ``art28`` commands share: who acted (the OS user, for the audit trail) and how refused input
is printed (every ``FILE:LINE: reason`` on stderr, exit 1; a usage error exits 2)."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from art28.core.audit import SystemActor
from art28.core.problems import InputRefused

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
