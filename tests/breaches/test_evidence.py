"""The breach notices' evidence collector (issue 15, S2): first notices to the affected customers measured
against the provider's own commitment (ART28_BREACH_NOTICE_HOURS), never presented as the law: GDPR Art.
33(2) "without undue delay", nFADP Art. 24(3) "as soon as possible"."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from art28.breaches.decisions import incident_decide_no_notification, incident_decide_notify, incident_impact_freeze
from art28.breaches.models import Incident
from art28.breaches.sending import notice_create, notice_send
from art28.breaches.services import incident_declare, incident_scope_set
from art28.core.evidence import Collected, collector, collectors
from tests.conftest import run_collector

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
ONE = dt.timedelta(microseconds=1)
AWARE = timezone.make_aware(dt.datetime(2026, 11, 2, 8))  # a Monday morning in Zurich
TITLE = "Hypervisor escape on GVA1 reported by Jane Roe"
DESCRIPTION = "Jane Roe (jane.roe@example.net) saw another guest's memory."


@pytest.fixture(autouse=True)
def _commitment(settings):
    settings.ART28_BREACH_NOTICE_HOURS = 24


@pytest.fixture
def actor(security_user):
    return security_user


def collect(since: dt.datetime, until: dt.datetime) -> list[Collected]:
    return run_collector("breaches.notification", since, until)


def by_key(items: list[Collected]) -> dict[str, Collected]:
    return {item.key: item for item in items}


def declare(
    clock, actor, *, aware_at: dt.datetime, declared_at: dt.datetime | None = None, sites=("GVA1",)
) -> Incident:
    with clock(declared_at or aware_at + HOUR):
        return incident_declare(
            actor=actor,
            title=TITLE,
            description=DESCRIPTION,
            aware_at=aware_at,
            started_at=aware_at - 3 * HOUR,
            natures=["confidentiality"],
            sites=list(sites),
        )


def decide(clock, actor, incident: Incident, at: dt.datetime) -> None:
    with clock(at):
        incident_decide_notify(actor=actor, incident=incident)


def send(clock, actor, incident: Incident, at: dt.datetime, kind: str = "initial") -> None:
    with clock(at):
        notice_send(actor=actor, notice=notice_create(actor=actor, incident=incident, kind=kind))


def test_the_breach_collector_is_registered_once_the_apps_are_ready():
    assert "breaches.notification" in {c.key for c in collectors()}
    registered = collector("breaches.notification")
    assert registered is not None
    assert registered.valid_days == 365 and registered.controls == ("tom-c-incident-response",)


def test_a_first_notice_at_the_commitments_last_instant_is_in_time_one_microsecond_later_is_late(
    breach_world, clock, actor
):
    """The provider's commitment (24 h here, configurable; not a legal deadline) is met up to its due time
    inclusive: ``notice_send`` counts a notice late only after it."""
    on_time = declare(clock, actor, aware_at=AWARE)
    decide(clock, actor, on_time, AWARE + 2 * HOUR)
    send(clock, actor, on_time, AWARE + 24 * HOUR)
    late = declare(clock, actor, aware_at=AWARE + HOUR)
    decide(clock, actor, late, AWARE + 3 * HOUR)
    send(clock, actor, late, AWARE + 25 * HOUR + ONE)

    items = by_key(collect(AWARE, AWARE + 7 * 24 * HOUR))
    assert set(items) == {on_time.ref, late.ref, late.ref + ":overdue"}

    met = items[on_time.ref]
    assert met.passed is True and met.effective_at == AWARE + 24 * HOUR
    assert met.data == {
        "incident": on_time.ref,
        "notice": 1,
        "notice_kind": "initial",
        "aware_at": "2026-11-02T07:00:00.000000+00:00",
        "commitment_hours": 24,
        "commitment_basis": "provider commitment (GDPR Art. 33(2), nFADP Art. 24(3) set no hours)",
        "commitment_due_at": "2026-11-03T07:00:00.000000+00:00",
        "first_notice_at": "2026-11-03T07:00:00.000000+00:00",
        "hours_taken": 24.0,
        "customers_told": 2,  # ACME and BETA have data at GVA1
        "customers_told_late": 0,
        "met": True,
    }
    assert met.title == f"Incident {on_time.ref}: first notice to customers within the provider's commitment"

    missed = items[late.ref]
    assert missed.passed is False and missed.data["met"] is False
    assert (missed.data["customers_told"], missed.data["customers_told_late"]) == (2, 2)
    assert missed.data["hours_taken"] == 24.0  # 24 h and a microsecond, rounded: the flag decides, not the hours
    # The commitment passed with nobody told: a failing item of its own, dated at the due time.
    overdue = items[late.ref + ":overdue"]
    assert overdue.passed is False and overdue.effective_at == AWARE + 25 * HOUR
    assert overdue.data["decision_at_due"] == "notify" and overdue.data["affected_customers"] == 2
    assert overdue.data["first_notice_at"] is None  # as of the due time: nothing was sent yet


def test_the_commitment_passing_counts_in_the_window_holding_the_due_time_and_in_no_other(breach_world, clock, actor):
    incident = declare(clock, actor, aware_at=AWARE)
    due = AWARE + 24 * HOUR
    assert [i.key for i in collect(due, due + ONE)] == [incident.ref + ":overdue"]
    assert collect(due - ONE, due) == []
    assert collect(due + ONE, due + 30 * 24 * HOUR) == []
    item = collect(AWARE, due + HOUR)[0]
    assert item.data["decision_at_due"] == "pending" and item.data["affected_customers"] is None
    # A notice sent later does not change what was true at the due time: the same item, the same key.
    decide(clock, actor, incident, due + HOUR)
    send(clock, actor, incident, due + 2 * HOUR)
    assert collect(AWARE, due + ONE) == [item]


def test_a_decision_of_no_notification_before_the_due_time_is_not_a_missed_commitment(breach_world, clock, actor):
    """GDPR Art. 33(5): "no notification" is a person's decision with a written reason, kept in the register;
    taken after the due time it does not undo the fact that the commitment passed with nobody told."""
    decided_in_time = declare(clock, actor, aware_at=AWARE)
    with clock(AWARE + 5 * HOUR):
        incident_decide_no_notification(actor=actor, incident=decided_in_time, reason="Encrypted volume, key safe.")
    decided_late = declare(clock, actor, aware_at=AWARE + HOUR)
    with clock(AWARE + 30 * HOUR):
        incident_decide_no_notification(actor=actor, incident=decided_late, reason="Encrypted volume, key safe.")
    items = by_key(collect(AWARE, AWARE + 7 * 24 * HOUR))
    assert set(items) == {decided_late.ref + ":overdue"}
    assert items[decided_late.ref + ":overdue"].data["decision_at_due"] == "pending"


def test_an_incident_declared_after_its_commitment_passed_is_overdue_from_its_declaration(breach_world, clock, actor):
    """The register shows it from its declaration on: a collection that ran before could not see it, so the
    item is dated then, and the next window collects it."""
    incident = declare(clock, actor, aware_at=AWARE - 48 * HOUR, declared_at=AWARE)
    assert collect(AWARE - 72 * HOUR, AWARE) == []
    [item] = collect(AWARE, AWARE + ONE)
    assert item.key == incident.ref + ":overdue" and item.effective_at == AWARE
    assert item.data["commitment_due_at"] == "2026-11-01T07:00:00.000000+00:00"
    assert item.data["declared_at"] == "2026-11-02T07:00:00.000000+00:00"


def test_customers_found_affected_later_are_measured_when_they_are_first_told(breach_world, clock, actor):
    incident = declare(clock, actor, aware_at=AWARE)
    decide(clock, actor, incident, AWARE + 2 * HOUR)
    send(clock, actor, incident, AWARE + 3 * HOUR)
    # The scope grows to Frankfurt the next week: DELTA (and BETA, told already) have data there.
    with clock(AWARE + 7 * 24 * HOUR):
        incident_scope_set(actor=actor, incident=incident, sites=["GVA1", "FRA1"])
        incident_impact_freeze(actor=actor, incident=incident)
    send(clock, actor, incident, AWARE + 7 * 24 * HOUR + HOUR, kind="update")

    items = by_key(collect(AWARE, AWARE + 14 * 24 * HOUR))
    assert set(items) == {incident.ref, incident.ref + ":notice-2"}
    first, later = items[incident.ref], items[incident.ref + ":notice-2"]
    assert first.passed is True and first.data["customers_told"] == 2
    assert later.passed is False and later.data["customers_told"] == later.data["customers_told_late"] == 1
    assert later.effective_at == AWARE + 7 * 24 * HOUR + HOUR and later.data["notice_kind"] == "update"
    # The first notice's item is what it was before the update was sent (the past is reproduced).
    assert collect(AWARE, AWARE + 24 * HOUR) == [first]


def test_collecting_twice_gives_the_same_items(breach_world, clock, actor):
    incident = declare(clock, actor, aware_at=AWARE)
    decide(clock, actor, incident, AWARE + 2 * HOUR)
    send(clock, actor, incident, AWARE + 30 * HOUR)
    window = (AWARE - 24 * HOUR, AWARE + 30 * 24 * HOUR)
    assert collect(*window) == collect(*window)
    assert [i.key for i in collect(*window)] == [incident.ref, incident.ref + ":overdue"]


def test_a_commitment_that_has_not_passed_yet_gives_no_item(breach_world, actor):
    now = timezone.now()
    incident_declare(actor=actor, title=TITLE, aware_at=now - HOUR, started_at=now - 2 * HOUR, natures=["integrity"])
    assert collect(now - 24 * HOUR, now + 30 * 24 * HOUR) == []


def test_the_items_carry_no_personal_data(breach_world, clock, actor):
    incident = declare(clock, actor, aware_at=AWARE)
    decide(clock, actor, incident, AWARE + 2 * HOUR)
    send(clock, actor, incident, AWARE + 30 * HOUR)
    items = collect(AWARE, AWARE + 7 * 24 * HOUR)
    assert len(items) == 2
    text = json.dumps([i.data for i in items], ensure_ascii=False) + " ".join(i.title for i in items)
    personal = [TITLE, "Jane Roe", "jane.roe@example.net", actor.email, "Acme Sàrl", "Beta AG", "privacy@acme.example"]
    assert [p for p in personal if p in text] == []


def test_the_collector_costs_a_few_queries_whatever_the_number_of_incidents(
    breach_world, clock, actor, django_assert_max_num_queries
):
    def incident(hours: int, sent: bool) -> None:
        made = declare(clock, actor, aware_at=AWARE + hours * HOUR, sites=("GVA1", "ZRH1", "FRA1"))
        decide(clock, actor, made, AWARE + (hours + 1) * HOUR)
        if sent:
            send(clock, actor, made, AWARE + (hours + 2 + 30 * (hours % 2)) * HOUR)

    incident(0, True)
    incident(1, False)
    window = (AWARE, AWARE + 7 * 24 * HOUR)
    with CaptureQueriesContext(connection) as few:
        assert len(collect(*window)) == 2  # one notice in time, one commitment passed
    for hours in range(2, 12):
        incident(hours, hours % 3 != 0)
    with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as many:
        # Hours 3, 6, 9: never told (overdue); 2, 4, 8, 10: told in time; 5, 7, 11: told late (and overdue).
        assert len(collect(*window)) == 2 + 3 + 4 + 2 * 3
    assert len(many) == len(few)
