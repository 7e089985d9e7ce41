"""A control's status ages by itself (S2, docs/evidence.md "Status"): failing > stale > effective, with
the boundaries of validity and of the test's due day pinned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from art28.core.audit import SystemActor
from art28.core.evidence import Collected
from art28.evidence.collection import evidence_collect
from art28.evidence.models import Evidence, EvidenceSource
from art28.evidence.selectors import EFFECTIVE, FAILING, NOT_APPLICABLE, STALE, control_statuses
from tests.evidence.conftest import at

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
TODAY = dt.date(2026, 12, 4)


def collector_of(results: dict[dt.date, bool]):
    """A collector with one item per given day (passed or not)."""

    def collect(since, until):
        for day, passed in sorted(results.items()):
            if since <= at(day) < until:
                yield Collected(key=day.isoformat(), title=f"probe run {day}", effective_at=at(day), data={},
                                passed=passed)  # fmt: skip

    return collect


def status_of(measure, today=TODAY):
    (status,) = control_statuses(today=today)
    assert status.measure.pk == measure.pk
    return status


def test_without_evidence_a_control_is_stale(measure):
    status = status_of(measure)
    assert status.status == STALE and status.reasons == ["no evidence"]
    measure.evidence_sources = ["test.probes"]
    measure.save()
    assert status_of(measure).reasons == ["no evidence from test.probes yet"]


def test_valid_evidence_makes_it_effective_until_the_last_day_of_its_validity(measure, register):
    register("test.probes", collector_of({dt.date(2026, 12, 1): True}), valid_days=3)
    measure.evidence_sources = ["test.probes"]
    measure.save()
    evidence_collect(actor=ACTOR, until=at(TODAY, 0))
    assert Evidence.objects.get().valid_until == TODAY  # 1 December + 3 days
    assert status_of(measure).status == EFFECTIVE  # valid through its last day
    later = status_of(measure, today=TODAY + dt.timedelta(days=1))
    assert later.status == STALE and later.reasons == ["the evidence from the test.probes collector expired"]


def test_a_stale_control_becomes_effective_again_after_a_new_collection(measure, register):
    runs = {dt.date(2026, 11, 1): True}
    register("test.probes", collector_of(runs), valid_days=2)
    measure.evidence_sources = ["test.probes"]
    measure.save()
    evidence_collect(actor=ACTOR, until=at(dt.date(2026, 11, 20), 0))
    assert status_of(measure).status == STALE
    runs[dt.date(2026, 12, 3)] = True  # the nightly run came back
    evidence_collect(actor=ACTOR, until=at(TODAY, 0))
    status = status_of(measure)
    assert status.status == EFFECTIVE and status.latest_at == at(dt.date(2026, 12, 3))
    assert status.age_days(TODAY) == 1


def test_the_latest_item_finding_a_problem_makes_it_failing_and_failing_wins_over_stale(measure, register):
    register("test.probes", collector_of({dt.date(2026, 12, 2): True, dt.date(2026, 12, 3): False}), valid_days=1)
    measure.evidence_sources = ["test.probes"]
    measure.next_review_on = TODAY - dt.timedelta(days=1)  # its test is overdue too
    measure.save()
    evidence_collect(actor=ACTOR, until=at(TODAY, 0))
    status = status_of(measure)
    assert status.status == FAILING and status.reasons == ["the test.probes collector: probe run 2026-12-03"]


def test_an_earlier_problem_fixed_since_does_not_fail_the_control(measure, register):
    register("test.probes", collector_of({dt.date(2026, 12, 2): False, dt.date(2026, 12, 3): True}), valid_days=5)
    measure.evidence_sources = ["test.probes"]
    measure.save()
    evidence_collect(actor=ACTOR, until=at(TODAY, 0))
    assert status_of(measure).status == EFFECTIVE


def test_a_test_due_today_is_on_time_and_due_yesterday_is_overdue(measure, register):
    """GDPR Art. 32(1)(d): tested regularly; the control is stale from the day after its test was due."""
    register("test.probes", collector_of({dt.date(2026, 12, 3): True}), valid_days=30)
    measure.evidence_sources = ["test.probes"]
    measure.next_review_on = TODAY
    measure.save()
    evidence_collect(actor=ACTOR, until=at(TODAY, 0))
    assert status_of(measure).status == EFFECTIVE
    overdue = status_of(measure, today=TODAY + dt.timedelta(days=1))
    assert overdue.status == STALE and overdue.reasons == ["its test was due on 2026-12-04"]


def test_every_source_must_have_valid_evidence(measure, register):
    register("test.probes", collector_of({dt.date(2026, 12, 3): True}), valid_days=30)
    register("test.campaigns", collector_of({dt.date(2025, 6, 1): True}), valid_days=30)
    measure.evidence_sources = ["test.probes", "test.campaigns"]
    measure.save()
    evidence_collect(actor=ACTOR, until=at(TODAY, 0), since=at(dt.date(2025, 1, 1), 0))
    status = status_of(measure)
    assert status.status == STALE and status.reasons == ["the evidence from the test.campaigns collector expired"]


def test_an_upload_linked_to_the_control_counts_until_it_expires(measure, owner=None):
    item = Evidence.objects.create(source=EvidenceSource.UPLOAD, key="fire-drill-2026", title="Fire drill report",
                                   effective_at=at(dt.date(2026, 11, 30)), collected_at=at(TODAY),
                                   valid_until=TODAY, sha256="0" * 64)  # fmt: skip
    item.controls.add(measure)
    assert status_of(measure).status == EFFECTIVE
    assert status_of(measure, today=TODAY + dt.timedelta(days=1)).reasons == ["its evidence expired"]


def test_a_control_that_does_not_apply_has_no_status_and_must_say_why(measure):
    measure.applicable, measure.applicability_reason = False, "No customer data on paper."
    measure.save()
    assert status_of(measure).status == NOT_APPLICABLE
    measure.applicability_reason = ""
    with pytest.raises(IntegrityError):
        measure.save()


def test_a_status_as_of_a_past_day_reads_only_the_evidence_of_then(measure, register):
    register("test.probes", collector_of({dt.date(2026, 11, 1): False, dt.date(2026, 12, 3): True}), valid_days=60)
    measure.evidence_sources = ["test.probes"]
    measure.next_review_on = dt.date(2027, 1, 1)
    measure.save()
    evidence_collect(actor=ACTOR, until=at(TODAY, 0))
    assert status_of(measure, today=dt.date(2026, 11, 15)).status == FAILING
    assert status_of(measure, today=dt.date(2026, 10, 31)).reasons == ["no evidence from the test.probes collector yet"]
    assert status_of(measure).status == EFFECTIVE
