"""The collection engine (S2): windows since the last run, each source stored once, a collector's error
recorded without stopping the others, the audit entry of each run, and the content hash."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.evidence import Collected
from art28.core.models import AuditEntry
from art28.evidence.collection import FIRST_LOOK_BACK, OVERLAP, content_sha256, evidence_collect
from art28.evidence.models import CollectionRun, Evidence
from tests.evidence.conftest import at

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")


def daily(since: dt.datetime, until: dt.datetime):
    """One item per day that starts in the window: what a real collector does with its history."""
    day = timezone.localtime(since).date()
    while at(day, 0) < until:
        if at(day, 0) >= since:
            yield Collected(key=day.isoformat(), title=f"day {day}", effective_at=at(day, 0), data={"n": day.day})
        day += dt.timedelta(days=1)


def test_the_first_run_looks_a_year_back_and_the_next_starts_where_it_ended(register):
    register("test.daily", daily)
    until = at(dt.date(2026, 12, 1), 0)

    first = evidence_collect(actor=ACTOR, until=until, only=["test.daily"]).outcomes[0]
    assert first.since == until - FIRST_LOOK_BACK and first.created == 366
    later = until + dt.timedelta(days=2)
    second = evidence_collect(actor=ACTOR, until=later, only=["test.daily"]).outcomes[0]
    # It looks OVERLAP behind the last end (facts recorded late), and stores only what is new.
    assert (second.since, second.found, second.created) == (until - OVERLAP, 47, 2)
    assert Evidence.objects.filter(collector="test.daily").count() == 368


def test_collecting_a_window_again_stores_nothing_twice(register):
    register("test.daily", daily)
    until = at(dt.date(2026, 12, 1), 0)
    evidence_collect(actor=ACTOR, until=until, only=["test.daily"])
    again = evidence_collect(actor=ACTOR, since=until - dt.timedelta(days=10), until=until, only=["test.daily"])
    assert again.outcomes[0].found == 10 and again.created == 0
    assert Evidence.objects.count() == 366


def test_items_are_dated_as_the_collector_says_and_hashed_for_the_pack(register):
    register("test.daily", daily, valid_days=7)
    evidence_collect(actor=ACTOR, until=at(dt.date(2026, 12, 1), 0), only=["test.daily"])
    item = Evidence.objects.get(key="2026-11-15")
    assert item.effective_at == at(dt.date(2026, 11, 15), 0)
    assert item.valid_until == dt.date(2026, 11, 22) and item.collected_at.date() == timezone.now().date()
    expected = Collected(key="2026-11-15", title="day 2026-11-15", effective_at=item.effective_at, data={"n": 15})
    assert item.sha256 == content_sha256("test.daily", expected, item.valid_until)


def test_a_failing_collector_is_recorded_and_the_others_still_run(register):
    def broken(since, until):
        raise RuntimeError("the residency engine is down")

    def outside(since, until):
        yield Collected(key="late", title="from the future", effective_at=until, data={})

    register("test.broken", broken)
    register("test.daily", daily)
    register("test.outside", outside)
    report = evidence_collect(actor=ACTOR, until=at(dt.date(2026, 12, 1), 0),
                              only=["test.broken", "test.daily", "test.outside"])  # fmt: skip
    errors = {o.collector: o.error for o in report.errors}
    assert errors["test.broken"] == "RuntimeError: the residency engine is down"
    assert "outside" in errors["test.outside"]  # an item at `until` is not in [since, until)
    assert not Evidence.objects.filter(collector__in=["test.broken", "test.outside"]).exists()
    assert Evidence.objects.filter(collector="test.daily").count() == 366
    # The failed window is collected again next time (it did not move the start to its end).
    retry = evidence_collect(actor=ACTOR, until=at(dt.date(2026, 12, 2), 0), only=["test.broken"]).outcomes[0]
    assert retry.since == at(dt.date(2026, 12, 2), 0) - FIRST_LOOK_BACK


def test_each_run_is_audited_with_its_counts(register):
    register("test.daily", daily)
    evidence_collect(actor=ACTOR, until=at(dt.date(2026, 12, 1), 0), only=["test.daily"])
    entry = AuditEntry.objects.get(action="evidence.collect")
    assert entry.after["collector"] == "test.daily" and entry.after["created"] == 366
    assert CollectionRun.objects.get().found == 366


def test_the_command_reports_each_collector_and_exits_1_when_one_failed(register):
    register("test.daily", daily)
    register("test.broken", lambda since, until: (_ for _ in ()).throw(OSError("no disk")))
    out = io.StringIO()
    call_command("evidence_collect", "--only", "test.daily", "--until", "2026-12-01", stdout=out, stderr=io.StringIO())
    assert "test.daily" in out.getvalue() and "366 new of 366, 0 failing" in out.getvalue()
    with pytest.raises(CommandError, match="1 collector"):
        call_command("evidence_collect", "--only", "test.broken", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="no evidence collector 'nope'"):
        call_command("evidence_collect", "--only", "nope", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("evidence_collect", "--until", "1.12.2026", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_fact_recorded_after_its_day_is_collected_by_the_next_run(register):
    """An intrusion test's report is imported weeks after the campaign: the next run still finds it."""
    facts: list[Collected] = []
    register("test.late", lambda since, until: [f for f in facts if since <= f.effective_at < until])
    until = at(dt.date(2026, 12, 1), 0)
    evidence_collect(actor=ACTOR, until=until, only=["test.late"])
    facts.append(Collected(key="PT-1", title="campaign", effective_at=until - dt.timedelta(days=20), data={}))
    assert evidence_collect(actor=ACTOR, until=until + dt.timedelta(days=1), only=["test.late"]).created == 1
