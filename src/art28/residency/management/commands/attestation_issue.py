"""`art28 attestation-issue CUSTOMER_REF [--output FILE]`: sign a residency attestation as of now (S1).

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
from art28.residency.services import attestation_issue
from art28.residency.signing import SigningKeyMissing


def _os_user() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no login name (some containers)
        return "unknown user"


class Command(BaseCommand):
    help = "Issue a signed residency attestation for one customer and print or save the signed JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer_ref", metavar="CUSTOMER_REF", help="The customer's reference.")
        parser.add_argument("--output", "-o", type=Path, default=None, help="Write the JSON here (default: stdout).")

    def handle(self, *args: Any, customer_ref: str, output: Path | None, **options: Any) -> None:
        organisation = organisation_by_ref(customer_ref)
        if organisation is None:
            raise CommandError(f"no customer with reference {customer_ref!r}")
        actor = SystemActor(f"cli:attestation-issue ({_os_user()})")
        try:
            attestation = attestation_issue(actor=actor, organisation=organisation)
        except SigningKeyMissing as exc:
            raise CommandError(str(exc)) from exc
        if output is None:
            self.stdout.write(attestation.document, ending="")
            return
        output.write_text(attestation.document, encoding="utf-8")
        self.stdout.write(
            f"attestation {attestation.public_id} for {organisation.ref} written to {output} "
            f"(compliant: {'yes' if attestation.compliant else 'no'})"
        )
