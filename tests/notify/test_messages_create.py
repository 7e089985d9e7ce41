"""messages_create: the contract every domain app uses to tell customers something."""

from __future__ import annotations

import pytest
from django.db import transaction

from art28.core.models import Organisation
from art28.notify.models import Channel, Delivery, DeliveryStatus, Message
from art28.notify.services import Draft, messages_create, webhook_endpoint_save
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def orgs(n: int, prefix: str = "Q") -> list[Organisation]:
    return Organisation.objects.bulk_create(
        [
            Organisation(ref=f"{prefix}{i}", name=f"Customer {i}", privacy_email=f"dpo@{prefix}{i}.example")
            for i in range(n)
        ]
    )


def create(organisations: list[Organisation], **kwargs) -> int:
    with transaction.atomic():
        return messages_create(
            topic="breach.notice",
            drafts=[Draft(organisation=o, subject="s", body_text="b") for o in organisations],
            **kwargs,
        )


def test_one_delivery_per_channel_the_organisation_can_receive_on(org_a, org_b, make_org, webhook_receiver):
    quiet = make_org("QUIET")
    webhook_endpoint_save(actor=TEST_ACTOR, organisation=org_b, url=webhook_receiver.url)
    assert create([org_a, org_b, quiet]) == 6
    channels = {
        ref: sorted(Delivery.objects.filter(message__organisation__ref=ref).values_list("channel", flat=True))
        for ref in ("ACME", "BETA", "QUIET")
    }
    assert channels == {"ACME": ["email", "portal"], "BETA": ["email", "portal", "webhook"], "QUIET": ["portal"]}
    assert set(Delivery.objects.filter(channel=Channel.PORTAL).values_list("status", flat=True)) == {"sent"}
    assert set(Delivery.objects.exclude(channel=Channel.PORTAL).values_list("status", flat=True)) == {"pending"}


def test_channels_can_be_narrowed(org_a):
    assert create([org_a], channels=(Channel.EMAIL,)) == 1
    assert Delivery.objects.get().channel == Channel.EMAIL


def test_the_worker_is_woken_after_commit(org_a, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        create([org_a])
    assert len(callbacks) == 1
    assert DBTaskResult.objects.filter(task_path="art28.notify.tasks.drain_outbox").count() == 1


def test_500_drafts_take_a_constant_number_of_queries(django_assert_num_queries, db):
    """Set-based: a fan-out to thousands of customers is a handful of INSERTs, not one per customer."""
    small, large = orgs(5, "S"), orgs(500, "L")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        create(small)
    with django_assert_num_queries(len(five.captured_queries)):
        assert create(large) == 1000
    assert Message.objects.count() == 505
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 505


def test_the_e_mail_goes_to_both_contacts_once(make_org):
    same = make_org("SAME", privacy_email="x@same.example", security_email="x@same.example")
    both = make_org("BOTH", privacy_email="p@both.example", security_email="s@both.example")
    create([same, both])
    email = Delivery.objects.filter(channel=Channel.EMAIL)
    recipients = dict(email.values_list("message__organisation__ref", "recipient"))
    assert recipients == {"SAME": "x@same.example", "BOTH": "p@both.example,s@both.example"}
