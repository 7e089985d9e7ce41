"""A fan-out wakes every task worker (issue 10 item 6): ART28_OUTBOX_DRAINS drain tasks are enqueued
for each new batch of messages, so that N `art28 db_worker` processes share it (each drain claims with
SKIP LOCKED); with one task, one worker sent the whole fan-out while the others waited."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from art28.notify.models import Channel
from art28.notify.services import Draft, messages_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("drains", [1, 3])
def test_one_drain_task_is_enqueued_per_configured_worker(
    settings, org_a, drains: int, django_capture_on_commit_callbacks
) -> None:
    settings.ART28_OUTBOX_DRAINS = drains
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        messages_create(
            topic="breach.notice",
            drafts=[Draft(organisation=org_a, subject="Notice", body_text="Text", language="en", payload={})],
            channels=[Channel.EMAIL],
        )
    queued = DBTaskResult.objects.filter(task_path="art28.notify.tasks.drain_outbox", status="READY")
    assert queued.count() == drains
