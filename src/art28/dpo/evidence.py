"""The DPO desk's evidence collector (S11 as evidence for S2; core/evidence.py, docs/evidence.md).

``dpo.request``: whether data subject requests (GDPR Art. 15-21, nFADP Art. 25, 28, 32) were handled by
their deadline. The deadline is the one the desk tracks (``Request.deadline``, ``deadlines.deadline_for``):
the law's when the provider is the controller (GDPR Art. 12(3): one month, extendable by two; nFADP Art.
25(7), DSV Art. 18: 30 days; a last day on a weekend or public holiday moves to the next working day, Reg.
1182/71 Art. 3(4), CO Art. 78), its own commitment to forward a customer's data subject's request to the
customer, the controller (GDPR Art. 28(3)(e)): the controller's legal deadline is shown as the
controller's, never as the provider's own. A deadline is met on its day (the day ends at 24:00 in
ART28_TIME_ZONE).

Two kinds of item, from the requests' timelines (``Event``: never rewritten):

* the provider's handling (key ``DPO-2026-0001``): the first time the provider's clock stopped, by
  forwarding the request to the controller or by closing it (``Request.provider_clock_runs``);
* the deadline passing with the request still on the provider's desk (key ``DPO-2026-0001:overdue``),
  effective at the end of the due day.

Questions, complaints and security reports have no legal deadline and are not data subject requests:
they give no item. The data names no requester: the reference, kind, law, route, dates and counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, F, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.core.audit import jsonable
from art28.core.evidence import Collected, register_collector
from art28.dpo import conf
from art28.dpo.deadlines import ControllerKind, Deadline, deadline_for
from art28.dpo.models import DATA_SUBJECT_KINDS, Event, EventKind, Request

CONTROLS = ("tom-d-data-subject-requests",)
OVERDUE_SUFFIX = ":overdue"
# The steps that stop the provider's clock: the request goes to the controller, or it is closed.
HANDLING = (EventKind.FORWARDED, EventKind.CLOSED)
_KINDS = sorted(DATA_SUBJECT_KINDS)


def day_ends_at(day: dt.date) -> dt.datetime:
    """The end of ``day`` in the project's time zone (= the next day at 00:00): when its deadline passes."""
    return timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), timezone.get_default_timezone()
    )


def _deadline(regime: str, received_on: dt.date, controller_kind: str) -> Deadline:
    return deadline_for(
        regime,
        received_on,
        controller=controller_kind,
        service_days=conf.service_days(),
        forward_days=conf.forward_days(),
        calendars=conf.calendars(),
    )


def _deadline_data(deadline: Deadline, controller_kind: str) -> dict[str, Any]:
    """The deadline the provider owes and, apart, the law's: the provider's own when it is the controller,
    the controller's (information only) when the data is a customer's (GDPR Art. 12(3), 28(3)(e))."""
    providers_own = controller_kind == ControllerKind.PROVIDER
    return {
        "deadline_basis": deadline.basis,
        "deadline_is_law": deadline.is_law,
        "law_due_on": jsonable(deadline.law_due),
        "law_basis": deadline.law_basis,
        "law_deadline_owed_by": "provider" if providers_own else ("controller" if deadline.law_due else None),
    }


def _handled(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """Requests whose provider's clock first stopped in the window: one query (the first forwarding or
    closing event of each, with its request's fields)."""
    earlier = Event.objects.filter(request=OuterRef("request"), kind__in=HANDLING, at__lt=OuterRef("at"))
    events = (
        Event.objects.filter(kind__in=HANDLING, at__gte=since, at__lt=until, request__kind__in=_KINDS)
        .exclude(Exists(earlier))
        .order_by("at", "pk")
        .values(
            "request_id",
            "at",
            "kind",
            "request__reference",
            "request__kind",
            "request__regime",
            "request__controller_kind",
            "request__received_on",
            "request__due_on",
            "request__extended_due_on",
            "request__outcome",
            "request__organisation_id",
        )
    )
    seen: set[int] = set()
    zone = timezone.get_default_timezone()
    for event in events.iterator(chunk_size=2000):
        if event["request_id"] in seen:  # forwarded and closed in the same microsecond: the first counts
            continue
        seen.add(event["request_id"])
        reference, received_on = event["request__reference"], event["request__received_on"]
        forwarded = event["kind"] == EventKind.FORWARDED
        if forwarded:
            # Forwarding makes it a customer's: the provider's deadline is its forwarding commitment, the one
            # ``request_forward`` stored (recomputed if a "not ours" answer later reclassified the request).
            whose = ControllerKind.CUSTOMER.value
            deadline = _deadline(event["request__regime"], received_on, whose)
            stored = event["request__due_on"] if event["request__controller_kind"] == whose else deadline.due
            due, extended = stored, None
        else:
            whose = event["request__controller_kind"]  # closed: nothing changes it any more
            deadline = _deadline(event["request__regime"], received_on, whose)
            extended = event["request__extended_due_on"]
            due = extended or event["request__due_on"]
        handled_on = timezone.localdate(event["at"], zone)
        within = handled_on <= due
        yield Collected(
            key=reference,
            title=f"Request {reference} ({event['request__kind']}) "
            + ("forwarded to the controller" if forwarded else "closed")
            + (" by its deadline" if within else " after its deadline"),
            effective_at=event["at"],
            data={
                "request": reference,
                "kind": event["request__kind"],
                "regime": event["request__regime"],
                "whose_data": whose,
                "handling": "forwarded" if forwarded else "closed",
                "outcome": None if forwarded else event["request__outcome"],
                "received_on": jsonable(received_on),
                "due_on": jsonable(due),
                "extended_due_on": jsonable(extended),
                **_deadline_data(deadline, whose),
                "handled_at": jsonable(event["at"]),
                "handled_on": jsonable(handled_on),
                "days_taken": (handled_on - received_on).days,
                "within_deadline": within,
            },
            passed=within,
            organisation_id=event["request__organisation_id"] if forwarded else None,
        )


def _overdue(since: dt.datetime, until: dt.datetime, now: dt.datetime) -> Iterator[Collected]:
    """Requests whose deadline (the extended one, if extended) passed in the window before the provider's
    clock stopped: one query (the candidates by due day, each with its first handling)."""
    zone = timezone.get_default_timezone()
    first_handled = (
        Event.objects.filter(request=OuterRef("pk"), kind__in=HANDLING)
        .order_by()
        .values("request")
        .annotate(first=Min("at"))
        .values("first")
    )
    # A due day ends in [since, until) only if it lies between the day before since's and until's day.
    candidates = (
        Request.objects.filter(kind__in=_KINDS)
        .annotate(due=Coalesce(F("extended_due_on"), F("due_on")), handled=Subquery(first_handled))
        .filter(
            due__gte=timezone.localdate(since, zone) - dt.timedelta(days=1), due__lte=timezone.localdate(until, zone)
        )
        .order_by("due", "pk")
        .values(
            "reference",
            "kind",
            "regime",
            "controller_kind",
            "received_at",
            "received_on",
            "due_on",
            "extended_due_on",
            "due",
            "handled",
        )
    )
    for request in candidates.iterator(chunk_size=2000):
        passed_at = day_ends_at(request["due"])
        if not (since <= passed_at < until and passed_at <= now):
            continue
        if request["handled"] is not None and request["handled"] < passed_at:
            continue  # forwarded or closed by the end of the due day
        reference, whose = request["reference"], request["controller_kind"]
        deadline = _deadline(request["regime"], request["received_on"], whose)
        yield Collected(
            key=reference + OVERDUE_SUFFIX,
            title=f"Request {reference} ({request['kind']}) still open after its deadline",
            effective_at=passed_at,
            data={
                "request": reference,
                "kind": request["kind"],
                "regime": request["regime"],
                "whose_data": whose,
                "handling": None,
                "outcome": None,
                "received_on": jsonable(request["received_on"]),
                "due_on": jsonable(request["due"]),
                "extended_due_on": jsonable(request["extended_due_on"]),
                **_deadline_data(deadline, whose),
                "handled_at": None,
                "handled_on": None,
                "days_taken": None,
                "within_deadline": False,
            },
            passed=False,
        )


@register_collector(
    "dpo.request",
    title=_("Data subject requests handled by their deadline"),
    proves=_(
        "Each data subject request was answered, closed or forwarded to the customer concerned by the deadline "
        "the desk tracked (the law's, or the provider's commitment to forward); an item fails when it was late "
        "or the deadline passed with the request still open."
    ),
    valid_days=365,
    controls=CONTROLS,
)
def collect_requests(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """Requests handled in ``[since, until)``, then deadlines that passed in it with the request still open
    (two queries, whatever the number of requests)."""
    now = timezone.now()
    yield from _handled(since, until)
    yield from _overdue(since, until, now)
