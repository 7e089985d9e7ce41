"""The intrusion-tests API (S6; docs/assurance.md): findings and each service's test cadence for staff; for
a customer, the services its data uses with their last test and findings counted by severity and status,
without details (a finding's title or assets would tell one customer about another's systems)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from art28.assurance.models import FindingSeverity, FindingStatus
from art28.assurance.pentest_selectors import cadence_statuses, finding_records, service_test_summaries
from art28.core.api import api_organisation, require_staff
from art28.core.translated import all_languages
from art28.inventory.selectors import organisation_service_ids

router = Router(tags=["assurance"])


class AffectedOut(Schema):
    asset: str
    status: str


class FindingOut(Schema):
    campaign: str
    ref: str
    title: str
    vector: str | None
    score: float | None
    severity: str
    assets: list[AffectedOut]
    status: str
    due: dt.date | None
    overdue: bool


class CadenceOut(Schema):
    service: str
    every_months: int
    last_completed: dt.date | None
    due: dt.date | None
    overdue: bool


class LastTestOut(Schema):
    completed_on: dt.date
    kind: str
    tester: str
    independent: bool


class ServiceTestsOut(Schema):
    service: str
    service_i18n: dict[str, str]  # the service's name in each language (its key is ``service``)
    last_test: LastTestOut | None
    next_due: dt.date | None
    overdue: bool
    findings: dict[str, dict[str, int]]  # severity → status → count


@router.get("/findings", response=list[FindingOut], summary="Intrusion-test findings (staff)")
def findings(
    request: HttpRequest,
    campaign: str = Query("", max_length=64),
    service: str = Query("", max_length=100),
    severity: str = Query("", description="critical, high, medium, low or none"),
    status: str = Query("", description="open, fixed, risk-accepted or false-positive"),
    overdue: bool = False,
) -> list[dict]:
    require_staff(request, "intrusion-test findings")
    if severity and severity not in FindingSeverity.values:
        raise HttpError(422, f"severity: one of {', '.join(FindingSeverity.values)}")
    if status and status not in FindingStatus.values:
        raise HttpError(422, f"status: one of {', '.join(FindingStatus.values)}")
    today = timezone.localdate()
    records = finding_records(campaign=campaign, service=service, severity=severity, status=status, today=today)
    return [
        record.as_dict() | {"due": record.due, "overdue": record.overdue(today)}
        for record in records
        if not overdue or record.overdue(today)
    ]


@router.get("/intrusion-tests", response=list[CadenceOut], summary="Each service's intrusion-test cadence (staff)")
def intrusion_tests(request: HttpRequest) -> list[dict]:
    require_staff(request, "intrusion-test findings")
    today = timezone.localdate()
    return [
        {"service": c.service, "every_months": c.months, "last_completed": c.last_completed, "due": c.due_on,
         "overdue": c.overdue(today)}
        for c in cadence_statuses()
    ]  # fmt: skip


@router.get("/my/intrusion-tests", response=list[ServiceTestsOut], summary="Intrusion tests of my services")
def my_intrusion_tests(request: HttpRequest) -> list[dict]:
    """For each service the caller's organisation's data uses: the last completed intrusion test (date,
    kind, tester, independent or not), when the next is due, and that test's findings counted by severity
    and current status."""
    today = timezone.localdate()
    summaries = service_test_summaries(organisation_service_ids(api_organisation(request)), today)
    return [
        {
            "service": s.service,
            "service_i18n": all_languages(s.cadence.record, "name") if s.cadence.record else {},
            "last_test": None
            if s.campaign is None or s.campaign.completed_on is None
            else {"completed_on": s.campaign.completed_on, "kind": s.campaign.kind, "tester": s.campaign.tester,
                  "independent": s.campaign.tester_independent},
            "next_due": s.cadence.due_on,
            "overdue": s.overdue(today),
            "findings": s.counts,
        }
        for s in summaries
    ]  # fmt: skip
