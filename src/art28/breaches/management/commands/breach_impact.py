"""`art28 breach-impact --asset REF ... --site CODE ... --service NAME ... [--json]` (S3).

The customers whose data sits on the scoped assets (or below them), at the scoped sites, or on the
scoped services' assets, from the live inventory. ``--json`` prints exactly::

    {"customers": [{"customer": ref, "assets": [...], "data_categories": [...], "subject_categories": [...],
                    "subjects": n, "records": n}],
     "totals": {"customers": n, "subjects": n, "records": n}}

sorted by customer reference, assets and categories sorted. An unknown reference exits 2 and names it.
"""

from __future__ import annotations

import json
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table
from rich.text import Text

from art28.breaches.cli import add_scope_arguments, fail
from art28.breaches.impact import Impact, UnknownScope, impact_of_scope, resolve_scope
from art28.core.display import number_text


class Command(BaseCommand):
    help = "Which customers a breach of these assets, sites or services touches, and how much of their data."

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print the impact as JSON.")

    def handle(self, *args: Any, asset: list[str], site: list[str], service: list[str], **options: Any) -> None:
        if not (asset or site or service):
            fail("give at least one --asset, --site or --service")
        try:
            scope = resolve_scope(assets=asset, sites=site, services=service)
        except UnknownScope as exc:
            fail(str(exc))
        result = impact_of_scope(scope)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self._print_table(result)

    def _print_table(self, result: Impact) -> None:
        stream = cast(TextIO, getattr(self.stdout, "_out", self.stdout))
        console = Console(file=stream, width=None if stream.isatty() else 160, soft_wrap=False)
        table = Table("customer", "assets", "data categories", "data subjects (categories)", "subjects", "records")
        for c in result.customers:
            table.add_row(
                Text(c.customer),
                Text(", ".join(c.assets)),
                Text(", ".join(c.data_categories)),
                Text(", ".join(c.subject_categories)),
                number_text(c.subjects),
                number_text(c.records),
            )
        if result.customers:
            console.print(table)
        totals = result.totals
        console.print(
            f"{number_text(totals['customers'])} customers affected, "
            f"about {number_text(totals['subjects'])} data subjects and {number_text(totals['records'])} records.",
            highlight=False,
            markup=False,
        )
