"""`art28 subprocessors [--at YYYY-MM-DD] [--all] [--json]`: the register (S4).

Without ``--at``: the sub-processors in use today; with it: those in use on that date (the register at
a past date, from ``in_use_from`` / ``in_use_until``); ``--all``: every entry ever registered.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from art28.core.glossary import GlossaryTexts
from art28.subprocessors.schemas import subprocessor_out
from art28.subprocessors.selectors import agreements_in_place, public_register, register_all


class Command(BaseCommand):
    help = "Print the sub-processor register in use today, on a date (--at) or every entry (--all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD")
        parser.add_argument("--all", action="store_true", help="Every entry, in use or not.")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, at: dt.date | None, **options: Any) -> None:
        rows = register_all() if options["all"] else public_register(at)
        glossary = GlossaryTexts()
        agreements = agreements_in_place((sp.pk for sp in rows), at)  # one query (GDPR Art. 28(4))
        out = [subprocessor_out(sp, at, glossary, agreements).dict() for sp in rows]
        if options["json"]:
            self.stdout.write(json.dumps(out, default=str, ensure_ascii=False, indent=2))
            return
        for row in out:
            chain = f" (engaged by {' ← '.join(row['chain'])})" if row["chain"] else ""
            agreement = row["flow_down_agreement"]
            bound = f"agreement since {agreement['signed_on']}" if agreement else "no flow-down agreement"
            self.stdout.write(
                f"{row['slug']:28} {row['legal_name']:36} {';'.join(row['countries']):12} "
                f"{', '.join(row['services']) or '—'}{chain} [{bound}]"
            )
        when = f"on {at}" if at else ("ever registered" if options["all"] else "in use today")
        self.stdout.write(f"{len(out)} sub-processor(s) {when}.")
