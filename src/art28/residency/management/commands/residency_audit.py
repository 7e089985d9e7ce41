"""`art28 residency-audit [--all | --json | --csv]`: every placement or flow outside its customer's allowed
countries (S1).

By default the findings grouped by cause (rule, site/flow/sub-processor, country) with their counts,
customers and remedy; ``--all`` every row as a table; ``--json`` and ``--csv`` every row, streamed as the
engine returns them (stored, flows, sub-processors), never held in memory as a whole.

Exit status: 0 when all is well, 1 when there are violations, 2 when the command itself was misused
(e.g. an unknown ``--customer``), so scripts and monitoring can tell "non-compliant" from "broken".
See docs/residency-audit.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table
from rich.text import Text

from art28.core.selectors import organisation_by_ref
from art28.inventory.as_of import check_history, inventory_as_of, parse_moment
from art28.residency.engine import (
    REASONS,
    WITHOUT_PLACE,
    Violation,
    iter_cause_tallies,
    iter_raw_rows,
    run_audit,
)
from art28.residency.grouping import CauseGroup, group_tallies
from art28.residency.reports import JSON_KEYS, allowed_text, json_array_chunks, raw_row_json, summary_sentence
from art28.residency.selectors import audit_summary, filter_violations, summary_of_groups

USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Audit data residency: list every placement or flow of customer data outside the customer's allowed "
        "countries, and every sub-processor working on the data of a customer with no recorded authorisation. "
        "Exits 0 when there is none, 1 when there are violations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--all", action="store_true", help="Print every violation (a table), not the causes.")
        output.add_argument("--json", action="store_true", help="Stream a JSON array of violations.")
        output.add_argument("--csv", action="store_true", help="Stream the violations as CSV (header first).")
        parser.add_argument("--customer", metavar="REF", default="", help="Only this customer (its reference).")
        parser.add_argument("--reason", choices=REASONS, default="", help="Only violations with this reason.")
        parser.add_argument(
            "--at",
            metavar="DATETIME",
            default="",
            help="As the inventory was then (from its history): 2026-03-14T09:30, or a date meaning the end of "
            "that day in ART28_TIME_ZONE.",
        )

    def handle(self, *args: Any, json: bool, csv: bool, customer: str, reason: str, at: str, **options: Any) -> None:
        moment = None
        if at:
            try:
                moment = parse_moment(at)
                check_history(moment)
            except ValueError as error:  # HistoryUnavailable included
                raise CommandError(f"--at: {error}", returncode=USAGE_ERROR) from None
        with inventory_as_of(moment) if moment else nullcontext():
            self._audit(json=json, csv=csv, customer=customer, reason=reason, at=moment, **options)

    def _audit(
        self, *, json: bool, csv: bool, customer: str, reason: str, at: dt.datetime | None, **options: Any
    ) -> None:
        organisation_id = None
        if customer:
            organisation = organisation_by_ref(customer)
            if organisation is None:
                raise CommandError(f"no customer with reference {customer!r}", returncode=USAGE_ERROR)
            organisation_id = organisation.pk
        found = False
        try:
            if json:
                raw = iter_raw_rows(organisation_id=organisation_id, at=at)
                found = self._write_json(raw_row_json(row) for row in raw if not reason or row[5] == reason)
            elif csv:
                raw = iter_raw_rows(organisation_id=organisation_id, at=at)
                found = self._write_csv(row for row in raw if not reason or row[5] == reason)
            elif options.get("all"):
                violations = filter_violations(run_audit(organisation_id=organisation_id, at=at), reason=reason)
                found = bool(violations)
                self._print_table(violations)
            else:
                # Counted by cause in the database: the summary never holds the rows (400,000 at a large provider).
                tallies = iter_cause_tallies(organisation_id=organisation_id, at=at)
                groups = group_tallies(tally for tally in tallies if not reason or tally[0] == reason)
                found = bool(groups)
                self._print_groups(groups)
        except BrokenPipeError:
            # `art28 residency-audit --json | head`: the reader has seen enough; the verdict stands.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            found = True
        if found:
            raise SystemExit(1)

    def _write_json(self, lines: Iterator[str]) -> bool:
        """The JSON array, streamed from the engine's raw rows (no Violation objects: up to 1M rows)."""
        stream = cast(TextIO, getattr(self.stdout, "_out", self.stdout))
        found = False
        batch: list[str] = []
        for chunk in json_array_chunks(lines):
            found = found or chunk != "[]\n"
            batch.append(chunk)
            if len(batch) >= 1000:  # one write per thousand rows, not one per row
                stream.write("".join(batch))
                batch.clear()
        stream.write("".join(batch))
        return found

    def _write_csv(self, rows: Iterator[tuple[Any, ...]]) -> bool:
        """The seven JSON keys as columns; ``allowed`` joined by ``;`` as in the policies (CH;LI). From the
        engine's raw rows, like --json (no Violation objects: up to 1M rows)."""
        stream = cast(TextIO, getattr(self.stdout, "_out", self.stdout))
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(JSON_KEYS)
        found = False
        for customer, asset, site, country, allowed, reason, destination in rows:
            found = True
            writer.writerow((customer, asset, site, country, allowed_text(allowed), reason, destination))
        return found

    def _console(self) -> Console:
        # The wrapped stream itself, so rich can tell a terminal from a pipe (and adds no extra newlines).
        stream = cast(TextIO, getattr(self.stdout, "_out", self.stdout))
        return Console(file=stream, width=None if stream.isatty() else 160, soft_wrap=False)

    def _print_groups(self, groups: list[CauseGroup]) -> None:
        """The findings by cause, largest first: what to fix, for whom, and how."""
        console = self._console()
        if groups:
            table = Table("findings", "customers", "reason", "cause", "country", "remedy")
            for group in groups:
                shown = ", ".join(name for _ref, name in group.first_customers)
                more = " …" if group.customers > len(group.first_customers) else ""
                cells = (
                    str(group.count),
                    f"{group.customers}: {shown}{more}",
                    group.reason,
                    f"{group.cause_kind} {group.cause or '—'}",
                    "—" if group.reason in WITHOUT_PLACE else group.country or "unknown",
                    group.remedy,
                )
                table.add_row(*(Text(cell) for cell in cells))
            console.print(table)
            console.print("Every row: --all (table), --json or --csv.", highlight=False, markup=False)
        style = "bold red" if groups else "bold green"
        console.print(summary_sentence(summary_of_groups(groups)), style=style, highlight=False, markup=False)

    def _print_table(self, violations: list[Violation]) -> None:
        console = self._console()
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
