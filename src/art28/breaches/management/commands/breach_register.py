"""`art28 breach-register [--csv]`: the breach register (GDPR Art. 33(5)) as a table or CSV."""

from __future__ import annotations

from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table
from rich.text import Text

from art28.breaches.register import csv_chunks, register_row
from art28.breaches.selectors import register_incidents


class Command(BaseCommand):
    help = "Print the breach register: every incident, its effects, decisions and notices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", action="store_true", help="CSV with every column, one row per incident.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["csv"]:
            for chunk in csv_chunks():
                self.stdout.write(chunk, ending="")
            return
        stream = cast(TextIO, getattr(self.stdout, "_out", self.stdout))
        console = Console(file=stream, width=None if stream.isatty() else 200, soft_wrap=False)
        table = Table("ref", "title", "phase", "decision", "aware", "customers", "subjects", "notices sent")
        incidents = register_incidents()
        for incident in incidents:
            row = register_row(incident)
            table.add_row(
                Text(row["ref"]),
                Text(row["title"]),
                row["phase"],
                row["decision"],
                row["aware_at"],
                str(row["affected_customers"]),
                str(row["subjects"]),
                str(sum(1 for n in incident.notices.all() if n.sent_at)),
            )
        console.print(table)
        console.print(f"{len(incidents)} incidents.", highlight=False, markup=False)
