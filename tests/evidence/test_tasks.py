"""The nightly collection (S2): the task collects, then enqueues itself for tomorrow 02:00."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from art28.core.evidence import Collected
from art28.evidence.models import Evidence
from art28.evidence.tasks import collect_evidence_daily, schedule_next
from tests.evidence.conftest import at

pytestmark = pytest.mark.django_db


def nightly_runs():
    return DBTaskResult.objects.filter(task_path="art28.evidence.tasks.collect_evidence_daily", status="READY")


def test_the_task_collects_and_schedules_the_next_night(register):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    register("test.nightly", lambda since, until: [Collected(key="n1", title="run", effective_at=at(yesterday),
                                                             data={})])  # fmt: skip
    assert collect_evidence_daily.call() == 1
    assert Evidence.objects.get().key == "n1"
    (next_run,) = nightly_runs()
    assert timezone.localtime(next_run.run_after) == timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(2, 0))
    )


def test_scheduling_from_late_evening_still_means_tomorrow_night():
    late = timezone.make_aware(dt.datetime(2026, 12, 4, 23, 30))
    assert schedule_next(now=late) == timezone.make_aware(dt.datetime(2026, 12, 5, 2, 0))


def test_the_nightly_task_reminds_the_owners_after_collecting(measure, register):
    """The nightly run also sends what falls due (docs/evidence.md, "Reminders")."""
    from art28.evidence.models import Reminder

    register("test.nightly", lambda since, until: [])
    measure.next_review_on = timezone.localdate() - dt.timedelta(days=1)
    measure.save()
    collect_evidence_daily.call()
    (reminder,) = Reminder.objects.all()
    assert (reminder.kind, reminder.recipient) == ("test-overdue", measure.owner)
    assert reminder.due_on == measure.next_review_on
    collect_evidence_daily.call()  # the next night: told once, not every night
    assert Reminder.objects.count() == 1
