"""`art28 flowdown-record SUBPROCESSOR FILE --signed-on YYYY-MM-DD --clauses a,b,… [--valid-until YYYY-MM-DD]
[--json]` (S4; GDPR Art. 28(4), nFADP Art. 9(3)).

Records the signed agreement that binds a sub-processor (its slug) to the same data protection obligations:
the file as it is, its SHA-256 computed from its bytes, the day it was signed and the duties of GDPR Art.
28(3) it covers, by letter (``a`` … ``h``) or code (``security``). One that misses a duty is recorded but
reported as incomplete: it does not count as in place. Bad input (an unknown sub-processor, a missing or
empty file, a date that is not one or is in the future, an unknown duty) is printed as ``field: reason`` on
stderr with exit status 1, and nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from art28.core.cli import cli_actor
from art28.subprocessors.flowdown import LETTER_OF, flowdown_agreement_record
from art28.subprocessors.models import FlowDownClause, SubProcessor

BAD_INPUT = 1
# The service's fields as this command names them.
OPTIONS = {"signed_on": "--signed-on", "valid_until": "--valid-until", "clauses": "--clauses", "file": "FILE"}


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: {value!r} is not a date (YYYY-MM-DD)", returncode=BAD_INPUT) from None


class Command(BaseCommand):
    help = "Record the signed flow-down agreement of a sub-processor (GDPR Art. 28(4), nFADP Art. 9(3))."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subprocessor", metavar="SUBPROCESSOR", help="The sub-processor's short name (slug).")
        parser.add_argument("file", metavar="FILE", help="The signed agreement, as signed (PDF preferred).")
        parser.add_argument("--signed-on", required=True, metavar="YYYY-MM-DD", help="The day it was signed.")
        parser.add_argument(
            "--clauses",
            required=True,
            metavar="a,b,…",
            help="The duties of GDPR Art. 28(3) it covers, by letter or code: "
            + ", ".join(f"{letter} ({code})" for code, letter in LETTER_OF.items()),
        )
        parser.add_argument("--valid-until", metavar="YYYY-MM-DD", help="The last day it binds, if it ends.")
        parser.add_argument("--json", action="store_true", help="Print the agreement recorded as JSON.")

    def handle(self, *args: Any, subprocessor: str, file: str, clauses: str, **options: Any) -> None:
        signed_on = _date(options["signed_on"], "--signed-on")
        valid_until = _date(options["valid_until"], "--valid-until")
        assert signed_on is not None  # required
        sp = SubProcessor.objects.filter(slug=subprocessor.strip().lower()).first()
        if sp is None:
            raise CommandError(f"SUBPROCESSOR: no sub-processor {subprocessor!r} in the register", returncode=BAD_INPUT)
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"FILE: {file}: {exc.strerror}", returncode=BAD_INPUT) from None
        try:
            agreement = flowdown_agreement_record(
                actor=cli_actor("flowdown-record"),
                subprocessor=sp,
                signed_on=signed_on,
                valid_until=valid_until,
                file_name=path.name,
                content=content,
                clauses=clauses,
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{OPTIONS.get(field, field)}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"{problems} — nothing was recorded", returncode=BAD_INPUT) from None
        if options["json"]:
            document = {
                "subprocessor": sp.slug,
                "signed_on": agreement.signed_on.isoformat(),
                "valid_until": agreement.valid_until.isoformat() if agreement.valid_until else None,
                "file_name": agreement.file_name,
                "sha256": agreement.sha256,
                "clauses": agreement.clause_list,
                "missing": agreement.missing_clauses,
                "in_place": agreement.complete,
            }
            self.stdout.write(json.dumps(document))
            return
        self.stdout.write(
            f"flow-down agreement of {sp.slug} signed on {agreement.signed_on.isoformat()} recorded "
            f"({agreement.file_name}, SHA-256 {agreement.sha256})."
        )
        if agreement.complete:
            self.stdout.write("It covers every duty of GDPR Art. 28(3)(a)-(h): it is in place.")
        else:
            with translation.override("en"):
                missing = "; ".join(str(FlowDownClause(code).label) for code in agreement.missing_clauses)
            self.stderr.write(
                f"It is incomplete: it does not cover {missing}. It does not count as in place (GDPR Art. 28(4)), "
                "and a change adding this sub-processor cannot be announced."
            )
