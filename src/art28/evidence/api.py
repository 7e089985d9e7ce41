"""The controls API (S2; docs/evidence.md): every control with its status, references and evidence age for
staff; for a customer, the controls of the services its data uses with status and evidence age only (no
reasons: they may name other customers' incidents or requests)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from art28.core.api import api_organisation, require_staff
from art28.core.translated import all_languages
from art28.evidence.selectors import STATUS_ORDER, ControlStatus, control_statuses, customer_controls
from art28.inventory.selectors import organisation_service_ids

router = Router(tags=["evidence"])


class ControlOut(Schema):
    ref: str
    title: str
    gdpr: str  # Art. 32(1)(a)-(d)
    nfadp: list[str]
    iso_27001: list[str]
    applicable: bool
    status: str
    reasons: list[str]
    evidence_sources: list[str]
    evidence_items: int
    latest_evidence_at: dt.datetime | None
    valid_until: dt.date | None
    next_test_on: dt.date


class MyControlOut(Schema):
    ref: str
    title: str
    title_i18n: dict[str, str]
    gdpr: str
    status: str
    latest_evidence_at: dt.datetime | None
    evidence_age_days: int | None


def _gdpr(status: ControlStatus) -> str:
    return f"Art. 32(1)({status.measure.area})"


@router.get("/controls", response=list[ControlOut], summary="Every control with its status (staff)")
def controls(
    request: HttpRequest, status: str = Query("", description="effective, stale, failing or not-applicable")
) -> list[dict]:
    require_staff(request, "the controls")
    if status and status not in STATUS_ORDER:
        raise HttpError(422, f"status: one of {', '.join(STATUS_ORDER)}")
    return [
        {"ref": s.measure.ref, "title": s.measure.title, "gdpr": _gdpr(s), "nfadp": s.measure.nfadp_refs,
         "iso_27001": s.measure.iso_refs, "applicable": s.measure.applicable, "status": s.status,
         "reasons": s.reasons, "evidence_sources": s.measure.evidence_sources, "evidence_items": s.evidence_count,
         "latest_evidence_at": s.latest_at, "valid_until": s.valid_until, "next_test_on": s.measure.next_review_on}
        for s in control_statuses()
        if not status or s.status == status
    ]  # fmt: skip


@router.get("/my/controls", response=list[MyControlOut], summary="The controls of my services")
def my_controls(request: HttpRequest) -> list[dict]:
    """The applicable controls of the services the caller's organisation's data uses (and of every
    service): status and the age of the latest evidence."""
    today = timezone.localdate()
    statuses = customer_controls(organisation_service_ids(api_organisation(request)), today)
    return [
        {"ref": s.measure.ref, "title": s.measure.title, "title_i18n": all_languages(s.measure, "title"),
         "gdpr": _gdpr(s), "status": s.status, "latest_evidence_at": s.latest_at,
         "evidence_age_days": s.age_days(today)}
        for s in statuses
    ]  # fmt: skip
