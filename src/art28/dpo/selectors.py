"""Reads of the DPO desk. Customer-facing selectors take the organisation and never return another's rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from art28.core.models import Organisation
from art28.dpo.models import Request, Status

APPROACHING_DAYS = 7


def _with_due(queryset: QuerySet[Request]) -> QuerySet[Request]:
    """Annotated with ``effective_due`` (the extended deadline, else the first) for pages and the CLI."""
    return queryset.annotate(effective_due=Coalesce("extended_due_on", "due_on"))


def _due_before(day: dt.date) -> Q:
    return Q(extended_due_on__lt=day) | Q(extended_due_on__isnull=True, due_on__lt=day)


def _by_due() -> tuple:  # type: ignore[type-arg]
    return (Coalesce("extended_due_on", "due_on").asc(), "pk")


@dataclass(frozen=True)
class RequestFilters:
    status: str = ""  # "", open (open or forwarded), overdue, closed, forwarded
    kind: str = ""
    assignee_id: int | None = None


def requests_for_staff(filters: RequestFilters | None = None, *, today: dt.date | None = None) -> QuerySet[Request]:
    filters = filters or RequestFilters()
    today = today or timezone.localdate()
    queryset = _with_due(Request.objects.select_related("assignee", "organisation"))
    if filters.status == "open":
        queryset = queryset.exclude(status=Status.CLOSED)
    elif filters.status == "overdue":
        # The provider's clock: a forwarded request kept its forwarding commitment (the controller answers).
        queryset = queryset.filter(status=Status.OPEN).filter(_due_before(today))
    elif filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.assignee_id:
        queryset = queryset.filter(assignee_id=filters.assignee_id)
    return queryset.order_by(*_by_due()) if filters.status != "closed" else queryset.order_by("-closed_at")


def request_by_reference(reference: str) -> Request:
    return Request.objects.select_related("assignee", "organisation", "answered_by").get(reference=reference)


def request_events(request: Request) -> list:  # type: ignore[type-arg]
    return list(request.events.select_related("message").prefetch_related("message__deliveries"))


def deadline_watch(*, today: dt.date | None = None) -> tuple[list[Request], list[Request]]:
    """(overdue, approaching within 7 days) open requests, for the staff dashboard: those whose provider's
    deadline still runs (not closed, not with the controller: ``Request.provider_clock_runs``)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=APPROACHING_DAYS + 1)
    open_requests = _with_due(Request.objects.filter(status=Status.OPEN)).filter(_due_before(horizon))
    rows = list(open_requests.order_by(*_by_due()))
    overdue = [r for r in rows if r.effective_due < today]  # type: ignore[attr-defined]
    return overdue, [r for r in rows if r.effective_due >= today]  # type: ignore[attr-defined]


def requests_for_organisation(organisation: Organisation) -> QuerySet[Request]:
    """The requests forwarded to ``organisation`` (and only those)."""
    return _with_due(
        Request.objects.filter(organisation=organisation, forwarded_at__isnull=False).select_related("answered_by")
    ).order_by("-forwarded_at")


def request_for_organisation(organisation: Organisation, *, public_id: object = None, reference: str = "") -> Request:
    """One forwarded request of ``organisation``; Request.DoesNotExist for any other (a 404, never a 403)."""
    lookup = Q(public_id=public_id) if public_id is not None else Q(reference=reference)
    return requests_for_organisation(organisation).get(lookup)


def days_left(request: Request, *, today: dt.date | None = None) -> int:
    return (request.effective_due_on - (today or timezone.localdate())).days


def requests_awaiting_answer(organisation: Organisation) -> QuerySet[Request]:
    """The requests forwarded to ``organisation`` that it has not answered yet (GDPR Art. 28(3)(e): the
    processor assists, the controller answers its data subject), the earliest deadline first."""
    return (
        Request.objects.filter(organisation=organisation, forwarded_at__isnull=False, answered_at__isnull=True)
        .exclude(status=Status.CLOSED)
        .order_by("received_on", "pk")
    )


def requests_with_reference(fragment: str) -> QuerySet[Request]:
    """Requests whose reference contains ``fragment`` (the staff search), newest first. Only the reference:
    the requester's identity is personal data the search box does not reach (GDPR Art. 5(1)(c))."""
    return Request.objects.filter(reference__icontains=fragment).order_by("-received_on", "-pk")
