"""Customers choose their channels for sub-processor changes (S4); breach notices ignore the choice,
because the law wants the controller told (GDPR Art. 33(2), nFADP Art. 24(3))."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from tests.conftest import TEST_ACTOR

from art28.notify.models import Channel, ChannelPreference, Delivery, Message
from art28.notify.services import Draft, messages_create
from art28.notify.subscriptions import channel_preference_save

pytestmark = pytest.mark.django_db


def send(org, topic: str) -> Message:
    with transaction.atomic():
        messages_create(topic=topic, drafts=[Draft(organisation=org, subject="s", body_text="b")])
    return Message.objects.filter(organisation=org, topic=topic).latest("pk")


def channels(message: Message) -> set[str]:
    return set(Delivery.objects.filter(message=message).values_list("channel", flat=True))


@pytest.fixture
def org_with_webhook(org_a, settings):
    from art28.notify.models import WebhookEndpoint

    WebhookEndpoint.objects.create(organisation=org_a, url="https://hooks.acme.example/art28", secret="whsec_x")
    return org_a


def test_without_a_choice_every_channel_receives(org_with_webhook):
    assert channels(send(org_with_webhook, "subprocessor.change")) == {"email", "webhook", "portal"}


def test_a_customer_turns_email_and_webhook_off_for_sub_processor_changes(org_with_webhook):
    channel_preference_save(
        actor=TEST_ACTOR, organisation=org_with_webhook, topic="subprocessor.change", email=False, webhook=False
    )
    assert channels(send(org_with_webhook, "subprocessor.change")) == {Channel.PORTAL}
    # The withdrawal of a change follows the change's choice.
    assert channels(send(org_with_webhook, "subprocessor.change-withdrawn")) == {Channel.PORTAL}


def test_breach_notices_ignore_the_choice_art_33_2(org_with_webhook):
    channel_preference_save(
        actor=TEST_ACTOR, organisation=org_with_webhook, topic="subprocessor.change", email=False, webhook=False
    )
    ChannelPreference.objects.create(organisation=org_with_webhook, topic="breach.notice", email=False, webhook=False)
    assert channels(send(org_with_webhook, "breach.notice")) == {"email", "webhook", "portal"}


def test_no_choice_can_be_saved_for_breach_notices(org_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        channel_preference_save(actor=TEST_ACTOR, organisation=org_a, topic="breach.notice", email=False, webhook=False)


def test_the_portal_inbox_cannot_be_turned_off(org_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelPreference.objects.create(organisation=org_a, topic="subprocessor.change", portal=False)


def test_the_preference_costs_one_query_for_a_whole_fan_out(make_org, django_assert_max_num_queries):
    orgs = [make_org(f"P{i}", privacy_email=f"p{i}@example.org") for i in range(20)]
    for org in orgs[::2]:
        channel_preference_save(
            actor=TEST_ACTOR, organisation=org, topic="subprocessor.change", email=False, webhook=True
        )
    with django_assert_max_num_queries(8), transaction.atomic():
        messages_create(
            topic="subprocessor.change", drafts=[Draft(organisation=o, subject="s", body_text="b") for o in orgs]
        )
    emails = Delivery.objects.filter(channel="email", message__topic="subprocessor.change").count()
    assert emails == 10


# --- the portal page ----------------------------------------------------------------------------------


def test_an_administrator_chooses_the_channels(client_a, org_a):
    page = client_a.get("/portal/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="subprocessor.change:email"' in html and "breach.notice" in html
    response = client_a.post("/portal/notifications/", {"subprocessor.change:webhook": "on"})
    assert response.status_code == 302
    preference = ChannelPreference.objects.get(organisation=org_a, topic="subprocessor.change")
    assert (preference.email, preference.webhook, preference.portal) == (False, True, True)
    assert (
        'name="subprocessor.change:email" aria-label="E-mail">'
        in client_a.get("/portal/notifications/").content.decode()
    )


def test_a_viewer_reads_but_cannot_change(client_b, org_b):
    html = client_b.get("/portal/notifications/").content.decode()
    assert "disabled" in html and "Save" not in html
    assert client_b.post("/portal/notifications/", {}).status_code == 403
    assert not ChannelPreference.objects.filter(organisation=org_b).exists()


def test_staff_and_strangers_cannot_reach_it(client, staff_client):
    assert client.get("/portal/notifications/").status_code == 302  # to the login page
    assert staff_client.get("/portal/notifications/").status_code == 403
