"""The DPO desk's evidence collector (issue 15, S2): data subject requests handled by the deadline the desk
tracks: the law's when the provider is the controller (nFADP Art. 25(7), DSV Art. 18: 30 days; GDPR Art.
12(3): one month), its own commitment to forward a customer's (GDPR Art. 28(3)(e))."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from art28.core.evidence import Collected, collector, collectors
from art28.dpo.services import request_close, request_extend, request_forward, request_reply
from tests.conftest import run_collector

pytestmark = pytest.mark.django_db

ONE = dt.timedelta(microseconds=1)
RECEIVED = timezone.make_aware(dt.datetime(2026, 9, 7, 12))  # Monday 7 September 2026, noon in Zurich
DUE_ON = dt.date(2026, 10, 7)  # nFADP / DSV Art. 18(1): 30 days, a Wednesday (CO Art. 78: a working day)
DEADLINE_PASSES = timezone.make_aware(dt.datetime(2026, 10, 8))  # the end of the due day, 00:00 in Zurich
LAST_INSTANT = DEADLINE_PASSES - ONE
PERSONAL = ["Petra Muster", "petra@example.net", "Welche Daten haben Sie über mich?", "shop.acme.example"]


def collect(since: dt.datetime, until: dt.datetime) -> list[Collected]:
    return run_collector("dpo.request", since, until)


def by_key(items: list[Collected]) -> dict[str, Collected]:
    return {item.key: item for item in items}


def test_the_dpo_collector_is_registered_once_the_apps_are_ready():
    assert "dpo.request" in {c.key for c in collectors()}
    registered = collector("dpo.request")
    assert registered is not None
    assert registered.valid_days == 365 and registered.controls == ("tom-d-data-subject-requests",)


def test_a_request_closed_on_its_due_day_is_in_time_and_one_closed_a_microsecond_later_is_not(submit, dpo_user, clock):
    """nFADP Art. 25(7), DSV Art. 18(1): the 30 days end with the due day (CO Art. 78)."""
    in_time, late = submit(received_at=RECEIVED), submit(received_at=RECEIVED)
    assert in_time.due_on == DUE_ON
    with clock(LAST_INSTANT):
        request_close(actor=dpo_user, request=in_time, outcome="answered")
    with clock(DEADLINE_PASSES):
        request_close(actor=dpo_user, request=late, outcome="no_data")

    items = by_key(collect(RECEIVED, RECEIVED + dt.timedelta(days=60)))
    assert set(items) == {in_time.reference, late.reference, late.reference + ":overdue"}
    met = items[in_time.reference]
    assert met.passed is True and met.effective_at == LAST_INSTANT and met.organisation_id is None
    assert met.data == {
        "request": in_time.reference,
        "kind": "access",
        "regime": "nfadp",
        "whose_data": "provider",
        "handling": "closed",
        "outcome": "answered",
        "received_on": "2026-09-07",
        "due_on": "2026-10-07",
        "extended_due_on": None,
        "deadline_basis": "nFADP Art. 25(7), DSV Art. 18; CO Art. 78",
        "deadline_is_law": True,
        "law_due_on": "2026-10-07",
        "law_basis": "nFADP Art. 25(7), DSV Art. 18; CO Art. 78",
        "law_deadline_owed_by": "provider",
        "handled_at": "2026-10-07T21:59:59.999999+00:00",
        "handled_on": "2026-10-07",
        "days_taken": 30,
        "within_deadline": True,
    }
    assert met.title == f"Request {in_time.reference} (access) closed by its deadline"

    missed = items[late.reference]
    assert missed.passed is False and missed.data["within_deadline"] is False
    assert (missed.data["handled_on"], missed.data["days_taken"], missed.data["outcome"]) == (
        "2026-10-08",
        31,
        "no_data",
    )
    # Still open when the due day ended (closed at that very instant): the deadline passed, a failing item.
    overdue = items[late.reference + ":overdue"]
    assert overdue.passed is False and overdue.effective_at == DEADLINE_PASSES
    assert overdue.data["handled_at"] is None and overdue.data["due_on"] == "2026-10-07"


def test_a_deadline_passing_counts_in_the_window_holding_the_end_of_the_due_day_and_no_other(submit):
    request = submit(received_at=RECEIVED)
    assert [i.key for i in collect(DEADLINE_PASSES, DEADLINE_PASSES + ONE)] == [request.reference + ":overdue"]
    assert collect(LAST_INSTANT, DEADLINE_PASSES) == []
    assert collect(DEADLINE_PASSES + ONE, DEADLINE_PASSES + dt.timedelta(days=365)) == []
    window = (RECEIVED, DEADLINE_PASSES + dt.timedelta(days=1))
    assert collect(*window) == collect(*window)


def test_a_reply_does_not_stop_the_clock_closing_or_forwarding_does(submit, dpo_user, clock):
    request = submit(received_at=RECEIVED)
    with clock(RECEIVED + dt.timedelta(days=3)):
        request_reply(actor=dpo_user, request=request, text="We are looking into it.")
    assert [i.key for i in collect(RECEIVED, DEADLINE_PASSES + ONE)] == [request.reference + ":overdue"]


def test_forwarding_to_the_controller_is_measured_against_the_providers_commitment_not_the_law(
    submit, dpo_user, clock, org_a
):
    """GDPR Art. 28(3)(e): the processor passes a customer's data subject's request on; the law's deadline
    (Art. 12(3), DSV Art. 18) is the controller's, shown as information, never as the provider's own."""
    request = submit(received_at=RECEIVED, controller_kind="customer")
    assert request.due_on == dt.date(2026, 9, 12)  # ART28_DPO_FORWARD_DAYS (5) after receipt
    with clock(timezone.make_aware(dt.datetime(2026, 9, 12, 23, 30))):
        request_forward(actor=dpo_user, request=request, organisation=org_a)
    with clock(timezone.make_aware(dt.datetime(2026, 9, 20, 9))):
        request_close(actor=dpo_user, request=request, outcome="forwarded")
    [item] = collect(RECEIVED, RECEIVED + dt.timedelta(days=60))  # the forwarding; the closing came after
    assert item.key == request.reference and item.passed is True
    assert item.organisation_id == org_a.pk  # it goes into that customer's pack too
    assert {k: item.data[k] for k in ("handling", "whose_data", "due_on", "deadline_is_law", "handled_on")} == {
        "handling": "forwarded",
        "whose_data": "customer",
        "due_on": "2026-09-12",
        "deadline_is_law": False,
        "handled_on": "2026-09-12",
    }
    assert item.data["deadline_basis"] == "provider commitment: forward to the controller (GDPR Art. 28(3)(e))"
    assert (item.data["law_due_on"], item.data["law_deadline_owed_by"]) == ("2026-10-07", "controller")


def test_forwarding_the_day_after_the_commitment_is_late(submit, dpo_user, clock, org_a):
    request = submit(received_at=RECEIVED, controller_kind="customer")
    with clock(timezone.make_aware(dt.datetime(2026, 9, 13))):
        request_forward(actor=dpo_user, request=request, organisation=org_a)
    items = by_key(collect(RECEIVED, RECEIVED + dt.timedelta(days=60)))
    assert items[request.reference].passed is False
    assert items[request.reference + ":overdue"].effective_at == timezone.make_aware(dt.datetime(2026, 9, 13))


def test_an_extension_told_in_time_moves_the_deadline(submit, dpo_user, clock):
    """DSV Art. 18(2) (GDPR Art. 12(3)): the deferral, told within the 30 days, sets the new deadline."""
    request = submit(received_at=RECEIVED)
    with clock(RECEIVED + dt.timedelta(days=20)):
        request_extend(actor=dpo_user, request=request, reasons="Archives to search.", new_due_on=dt.date(2026, 10, 30))
    with clock(timezone.make_aware(dt.datetime(2026, 10, 20, 15))):
        request_close(actor=dpo_user, request=request, outcome="answered")
    [item] = collect(RECEIVED, RECEIVED + dt.timedelta(days=90))
    assert item.passed is True
    assert (item.data["due_on"], item.data["extended_due_on"]) == ("2026-10-30", "2026-10-30")
    assert item.data["law_due_on"] == "2026-10-07"  # the law's first period, for the record


def test_questions_and_complaints_have_no_legal_deadline_and_give_no_item(submit, dpo_user, clock):
    question = submit(received_at=RECEIVED, kind="question")
    submit(received_at=RECEIVED, kind="complaint")
    with clock(RECEIVED + dt.timedelta(days=2)):
        request_close(actor=dpo_user, request=question, outcome="answered")
    assert collect(RECEIVED, RECEIVED + dt.timedelta(days=120)) == []


def test_a_deadline_still_to_come_gives_no_item(submit):
    submit(days_ago=29)
    now = timezone.now()
    assert collect(now - dt.timedelta(days=30), now + dt.timedelta(days=60)) == []


def test_the_items_carry_no_personal_data(submit, dpo_user, clock, org_a):
    closed, forwarded = submit(received_at=RECEIVED), submit(received_at=RECEIVED, controller_kind="customer")
    submit(received_at=RECEIVED)  # left open: overdue
    with clock(RECEIVED + dt.timedelta(days=1)):
        request_close(actor=dpo_user, request=closed, outcome="answered", note="Petra Muster called back.")
        request_forward(actor=dpo_user, request=forwarded, organisation=org_a)
    items = collect(RECEIVED, RECEIVED + dt.timedelta(days=60))
    assert len(items) == 3
    text = json.dumps([i.data for i in items], ensure_ascii=False) + " ".join(i.title for i in items)
    assert [p for p in [*PERSONAL, dpo_user.email, "Acme Sàrl", "privacy@acme.example"] if p in text] == []


def test_the_collector_costs_two_queries_whatever_the_number_of_requests(
    submit, dpo_user, clock, django_assert_max_num_queries
):
    def requests(count: int) -> None:
        for n in range(count):
            request = submit(received_at=RECEIVED + dt.timedelta(hours=n))
            if n % 2:
                with clock(RECEIVED + dt.timedelta(days=n)):
                    request_close(actor=dpo_user, request=request, outcome="answered")

    requests(2)
    window = (RECEIVED, RECEIVED + dt.timedelta(days=60))
    with CaptureQueriesContext(connection) as few:
        assert len(collect(*window)) == 2
    requests(20)
    with django_assert_max_num_queries(2), CaptureQueriesContext(connection) as many:
        assert len(collect(*window)) == 22
    assert len(many) == len(few)
