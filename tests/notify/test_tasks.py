"""drain_outbox (the task) and its wake-up for the next retry; the outbox commands."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from art28.notify.models import Channel, Delivery, DeliveryStatus, OutboxWake
from art28.notify.tasks import drain_outbox, wake_schedule

pytestmark = pytest.mark.django_db


def scheduled_drains():
    return DBTaskResult.objects.filter(task_path="art28.notify.tasks.drain_outbox", status="READY")


def test_the_task_drains_and_schedules_itself_for_the_earliest_retry(
    smtp_down, org_a, send_notice, django_capture_on_commit_callbacks
):
    send_notice(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert drain_outbox.call() == 0
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    [task] = scheduled_drains()
    assert task.run_after == delivery.next_attempt_at
    assert OutboxWake.objects.get().wake_at == delivery.next_attempt_at


def test_many_drains_schedule_one_wake_up(smtp_down, org_a, send_notice, django_capture_on_commit_callbacks):
    send_notice(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            drain_outbox.call()
    assert scheduled_drains().count() == 1


def test_an_earlier_retry_moves_the_wake_up_forward(smtp_down, org_a, django_capture_on_commit_callbacks):
    from art28.notify.services import Draft, messages_create

    now = timezone.now()
    OutboxWake.objects.create(pk=1, wake_at=now + dt.timedelta(hours=6))
    from django.db import transaction

    with transaction.atomic():
        messages_create(topic="t", drafts=[Draft(organisation=org_a, subject="s", body_text="b")])
    Delivery.objects.filter(channel=Channel.EMAIL).update(
        status=DeliveryStatus.FAILED, next_attempt_at=now + dt.timedelta(minutes=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        at = wake_schedule(now=now)
    assert at == now + dt.timedelta(minutes=2)
    assert scheduled_drains().count() == 1


def test_nothing_waiting_schedules_nothing(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert wake_schedule() is None
    assert not scheduled_drains().exists()


def test_outbox_drain_sends_what_is_due(smtp_server, org_a, org_b, send_notice):
    send_notice(org_a, org_b)
    out = StringIO()
    call_command("outbox_drain", stdout=out)
    assert out.getvalue().strip() == "2 deliveries sent"
    assert len(smtp_server.received) == 2


def test_outbox_drain_loop_exits_when_empty(smtp_server, org_a, send_notice):
    send_notice(org_a)
    out = StringIO()
    call_command("outbox_drain", "--loop", "--interval", "0.05", "--exit-when-empty", stdout=out)
    assert "1 deliveries sent" in out.getvalue()


def test_outbox_status_counts_by_channel_and_status(smtp_down, org_a, org_b, send_notice):
    send_notice(org_a, org_b)
    call_command("outbox_drain", stdout=StringIO())
    out = StringIO()
    call_command("outbox_status", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["by_channel"]["email"] == {"pending": 0, "sent": 0, "failed": 2, "dead": 0}
    assert data["by_channel"]["portal"]["sent"] == 2
    assert data["totals"]["failed"] == 2
    assert data["oldest_waiting"]["organisation"] in {"ACME", "BETA"}
    assert "ConnectionRefusedError" in data["oldest_waiting"]["last_error"]

    text = StringIO()
    call_command("outbox_status", stdout=text)
    assert "oldest waiting: email to" in text.getvalue()
    assert text.getvalue().splitlines()[0].split() == ["channel", "pending", "sent", "failed", "dead"]
