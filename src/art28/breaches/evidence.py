"""The breach register's evidence collector (S3 as evidence for S2; core/evidence.py, docs/evidence.md).

``breaches.notification``: whether the affected customers were told of a breach within the provider's
commitment. The law sets no hours for a processor: GDPR Art. 33(2) "without undue delay", nFADP Art.
24(3) "as soon as possible". The hours are the provider's own configurable commitment
(ART28_BREACH_NOTICE_HOURS after awareness, ``Incident.notice_due_at``), shown as such, never as the law.

Two kinds of item, both from the register's own records:

* a sending that first told customers (the first notice, key ``INC-2026-0001``; an update that first told
  customers found affected later, key ``INC-2026-0001:notice-3``), effective when it was sent, with the due
  time and lateness frozen on each customer's row at that moment (``AffectedCustomer``: never rewritten);
* the commitment passing with nobody told (key ``INC-2026-0001:overdue``), effective at the due time, or
  when the incident was declared if that was later (the register shows it from then on), unless the
  decision in force then was "no notification" (a person's written exception, GDPR Art. 33(5)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.breaches.models import AffectedCustomer, Decision, Incident, IncidentDecision, Notice, NoticeKind
from art28.core.audit import jsonable
from art28.core.evidence import Collected, register_collector

CONTROLS = ("tom-c-incident-response",)
OVERDUE_SUFFIX = ":overdue"


def _hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def _commitment() -> dt.timedelta:
    return dt.timedelta(hours=settings.ART28_BREACH_NOTICE_HOURS)


def _sendings(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per notice sent in the window that told at least one customer for the first time. Two
    queries: the notices, and the customers' rows grouped by the moment they were first told (a sending
    stamps every row it first reaches with its own ``sent_at``)."""
    notices = list(
        Notice.objects.filter(sent_at__gte=since, sent_at__lt=until)
        .order_by("sent_at", "pk")
        .values("incident_id", "kind", "sequence", "sent_at", "incident__ref", "incident__aware_at")
    )
    if not notices:
        return
    told = {
        (row["incident_id"], row["first_notice_at"]): row
        for row in AffectedCustomer.objects.filter(first_notice_at__gte=since, first_notice_at__lt=until)
        .order_by()
        .values("incident_id", "first_notice_at")
        .annotate(customers=Count("pk"), late=Count("pk", filter=Q(late=True)), due=Min("notice_due_at"))
    }
    for notice in notices:
        row = told.get((notice["incident_id"], notice["sent_at"]))
        if row is None:  # an update or final report to customers told before: not a first notice
            continue
        ref, aware_at, sent_at = notice["incident__ref"], notice["incident__aware_at"], notice["sent_at"]
        if sent_at is None:  # filtered out above; for the type checker
            continue
        first = notice["kind"] == NoticeKind.INITIAL
        met = row["late"] == 0
        data: dict[str, Any] = {
            "incident": ref,
            "notice": notice["sequence"],
            "notice_kind": notice["kind"],
            "aware_at": jsonable(aware_at),
            "commitment_hours": settings.ART28_BREACH_NOTICE_HOURS,
            "commitment_basis": "provider commitment (GDPR Art. 33(2), nFADP Art. 24(3) set no hours)",
            "commitment_due_at": jsonable(row["due"]),
            "first_notice_at": jsonable(sent_at),
            "hours_taken": _hours(sent_at - aware_at),
            "customers_told": row["customers"],
            "customers_told_late": row["late"],
            "met": met,
        }
        what = "first notice" if first else f"notice no. {notice['sequence']} (first told {row['customers']} more)"
        yield Collected(
            key=ref if first else f"{ref}:notice-{notice['sequence']}",
            title=f"Incident {ref}: {what} to customers {'within' if met else 'after'} the provider's commitment",
            effective_at=sent_at,
            data=data,
            passed=met,
        )


def _overdue(since: dt.datetime, until: dt.datetime, now: dt.datetime) -> Iterator[Collected]:
    """One failing item per incident whose commitment passed in the window with no notice sent by then
    (sent exactly at the due time is in time: ``notice_send`` counts late only after it). Two queries:
    the incidents (with their first sending), and the decisions in force."""
    commitment = _commitment()
    first_sent = (
        Notice.objects.filter(incident=OuterRef("pk"), sent_at__isnull=False).order_by("sent_at").values("sent_at")[:1]
    )
    due_in_window = Q(aware_at__gte=since - commitment, aware_at__lt=until - commitment)
    declared_late_in_window = Q(
        declared_at__gte=since, declared_at__lt=until, aware_at__lt=F("declared_at") - commitment
    )
    incidents = list(
        Incident.objects.filter(due_in_window | declared_late_in_window)
        .annotate(first_sent=Subquery(first_sent))
        .order_by("aware_at", "pk")
        .values("pk", "ref", "aware_at", "declared_at", "first_sent")
    )
    candidates = []
    for incident in incidents:
        due = incident["aware_at"] + commitment
        moment = max(due, incident["declared_at"])
        if (
            since <= moment < until
            and moment <= now
            and (incident["first_sent"] is None or incident["first_sent"] > due)
        ):
            candidates.append((incident, due, moment))
    if not candidates:
        return
    decisions: dict[int, list[Mapping[str, Any]]] = {}
    for decision in (
        IncidentDecision.objects.filter(incident_id__in=[c[0]["pk"] for c in candidates])
        .order_by("decided_at", "pk")
        .values("incident_id", "decision", "decided_at", "customers")
    ):
        decisions.setdefault(decision["incident_id"], []).append(decision)
    for incident, due, moment in candidates:
        in_force = [d for d in decisions.get(incident["pk"], []) if d["decided_at"] <= due]
        latest = in_force[-1] if in_force else None
        if latest is not None and latest["decision"] == Decision.NO_NOTIFICATION:
            continue  # a person decided, with a written reason, that nobody is to be told
        ref = incident["ref"]
        yield Collected(
            key=ref + OVERDUE_SUFFIX,
            title=f"Incident {ref}: the provider's commitment to notify customers passed without a notice",
            effective_at=moment,
            data={
                "incident": ref,
                "aware_at": jsonable(incident["aware_at"]),
                "declared_at": jsonable(incident["declared_at"]),
                "commitment_hours": settings.ART28_BREACH_NOTICE_HOURS,
                "commitment_basis": "provider commitment (GDPR Art. 33(2), nFADP Art. 24(3) set no hours)",
                "commitment_due_at": jsonable(due),
                "first_notice_at": None,
                "decision_at_due": latest["decision"] if latest else Decision.PENDING.value,
                # Frozen by the decision in force at the due time (None: nobody had decided yet).
                "affected_customers": latest["customers"] if latest else None,
                "met": False,
            },
            passed=False,
        )


@register_collector(
    "breaches.notification",
    title=_("Breach notices to customers"),
    proves=_(
        "The customers affected by a personal-data breach were told within the provider's commitment after it "
        "became aware (its own promise: the law says without undue delay); an item fails when a notice came "
        "late or the commitment passed with nobody told."
    ),
    valid_days=365,
    controls=CONTROLS,
)
def collect_notifications(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """First notices sent in ``[since, until)``, then commitments that passed in it with nobody told (at most
    four queries, whatever the number of incidents or customers). The data names no person: references,
    times, hours and counts, never the incident's title or description."""
    now = timezone.now()
    yield from _sendings(since, until)
    yield from _overdue(since, until, now)
