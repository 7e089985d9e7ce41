"""`art28 breach-declare --title ... --aware-at ISO --started-at ISO [--ended-at ISO]
--nature confidentiality,integrity [--asset REF ...] [--site CODE ...] [--service NAME ...]
[--description TEXT] [--json]` (S3).

Declares an incident and prints it with its reference and the totals of its live impact. Bad input
(an unknown asset, an end before the start …) exits 2 with the reason and records nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from art28.breaches.cli import add_scope_arguments, dump, fail, parse_time, required_time
from art28.breaches.impact import impact_of_incident
from art28.breaches.services import incident_declare, scope_refs
from art28.core.audit import cli_actor
from art28.core.validation import validation_text


class Command(BaseCommand):
    help = "Declare a personal-data breach incident (prints its reference and impact totals)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--title", required=True)
        parser.add_argument("--aware-at", required=True, metavar="ISO", help="When the provider became aware.")
        parser.add_argument("--started-at", required=True, metavar="ISO")
        parser.add_argument("--ended-at", metavar="ISO", help="Leave out while the breach is ongoing.")
        parser.add_argument(
            "--nature", required=True, help="Comma-separated: confidentiality, integrity, availability."
        )
        parser.add_argument("--description", default="")
        add_scope_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print the incident as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        natures = [n.strip() for n in options["nature"].split(",") if n.strip()]
        try:
            incident = incident_declare(
                actor=cli_actor(),
                title=options["title"],
                aware_at=required_time(options["aware_at"], "--aware-at"),
                started_at=required_time(options["started_at"], "--started-at"),
                ended_at=parse_time(options["ended_at"], "--ended-at"),
                natures=natures,
                description=options["description"],
                assets=options["asset"],
                sites=options["site"],
                services=options["service"],
            )
        except ValidationError as exc:
            fail(validation_text(exc))
        totals = impact_of_incident(incident).totals
        if options["json"]:
            self.stdout.write(
                dump(
                    {
                        "ref": incident.ref,
                        "title": incident.title,
                        "phase": incident.phase,
                        "decision": incident.decision,
                        "nature": incident.natures,
                        "aware_at": incident.aware_at.isoformat(),
                        "started_at": incident.started_at.isoformat(),
                        "ended_at": incident.ended_at.isoformat() if incident.ended_at else None,
                        "scope": scope_refs(incident),
                        "impact": totals,
                    }
                )
            )
            return
        self.stdout.write(
            f"{incident.ref} declared: {totals['customers']} customers affected, about {totals['subjects']} data "
            f"subjects and {totals['records']} records."
        )
