"""Reads on incidents for the staff pages, the dashboard, the API, the CLI and the register.

The acknowledgement of a notice is the ``acknowledged_at`` of the outbox message whose source is that
notice (notify.Message, source_type "breaches.notice"); breaches never writes it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from art28.breaches.models import AffectedCustomer, Decision, Incident, Notice, Phase, SeverityAssessment
from art28.breaches.sending import SOURCE_TYPE
from art28.notify.models import Message


def _frozen_sum(name: str) -> Coalesce:
    total = (
        AffectedCustomer.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        # Cast: PostgreSQL sums bigints as numeric; the totals are whole numbers.
        .annotate(total=Cast(Sum(name), BigIntegerField()) if name != "pk" else Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def overdue_condition(now: dt.datetime | None = None) -> Q:
    """Past the provider's commitment (aware_at + ART28_BREACH_NOTICE_HOURS) with someone not yet told:
    undecided, or decided to notify with affected customers lacking their first notice. A decision of
    "no notification" and a closed incident are never overdue."""
    now = now or timezone.now()
    unnotified = Exists(AffectedCustomer.objects.filter(incident=OuterRef("pk"), first_notice_at__isnull=True))
    return (
        Q(aware_at__lt=now - dt.timedelta(hours=settings.ART28_BREACH_NOTICE_HOURS))
        & ~Q(phase=Phase.CLOSED)
        & ~Q(decision=Decision.NO_NOTIFICATION)
        & (Q(decision=Decision.PENDING) | Q(unnotified))
    )


def incidents(
    *, phase: str = "", decision: str = "", overdue: bool = False, year: int | None = None, query: str = ""
) -> QuerySet[Incident]:
    """Incidents, newest first, with: overdue flag, latest severity level, frozen totals, notices sent."""
    latest_level = SeverityAssessment.objects.filter(incident=OuterRef("pk")).order_by("-assessed_at", "-pk")
    sent = Notice.objects.filter(incident=OuterRef("pk"), sent_at__isnull=False).order_by().values("incident")
    qs = Incident.objects.annotate(
        overdue=ExpressionWrapper(overdue_condition(), output_field=BooleanField()),
        severity_level=Subquery(latest_level.values("level")[:1]),
        severity_score=Subquery(latest_level.values("score")[:1]),
        frozen_customers=_frozen_sum("pk"),
        frozen_subjects=_frozen_sum("subjects"),
        frozen_records=_frozen_sum("records"),
        notices_sent=Coalesce(
            Subquery(sent.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
        ),
    ).order_by("-declared_at", "-pk")
    if phase:
        qs = qs.filter(phase=phase)
    if decision:
        qs = qs.filter(decision=decision)
    if overdue:
        qs = qs.filter(overdue_condition())
    if year:
        qs = qs.filter(declared_at__year=year)
    if query:
        qs = qs.filter(Q(ref__icontains=query) | Q(title__icontains=query))
    return qs


def overdue_incidents() -> list[Incident]:
    """For the dashboard: incidents past the provider's commitment with customers not yet told."""
    return list(incidents(overdue=True).order_by("aware_at"))


def open_incidents() -> list[Incident]:
    """For the dashboard: every incident not closed, overdue or not, the longest-known first, with its
    overdue flag and latest severity level (one query)."""
    return list(incidents().exclude(phase=Phase.CLOSED).order_by("aware_at", "pk"))


def incident_by_ref(ref: str) -> Incident:
    incident = incidents().filter(ref=ref).first()
    if incident is None:
        raise Http404(f"No incident {ref}")
    return incident


def ack_counts(notice_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per notice: messages written and acknowledged (one grouped query)."""
    rows = (
        Message.objects.filter(source_type=SOURCE_TYPE, source_id__in=notice_ids)
        .order_by()
        .values("source_id")
        .annotate(messages=Count("pk"), acknowledged=Count("acknowledged_at"))
    )
    return {
        row["source_id"]: {"messages": row["messages"], "acknowledged": row["acknowledged"]}
        for row in rows
        if row["source_id"] is not None
    }


def acknowledgement_times(notice_ids: list[int]) -> list[tuple[int, dt.datetime]]:
    """(notice id, acknowledged at) of every acknowledged message, for the timeline."""
    rows = (
        Message.objects.filter(source_type=SOURCE_TYPE, source_id__in=notice_ids, acknowledged_at__isnull=False)
        .order_by("acknowledged_at")
        .values_list("source_id", "acknowledged_at")
    )
    return [(int(source), at) for source, at in rows if source is not None and at is not None]


@dataclass
class CustomerClock:
    """One affected customer: frozen impact, the provider's commitment, first notice, acknowledgements."""

    row: AffectedCustomer
    acks: list[tuple[Notice, dt.datetime | None]] = field(default_factory=list)

    @property
    def pending_due(self) -> dt.datetime | None:
        return None if self.row.first_notice_at else self.row.incident.notice_due_at


def customer_clocks(incident: Incident, rows: list[AffectedCustomer], notices: list[Notice]) -> list[CustomerClock]:
    """Attach, for a page of affected customers, each sent notice's acknowledgement time (one query)."""
    sent = [n for n in notices if n.sent_at]
    messages = Message.objects.filter(
        source_type=SOURCE_TYPE,
        source_id__in=[n.pk for n in sent],
        organisation_id__in=[row.organisation_id for row in rows],
    ).values_list("organisation_id", "source_id", "acknowledged_at")
    by_key = {(org, int(src)): ack for org, src, ack in messages if src is not None}
    clocks = []
    for row in rows:
        row.incident = incident
        acks = [(n, by_key[(row.organisation_id, n.pk)]) for n in sent if (row.organisation_id, n.pk) in by_key]
        clocks.append(CustomerClock(row=row, acks=acks))
    return clocks


def affected_rows(incident: Incident) -> QuerySet[AffectedCustomer]:
    return (
        AffectedCustomer.objects.filter(incident=incident).select_related("organisation").order_by("organisation__ref")
    )


def affected_customer(incident: Incident, organisation_ref: str) -> AffectedCustomer:
    """One affected customer of the incident, by its reference; 404 for any customer the incident's frozen
    impact does not name (a preview shows only what an affected customer will read)."""
    row = affected_rows(incident).filter(organisation__ref=organisation_ref).first()
    if row is None:
        raise Http404(f"{organisation_ref!r} is not an affected customer of {incident.ref}")
    return row


def frozen_rows_for_difference(incident: Incident) -> list[tuple[str, str, str, str, int, int]]:
    return list(
        AffectedCustomer.objects.filter(incident=incident, still_affected=True).values_list(
            "organisation__ref", "assets", "data_categories", "subject_categories", "subjects", "records"
        )
    )


def clock_summary(incident: Incident) -> dict[str, Any]:
    """Counts for the incident page: frozen customers, told, late, not yet told, acknowledged."""
    counts = AffectedCustomer.objects.filter(incident=incident).aggregate(
        customers=Count("pk"),
        notified=Count("first_notice_at"),
        late=Count("pk", filter=Q(late=True)),
    )
    counts["waiting"] = counts["customers"] - counts["notified"]
    return counts


def register_incidents(**filters: Any) -> list[Incident]:
    """Every incident (or those matching ``filters``, as for ``incidents``) for the Art. 33(5) register, with
    decisions, notices and assessments: a constant number of queries."""
    rows = list(
        incidents(**filters)
        .order_by("declared_at", "pk")
        .prefetch_related("decisions", "notices", "assessments", "assets", "sites", "services")
    )
    counts = ack_counts([n.pk for incident in rows for n in incident.notices.all()])
    categories = frozen_categories([incident.pk for incident in rows])
    for incident in rows:
        for notice in incident.notices.all():
            notice.ack = counts.get(notice.pk, {"messages": 0, "acknowledged": 0})  # type: ignore[attr-defined]
        data, subjects = categories.get(incident.pk, ([], []))
        incident.frozen_data_categories = data  # type: ignore[attr-defined]
        incident.frozen_subject_categories = subjects  # type: ignore[attr-defined]
    return rows


def frozen_categories(incident_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Per incident, the categories of data and of data subjects of its frozen affected customers, for the
    register's effects (GDPR Art. 33(3)(a), 33(5)): one query over the distinct stored lists."""
    rows = (
        AffectedCustomer.objects.filter(incident_id__in=incident_ids)
        .order_by()
        .values_list("incident_id", "data_categories", "subject_categories")
        .distinct()
    )
    found: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for incident_id, data, subjects in rows:
        found[incident_id][0].update(c for c in data.split(";") if c)
        found[incident_id][1].update(c for c in subjects.split(";") if c)
    return {pk: (sorted(data), sorted(subjects)) for pk, (data, subjects) in found.items()}


def notices_with_acks(incident: Incident) -> list[Notice]:
    notices = list(incident.notices.order_by("sequence"))
    counts = ack_counts([n.pk for n in notices])
    for notice in notices:
        notice.ack = counts.get(notice.pk, {"messages": 0, "acknowledged": 0})  # type: ignore[attr-defined]
    return notices


def languages_of_affected(incident: Incident) -> dict[str, int]:
    rows = AffectedCustomer.objects.filter(incident=incident).values("organisation__language").annotate(n=Count("pk"))
    result: dict[str, int] = defaultdict(int)
    for row in rows:
        result[row["organisation__language"] or "en"] += row["n"]
    return dict(result)
