"""The measure-review evidence collector (S2; GDPR Art. 32(1)(d): regularly testing, assessing and
evaluating the measures): one item per review, dated on the review day, valid until the next review,
linked to its measure, and naming neither the reviewer nor the note."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from django.utils import timezone

from art28.core.evidence import Collected, collectors
from art28.core.models import AuditEntry
from art28.records.services import measure_review
from tests.conftest import run_collector

pytestmark = pytest.mark.django_db
KEY = "records.measure_review"
NOTE = "Checked with Alice Muster (alice.muster@example-hosting.ch): the LUKS headers are backed up."


def local(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def review_at(moment: dt.datetime, measure, actor, note: str = NOTE):
    """A review made in the application at ``moment`` (the clock of the service and its audit entry)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return measure_review(actor=actor, measure=measure, note=note)


def collect(since: dt.datetime, until: dt.datetime) -> list[Collected]:
    return run_collector(KEY, since, until)


def test_the_collector_is_registered_with_its_validity():
    registered = {c.key: c for c in collectors()}
    assert KEY in registered
    assert registered[KEY].valid_days == 365 and registered[KEY].controls == ()
    assert "32(1)(d)" in str(registered[KEY].proves)


def test_art32_1_d_a_past_review_is_evidence_of_that_day_valid_until_the_next_review(records_world):
    measure = records_world.measures["tom-a-encryption"]
    moment = local(dt.date(2026, 3, 10), 14, 30)
    review_at(moment, measure, records_world.security)
    review_at(local(dt.date(2026, 9, 2), 9), measure, records_world.dpo)  # a later one, another window

    (item,) = collect(local(dt.date(2026, 3, 1)), local(dt.date(2026, 4, 1)))
    entry = AuditEntry.objects.filter(action="records.measure.review").order_by("seq").first()
    assert item.key == f"audit-{entry.seq}"
    assert item.effective_at == moment  # recorded on the review day: when it was recorded
    assert item.data == {
        "measure": "tom-a-encryption",
        "reviewed_on": "2026-03-10",
        "next_review_on": "2027-03-10",
        "recorded_at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "audit_entry": entry.seq,
        "audit_entry_sha256": entry.hash,
    }
    assert item.valid_until == dt.date(2027, 3, 10)  # the next review, not the collector's 365 days
    assert item.controls == ("tom-a-encryption",) and item.passed and item.organisation_id is None
    assert item.title == "Review of measure tom-a-encryption on 2026-03-10"
    # Today's state of the measure (reviewed again in September) does not change the March evidence.
    measure.refresh_from_db()
    assert measure.last_reviewed_on == dt.date(2026, 9, 2)


def test_a_review_recorded_for_an_earlier_day_counts_from_the_start_of_that_day(records_world):
    measure_review(actor=records_world.dpo, measure=records_world.measures["tom-d-pentest"], on=dt.date(2026, 5, 4))
    (item,) = collect(local(dt.date(2026, 5, 4)), local(dt.date(2026, 5, 5)))
    assert item.effective_at == local(dt.date(2026, 5, 4))
    assert item.data["reviewed_on"] == "2026-05-04" and item.valid_until == dt.date(2027, 5, 4)
    assert collect(local(dt.date(2026, 5, 5)), timezone.now()) == []  # not where it was recorded


def test_the_window_includes_its_start_and_excludes_its_end_exactly(records_world):
    first, second = local(dt.date(2026, 6, 1), 10), local(dt.date(2026, 6, 8), 10)
    review_at(first, records_world.measures["tom-a-encryption"], records_world.security)
    review_at(second, records_world.measures["tom-b-mail-filter"], records_world.security)
    assert [i.data["measure"] for i in collect(first, second)] == ["tom-a-encryption"]
    assert [i.data["measure"] for i in collect(first + dt.timedelta(microseconds=1), second)] == []
    assert [i.data["measure"] for i in collect(second, second + dt.timedelta(microseconds=1))] == ["tom-b-mail-filter"]


def test_collecting_twice_gives_the_same_keys_and_items(records_world):
    review_at(local(dt.date(2026, 2, 2), 8), records_world.measures["tom-a-encryption"], records_world.security)
    review_at(local(dt.date(2026, 2, 3), 8), records_world.measures["tom-d-pentest"], records_world.dpo)
    window = (local(dt.date(2026, 2, 1)), local(dt.date(2026, 3, 1)))
    first, again = collect(*window), collect(*window)
    assert [i.key for i in first] == [i.key for i in again] and len({i.key for i in first}) == 2
    assert first == again


def test_no_personal_data_neither_the_reviewer_nor_the_note(records_world):
    review_at(local(dt.date(2026, 4, 7), 11), records_world.measures["tom-d-pentest"], records_world.dpo)
    (item,) = collect(local(dt.date(2026, 4, 1)), local(dt.date(2026, 5, 1)))
    text = json.dumps(item.data) + item.title
    for personal in (NOTE, "Alice", "alice.muster@example-hosting.ch", records_world.dpo.email,
                     records_world.security.email, "Yearly intrusion test"):  # fmt: skip
        assert personal not in text
    assert AuditEntry.objects.get(action="records.measure.review").after["note"] == NOTE  # it was there to leak


def test_a_retired_measures_past_reviews_stay_evidence(records_world):
    from art28.records.services import measure_retire

    measure = records_world.measures["tom-b-mail-filter"]
    review_at(local(dt.date(2026, 1, 12), 9), measure, records_world.security)
    measure_retire(actor=records_world.dpo, measure=measure)
    (item,) = collect(local(dt.date(2026, 1, 1)), local(dt.date(2026, 2, 1)))
    assert item.data["measure"] == "tom-b-mail-filter" and item.controls == ("tom-b-mail-filter",)


def test_the_query_count_does_not_grow_with_the_reviews(records_world, django_assert_max_num_queries):
    measures = [records_world.measures[ref] for ref in ("tom-a-encryption", "tom-b-mail-filter", "tom-d-pentest")]
    for week in range(12):
        measure = measures[week % 3]
        review_at(local(dt.date(2026, 7, 1) + dt.timedelta(days=7 * week), 9), measure, records_world.security)
    with django_assert_max_num_queries(2):
        items = collect(local(dt.date(2026, 7, 1)), local(dt.date(2026, 10, 1)))
    assert len(items) == 12 and {i.data["measure"] for i in items} == {m.ref for m in measures}
    with django_assert_max_num_queries(1):  # nothing reviewed: no second query
        assert collect(local(dt.date(2025, 1, 1)), local(dt.date(2025, 2, 1))) == []


def test_the_evidence_engine_stores_the_reviews_once_and_links_them_to_their_measure(records_world):
    from art28.evidence.collection import evidence_collect
    from art28.evidence.models import Evidence
    from tests.conftest import TEST_ACTOR

    review_at(local(dt.date(2026, 8, 3), 9), records_world.measures["tom-a-encryption"], records_world.security)
    measure_review(actor=records_world.dpo, measure=records_world.measures["tom-d-pentest"], on=dt.date(2026, 8, 4))
    for _twice in range(2):
        evidence_collect(actor=TEST_ACTOR, since=local(dt.date(2026, 8, 1)), until=timezone.now(), only=[KEY])
    stored = Evidence.objects.filter(collector=KEY).order_by("effective_at")
    assert [(e.valid_until, [m.ref for m in e.controls.all()]) for e in stored] == [
        (dt.date(2027, 8, 3), ["tom-a-encryption"]),
        (dt.date(2027, 8, 4), ["tom-d-pentest"]),
    ]
