"""`art28 evidence-remind [--dry-run] [--json]`: remind the owners of controls and corrective actions of
what falls due (S2; docs/evidence.md, "Reminders"): one mail per owner through the outbox, each thing once.
The nightly evidence task does the same after collecting; this runs it now, or shows what it would send."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from art28.core.cli import cli_actor
from art28.evidence.models import Reminder
from art28.evidence.reminders import Due, reminders_due, reminders_send


def _row(due: Due, sent: bool) -> dict[str, Any]:
    return {"kind": due.kind, "about": due.subject, "due_on": due.due_on.isoformat(), "owner": due.owner.email,
            "already_sent": sent}  # fmt: skip


class Command(BaseCommand):
    help = "Remind the owners of controls and corrective actions of what falls due (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what is due; send nothing.")
        parser.add_argument("--json", action="store_true", help="Print the reminders as JSON.")

    def handle(self, *args: Any, dry_run: bool, json: bool, **options: Any) -> None:
        if dry_run:
            dues = reminders_due()
            sent = set(Reminder.objects.values_list("kind", "subject", "due_on"))
            rows = [_row(due, due.identity in sent) for due in dues]
        else:
            report = reminders_send(actor=cli_actor("evidence-remind"))
            rows = [_row(due, False) | {"to": user.email} for user, items in report.sent.items() for due in items]
        if json:
            self.stdout.write(jsonlib.dumps(rows, indent=1))
            return
        for row in rows:
            state = "(sent before)" if row["already_sent"] else f"→ {row.get('to', row['owner'])}"
            self.stdout.write(f"{row['kind']:<18} {row['about']:<44} {row['due_on']}  {state}")
        if dry_run:
            self.stdout.write(f"{sum(not r['already_sent'] for r in rows)} to send, {len(rows)} due in all")
        else:
            recipients = len({row["to"] for row in rows})
            self.stdout.write(f"{len(rows)} reminder(s) sent in {recipients} mail(s); {report.already} sent before")
