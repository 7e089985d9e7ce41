"""`art28 attestation-issue CUSTOMER_REF [--at MOMENT] [--output FILE]`: sign a residency attestation (S1).

As of now, or with ``--at`` as of a past moment read from the inventory's history (a date: the end of that
day in ART28_TIME_ZONE; or a date-time). A moment in the future or before the history begins exits 2.

For staff automation (e.g. a monthly attestation per customer). The signed JSON goes to FILE, or to
standard output so it can be piped; the issue is recorded in the audit trail like any other.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from art28.core.audit import SystemActor
from art28.core.selectors import organisation_by_ref
from art28.core.signing import SigningKeyMissing
from art28.inventory.as_of import parse_moment
from art28.residency.services import AttestationRefused, attestation_issue

USAGE_ERROR = 2


def _os_user() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no login name (some containers)
        return "unknown user"


class Command(BaseCommand):
    help = "Issue a signed residency attestation for one customer and print or save the signed JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer_ref", metavar="CUSTOMER_REF", help="The customer's reference.")
        parser.add_argument(
            "--at",
            default="",
            help="As the inventory was then (from its history): 2026-03-14T09:30, or a date meaning the end of "
            "that day in ART28_TIME_ZONE. Default: now.",
        )
        parser.add_argument("--output", "-o", type=Path, default=None, help="Write the JSON here (default: stdout).")

    def handle(self, *args: Any, customer_ref: str, output: Path | None, at: str, **options: Any) -> None:
        organisation = organisation_by_ref(customer_ref)
        if organisation is None:
            raise CommandError(f"no customer with reference {customer_ref!r}")
        try:
            moment = parse_moment(at) if at.strip() else None
        except ValueError as error:
            raise CommandError(f"--at: {error}", returncode=USAGE_ERROR) from None
        actor = SystemActor(f"cli:attestation-issue ({_os_user()})")
        try:
            attestation = attestation_issue(actor=actor, organisation=organisation, at=moment)
        except SigningKeyMissing as exc:
            raise CommandError(str(exc)) from exc
        except AttestationRefused as refused:
            raise CommandError(f"--at: {refused}", returncode=USAGE_ERROR) from None
        if output is None:
            self.stdout.write(attestation.document, ending="")
            return
        output.write_text(attestation.document, encoding="utf-8")
        self.stdout.write(
            f"attestation {attestation.public_id} for {organisation.ref} as of {attestation.as_of.isoformat()} "
            f"written to {output} "
            f"(compliant: {'yes' if attestation.compliant else 'no'})"
        )
