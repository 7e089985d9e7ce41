"""`art28 dpo-requests [--overdue] [--json]`: the open requests to the DPO and their deadline clock."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from art28.dpo.selectors import RequestFilters, requests_for_staff


class Command(BaseCommand):
    help = "List the open requests to the DPO with their deadlines (overdue first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--overdue", action="store_true", help="Only requests past their deadline.")
        parser.add_argument("--json", action="store_true", help="One JSON array, for scripts.")

    def handle(self, *args: Any, overdue: bool, json: bool, **options: Any) -> None:
        today = timezone.localdate()
        rows = list(requests_for_staff(RequestFilters(status="overdue" if overdue else "open"), today=today))
        records = []
        for r in rows:
            deadline = r.deadline
            records.append(
                {
                    "reference": r.reference,
                    "kind": r.kind,
                    "status": r.status,
                    "regime": r.regime,
                    "controller_kind": r.controller_kind,
                    "received_on": r.received_on.isoformat(),
                    "due_on": r.effective_due.isoformat(),  # type: ignore[attr-defined]
                    # The law's deadline, or the provider's own commitment (forwarding, service level).
                    "due_is_law": deadline.is_law,
                    "due_basis": deadline.basis,
                    # None once forwarded: the provider's commitment is kept, the controller answers.
                    "days_left": (r.effective_due - today).days if r.provider_clock_runs else None,  # type: ignore[attr-defined]
                    "assignee": r.assignee.email if r.assignee else None,
                    "organisation": r.organisation.ref if r.organisation else None,
                }
            )
        if json:
            self.stdout.write(_dumps(records))
            return
        if not records:
            self.stdout.write("no overdue request" if overdue else "no open request")
            return
        for rec in records:
            if rec["days_left"] is None:
                clock = "with the controller"
            else:
                clock = f"OVERDUE {-rec['days_left']}d" if rec["days_left"] < 0 else f"{rec['days_left']}d left"
            basis = "law" if rec["due_is_law"] else "commitment"
            self.stdout.write(
                f"{rec['reference']}  {rec['kind']:<13} {rec['status']:<9} due {rec['due_on']} {basis} ({clock})"
                f"  {rec['assignee'] or '-'}  {rec['organisation'] or ''}".rstrip()
            )


def _dumps(records: list[dict]) -> str:
    return json.dumps(records, indent=1, ensure_ascii=False)
