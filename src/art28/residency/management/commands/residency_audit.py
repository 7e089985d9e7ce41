"""`art28 residency-audit [--json]`: every placement or flow outside its customer's allowed countries (S1).

Exit status: 0 when all is well, 1 when there are violations, 2 when the command itself was misused
(e.g. an unknown ``--customer``), so scripts and monitoring can tell "non-compliant" from "broken".
See docs/residency-audit.md.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table
from rich.text import Text

from art28.core.selectors import organisation_by_ref
from art28.residency.engine import REASONS, WITHOUT_PLACE, Violation, run_audit
from art28.residency.reports import summary_sentence, violations_json_chunks
from art28.residency.selectors import audit_summary, filter_violations

USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Audit data residency: list every placement or flow of customer data outside the customer's allowed "
        "countries, and every sub-processor working on the data of a customer with no recorded authorisation. "
        "Exits 0 when there is none, 1 when there are violations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print a JSON array of violations.")
        parser.add_argument("--customer", metavar="REF", default="", help="Only this customer (its reference).")
        parser.add_argument("--reason", choices=REASONS, default="", help="Only violations with this reason.")

    def handle(self, *args: Any, json: bool, customer: str, reason: str, **options: Any) -> None:
        organisation_id = None
        if customer:
            organisation = organisation_by_ref(customer)
            if organisation is None:
                raise CommandError(f"no customer with reference {customer!r}", returncode=USAGE_ERROR)
            organisation_id = organisation.pk
        violations = filter_violations(run_audit(organisation_id=organisation_id), reason=reason)
        try:
            if json:
                for chunk in violations_json_chunks(violations):
                    self.stdout.write(chunk, ending="")
            else:
                self._print_table(violations)
        except BrokenPipeError:
            # `art28 residency-audit --json | head`: the reader has seen enough; the verdict stands.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if violations:
            raise SystemExit(1)

    def _print_table(self, violations: list[Violation]) -> None:
        # The wrapped stream itself, so rich can tell a terminal from a pipe (and adds no extra newlines).
        stream = cast(TextIO, getattr(self.stdout, "_out", self.stdout))
        console = Console(file=stream, width=None if stream.isatty() else 160, soft_wrap=False)
        if violations:
            table = Table("customer", "asset", "site", "country", "allowed", "reason", "destination")
            for v in violations:
                placeless = v.reason in WITHOUT_PLACE  # about the customer, not one place
                cells = (
                    v.customer,
                    v.asset or "—",
                    v.site or "—",
                    "—" if placeless else v.country or "unknown",
                    ", ".join(v.allowed),
                    v.reason,
                    v.destination or "",
                )
                table.add_row(*(Text(cell) for cell in cells))  # Text: refs like "vm[1]" are not markup
            console.print(table)
        style = "bold red" if violations else "bold green"
        console.print(summary_sentence(audit_summary(violations)), style=style, highlight=False, markup=False)
