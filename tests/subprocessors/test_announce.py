"""Announcing a change: exactly the customers concerned are told, once each, in their language, and the
effective date follows the longest notice period among them (GDPR Art. 28(2), DSV Art. 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.notify.models import Message
from art28.subprocessors import signals
from art28.subprocessors.changes import change_announce, change_draft, change_withdraw
from art28.subprocessors.models import ChangeRecipient, ChangeStatus, ConsentStatus
from art28.subprocessors.services import contract_set
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import MAIL, WEB, announced_addition, new_subprocessor

pytestmark = pytest.mark.django_db


def messages_per_organisation(world) -> dict[str, int]:
    return {org.ref: Message.objects.filter(organisation=org).count() for org in world.organisations}


def test_announcing_notifies_exactly_the_customers_concerned_once_each(sp_world):
    """Art. 28(2): the customers of the services concerned (placements on their assets or below) are told;
    nobody else."""
    change = announced_addition([MAIL])
    assert messages_per_organisation(sp_world) == {"ACME": 0, "BETA": 1, "GAMMA": 1, "DELTA": 0}
    assert set(change.recipients.values_list("organisation__ref", flat=True)) == {"BETA", "GAMMA"}
    message = Message.objects.get(organisation=sp_world.beta)
    assert (message.topic, message.source_type, message.source_id) == (
        "subprocessor.change",
        "subprocessors.change",
        change.pk,
    )


def test_a_placement_below_an_asset_of_the_service_concerns_its_customer(sp_world):
    """ACME's volume is below the Web hosting VM; BETA has the VM itself."""
    change = announced_addition([WEB])
    assert set(change.recipients.values_list("organisation__ref", flat=True)) == {"ACME", "BETA"}
    assert messages_per_organisation(sp_world) == {"ACME": 1, "BETA": 1, "GAMMA": 0, "DELTA": 0}


def test_a_customer_of_two_services_concerned_is_told_once(sp_world):
    announced_addition([WEB, MAIL])
    assert messages_per_organisation(sp_world) == {"ACME": 1, "BETA": 1, "GAMMA": 1, "DELTA": 0}
    assert ChangeRecipient.objects.count() == 3


def test_the_effective_date_is_the_longest_notice_period_among_the_customers_concerned(sp_world):
    """Two customers with 30 and 60 days → announcement + 60 (each must have its full period to object)."""
    contract_set(actor=TEST_ACTOR, organisation=sp_world.gamma, authorisation="general", notice_days=60)
    contract_set(actor=TEST_ACTOR, organisation=sp_world.delta, authorisation="general", notice_days=90)  # unconcerned
    change = announced_addition([MAIL])
    assert change.effective_on == timezone.localdate() + dt.timedelta(days=60)
    assert dict(change.recipients.values_list("organisation__ref", "notice_days")) == {"BETA": 30, "GAMMA": 60}


def test_without_any_customer_concerned_the_default_30_days_apply(sp_world):
    change = announced_addition(["Backup"])
    assert change.recipients.count() == 0
    assert change.effective_on == timezone.localdate() + dt.timedelta(days=30)
    assert Message.objects.count() == 0


def test_an_effective_date_earlier_than_the_rule_is_refused_and_nothing_is_sent(sp_world):
    sp = new_subprocessor()
    change = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary="x", services=[MAIL])
    with pytest.raises(ValidationError, match="cannot be before"):
        change_announce(actor=TEST_ACTOR, change=change, effective_on=timezone.localdate() + dt.timedelta(days=29))
    change.refresh_from_db()
    assert change.status == ChangeStatus.DRAFT and Message.objects.count() == 0 and not change.recipients.exists()
    later = timezone.localdate() + dt.timedelta(days=45)
    assert change_announce(actor=TEST_ACTOR, change=change, effective_on=later).effective_on == later


def test_each_recipient_keeps_a_snapshot_of_its_contract_and_specific_ones_owe_consent(sp_world):
    """DSV Art. 7 / Art. 28(2): under specific authorisation the consent is pending from the announcement."""
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=45)
    change = announced_addition([MAIL])
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="general", notice_days=10)
    rows = {r.organisation.ref: r for r in change.recipients.select_related("organisation")}
    assert (rows["BETA"].authorisation, rows["BETA"].notice_days, rows["BETA"].consent) == (
        "specific",
        45,
        ConsentStatus.PENDING,
    )
    assert (rows["GAMMA"].authorisation, rows["GAMMA"].consent) == ("general", ConsentStatus.NOT_NEEDED)


def test_the_notice_is_in_the_customers_language_and_says_what_how_and_when(sp_world, settings):
    settings.ART28_BASE_URL = "https://art28.example"
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=30)
    change = announced_addition([MAIL])
    gamma = Message.objects.get(organisation=sp_world.gamma)
    beta = Message.objects.get(organisation=sp_world.beta)
    assert (gamma.language, beta.language) == ("it", "de")
    for message in (gamma, beta):
        assert "Deliverability Inc." in message.subject
        assert "Delivering outgoing e-mail" in message.body_text
        assert "(US)" in message.body_text and "SCC with the Swiss addendum" in message.body_text
        assert f"https://art28.example/portal/subprocessors/changes/{change.pk}/" in message.body_text
        assert message.payload["effective_on"] == str(change.effective_on)
    assert "Gamma SA" in gamma.body_text and "{customer_name}" not in gamma.body_text
    assert beta.payload["authorisation"] == "specific" and gamma.payload["authorisation"] == "general"


def test_the_english_notice_reads_as_complete_sentences(sp_world):
    from art28.subprocessors.notices import render_texts

    change = announced_addition([WEB, MAIL])
    text = render_texts(change, which="announce", language="en", authorisation="general")
    assert text["subject"].startswith("Example Hosting SA: new sub-processor Deliverability Inc. as of ")
    body = text["body"]
    assert body.startswith("Dear {customer_name},\n")
    # The legal name ends with a full stop: no sentence ends right after it ("Inc..").
    assert "We intend to engage Deliverability Inc. as a new sub-processor." in body and ".." not in body
    assert body.rstrip().endswith("Yours sincerely,\nExample Hosting SA")
    assert "Countries where it processes personal data: United States (US)" in body
    # GDPR Art. 28(2), SCC 2021/914 Clause 9(a): the right to object needs no reason; the notice says so.
    assert "Under your general authorisation, you may object to this change before " in body
    assert "you need not give a reason." in body and "giving your reason" not in body
    specific = render_texts(change, which="announce", language="en", authorisation="specific")["body"]
    assert "we need your prior consent" in specific and "To consent or refuse, sign in" in specific


def test_announcing_sends_the_signal_inside_the_transaction(sp_world):
    seen = []

    def receiver(sender, change, **kwargs):
        seen.append((change.pk, change.status, connection.in_atomic_block, change.recipients.count()))

    signals.change_announced.connect(receiver)
    try:
        change = announced_addition([MAIL])
    finally:
        signals.change_announced.disconnect(receiver)
    assert seen == [(change.pk, ChangeStatus.ANNOUNCED, True, 2)]


def test_one_audit_entry_with_the_counts(sp_world):
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=40)
    change = announced_addition([MAIL])
    entry = AuditEntry.objects.get(action="subprocessor.change.announce", object_id=str(change.pk))
    assert entry.after["customers"] == 2
    assert (entry.after["general"], entry.after["specific"], entry.after["longest_notice_days"]) == (1, 1, 40)
    assert entry.after["deliveries"] == 4  # e-mail and portal for each
    assert AuditEntry.objects.filter(action="subprocessor.change.draft", object_id=str(change.pk)).count() == 1


def test_only_a_draft_is_announced_and_only_by_the_dpo_or_an_administrator(sp_world, make_user):
    change = announced_addition([MAIL])
    with pytest.raises(ValidationError, match="only a draft"):
        change_announce(actor=TEST_ACTOR, change=change)
    ops = make_user("ops@provider.example", Role.OPERATIONS)
    draft = change_draft(
        actor=TEST_ACTOR, kind="addition", subprocessor=new_subprocessor("other"), summary="x", services=[MAIL]
    )
    with pytest.raises(PermissionDenied):
        change_announce(actor=ops, change=draft)


def test_withdrawing_tells_every_recipient_and_resolves_open_objections(sp_world, acme_admin):
    from art28.subprocessors.responses import change_object

    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="US transfer")
    change_withdraw(actor=TEST_ACTOR, change=change, reason="We found a Swiss provider.")
    withdrawn = Message.objects.filter(topic="subprocessor.change-withdrawn")
    assert sorted(withdrawn.values_list("organisation__ref", flat=True)) == ["ACME", "BETA"]
    assert "We found a Swiss provider." in withdrawn.get(organisation=sp_world.beta).body_text
    acme = ChangeRecipient.objects.get(change=change, organisation=sp_world.acme)
    assert acme.resolution == "withdrawn"
    assert AuditEntry.objects.filter(action="subprocessor.change.withdraw", object_id=str(change.pk)).exists()
    with pytest.raises(ValidationError):
        change_withdraw(actor=TEST_ACTOR, change=change, reason="again")


def _customers_on_mail(inventory, make_org, count: int, start: int) -> None:
    for number in range(start, start + count):
        inventory.place(make_org(f"M{number:04d}", language=("fr", "de", "it", "en")[number % 4]), "mail-1")


def test_announce_query_count_does_not_grow_with_the_number_of_customers(
    sp_world, make_org, django_assert_max_num_queries
):
    """DESIGN.md: set-based fan-out; the number of queries is constant in the number of customers."""
    inv = sp_world.inventory
    _customers_on_mail(inv, make_org, 3, 0)
    first = change_draft(
        actor=TEST_ACTOR, kind="addition", subprocessor=new_subprocessor("a"), summary="x", services=[MAIL]
    )
    with CaptureQueriesContext(connection) as small:
        assert change_announce(actor=TEST_ACTOR, change=first).recipients.count() == 5
    _customers_on_mail(inv, make_org, 40, 100)
    second = change_draft(
        actor=TEST_ACTOR, kind="addition", subprocessor=new_subprocessor("b"), summary="x", services=[MAIL]
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        change_announce(actor=TEST_ACTOR, change=second)
    assert second.recipients.count() == 45
    assert Message.objects.filter(source_id=second.pk).count() == 45
