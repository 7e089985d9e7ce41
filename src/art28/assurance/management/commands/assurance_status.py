"""`art28 assurance-status [--json]`: what is overdue in the provider's assurance (S6; docs/assurance.md):
each service whose last completed intrusion test is older than its cadence (or that was never tested), and
each open finding past its remediation due date. Exits 1 when anything is overdue: a monitoring check."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from art28.assurance.pentest_selectors import cadence_statuses, finding_records


class Command(BaseCommand):
    help = "List overdue intrusion tests and findings; exit 1 if anything is overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, json: bool, **options: Any) -> None:
        today = timezone.localdate()
        issues: list[dict[str, Any]] = []
        for cadence in cadence_statuses():
            if cadence.overdue(today):
                issues.append({
                    "kind": "pentest-overdue", "service": cadence.service, "every_months": cadence.months,
                    "last_completed": cadence.last_completed.isoformat() if cadence.last_completed else None,
                    "due": cadence.due_on.isoformat() if cadence.due_on else None,
                })  # fmt: skip
        for record in finding_records(status="open", today=today):
            if record.overdue(today):
                assert record.due is not None
                issues.append({
                    "kind": "finding-overdue", "service": record.service, "campaign": record.campaign,
                    "ref": record.ref, "severity": record.severity, "due": record.due.isoformat(),
                    "assets": [ref for ref, status in record.assets if status == "open"],
                })  # fmt: skip
        if json:
            self.stdout.write(jsonlib.dumps(issues, ensure_ascii=False, indent=1))
        else:
            for issue in issues:
                self.stdout.write(_line(issue))
            if not issues:
                self.stdout.write("nothing overdue: every service tested within its cadence, no finding past due")
        if issues:
            self.stderr.write(f"{len(issues)} overdue")
            raise SystemExit(1)


def _line(issue: dict[str, Any]) -> str:
    if issue["kind"] == "pentest-overdue":
        if issue["last_completed"] is None:
            return f"OVERDUE  {issue['service']}: never tested (every {issue['every_months']} months)"
        return (
            f"OVERDUE  {issue['service']}: last intrusion test completed {issue['last_completed']}, "
            f"due again {issue['due']} (every {issue['every_months']} months)"
        )
    return (
        f"OVERDUE  {issue['service']}: finding {issue['campaign']}/{issue['ref']} ({issue['severity']}) due "
        f"{issue['due']}, open on {', '.join(issue['assets']) or 'an expired risk acceptance'}"
    )
