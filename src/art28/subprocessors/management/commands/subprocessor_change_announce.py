"""`art28 subprocessor-change-announce ID [--effective-on YYYY-MM-DD] [--json]` (S4).

Announces a drafted change to exactly the customers of its services, in their language, and prints the
effective date (no earlier than today + the longest notice period among them, GDPR Art. 28(2)).
Exit status 2 when the change does not exist or cannot be announced (the reason is printed).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from art28.core.audit import cli_actor
from art28.core.validation import validation_text
from art28.subprocessors.changes import change_announce
from art28.subprocessors.models import Change

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Announce a drafted sub-processor change to the customers concerned."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("change_id", type=int, metavar="ID")
        parser.add_argument("--effective-on", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, change_id: int, effective_on: dt.date | None, **options: Any) -> None:
        change = Change.objects.filter(pk=change_id).first()
        if change is None:
            raise CommandError(f"no change #{change_id}", returncode=USAGE_ERROR)
        try:
            change = change_announce(actor=cli_actor(), change=change, effective_on=effective_on)
        except ValidationError as exc:
            raise CommandError(validation_text(exc), returncode=USAGE_ERROR) from exc
        customers = change.recipients.count()
        if options["json"]:
            self.stdout.write(
                json.dumps({"change": change.pk, "customers": customers, "effective_on": str(change.effective_on)})
            )
            return
        self.stdout.write(
            f"change #{change.pk} ({change.kind} of {change.subprocessor.slug}) announced to {customers} "
            f"customers; effective on {change.effective_on}."
        )
