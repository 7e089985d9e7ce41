"""Objections, consents and their resolution (GDPR Art. 28(2), nFADP Art. 9(3), DSV Art. 7; PRODUCT.md,
"The law": a customer's objection blocks use for that customer until resolved)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from art28.core.models import AuditEntry
from art28.notify.models import Message
from art28.subprocessors.changes import change_announce, change_draft, changes_apply_due
from art28.subprocessors.models import ChangeRecipient, ChangeStatus, ConsentStatus, Resolution, SubProcessor
from art28.subprocessors.responses import change_consent, change_object, change_resolve
from art28.subprocessors.rules import recipient_applies
from art28.subprocessors.selectors import subprocessors_for_organisation
from art28.subprocessors.services import contract_set
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import MAIL, WEB, announced_addition, new_subprocessor, past_effective_date

pytestmark = pytest.mark.django_db


def row(change, organisation) -> ChangeRecipient:
    return ChangeRecipient.objects.get(change=change, organisation=organisation)


def slugs_for(organisation) -> set[str]:
    return {sp.slug for sp in subprocessors_for_organisation(organisation)}


def make_effective(change):
    past_effective_date(change, days=0)
    changes_apply_due()
    change.refresh_from_db()
    return change


def test_an_objection_before_the_effective_date_is_recorded_with_its_reason_and_audited(sp_world, acme_admin):
    """Art. 28(2): under a general authorisation the customer may object before the change applies."""
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No US transfers, please.")
    acme = row(change, sp_world.acme)
    assert acme.objected_at and acme.objected_by == acme_admin and acme.objection_reason == "No US transfers, please."
    entry = AuditEntry.objects.get(action="subprocessor.change.object")
    assert entry.organisation_id == sp_world.acme.pk and entry.after["objection_reason"] == "No US transfers, please."
    with pytest.raises(ValidationError, match="objected on"):
        change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="again")


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_objection_needs_no_reason_gdpr_art_28_2_scc_clause_9(sp_world, acme_admin, reason):
    """Neither GDPR Art. 28(2) nor SCC 2021/914 Clause 9(a) asks the controller for a reason to object: the
    objection is recorded and audited with an empty reason, and keeps the change off that customer's data."""
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason=reason)
    acme = row(change, sp_world.acme)
    assert acme.objected_at and acme.objected_by == acme_admin and acme.objection_reason == ""
    entry = AuditEntry.objects.get(action="subprocessor.change.object")
    assert entry.organisation_id == sp_world.acme.pk and entry.after["objection_reason"] == ""
    assert entry.after["objected_at"] and entry.before["objected_at"] is None
    make_effective(change)
    assert "mailjet-us" in slugs_for(sp_world.beta)
    assert "mailjet-us" not in slugs_for(sp_world.acme)


def test_an_objection_blocks_the_change_for_that_customer_only_until_resolved(sp_world, acme_admin):
    """The change becomes effective for everyone else; the objector's data stays off the new sub-processor."""
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    make_effective(change)
    assert change.status == ChangeStatus.EFFECTIVE
    assert "mailjet-us" in slugs_for(sp_world.beta)
    assert "mailjet-us" not in slugs_for(sp_world.acme)
    assert not recipient_applies(row(change, sp_world.acme), change.kind)


def test_an_objection_after_the_effective_date_is_refused_with_a_clear_message(sp_world, acme_admin):
    change = past_effective_date(announced_addition([WEB]))
    with pytest.raises(ValidationError, match=r"took effect on .*objections had to be made before that date"):
        change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="Too late?")
    assert row(change, sp_world.acme).objected_at is None


def test_on_the_effective_date_itself_it_is_too_late(sp_world, acme_admin):
    change = past_effective_date(announced_addition([WEB]), days=0)
    with pytest.raises(ValidationError, match="took effect"):
        change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="Today?")


def test_a_viewer_or_another_organisation_cannot_object(sp_world, beta_viewer, acme_admin):
    change = announced_addition([WEB])
    with pytest.raises(PermissionDenied, match="administrators"):
        change_object(actor=beta_viewer, change=change, organisation=sp_world.beta, reason="x")
    with pytest.raises(PermissionDenied, match="own organisation"):
        change_object(actor=acme_admin, change=change, organisation=sp_world.beta, reason="x")


def test_a_customer_not_told_of_the_change_cannot_object(sp_world, make_user):
    from art28.core.roles import Role

    delta_admin = make_user("dan@delta.example", Role.CUSTOMER_ADMIN, sp_world.delta)
    change = announced_addition([WEB])
    with pytest.raises(ValidationError, match="not announced to your organisation"):
        change_object(actor=delta_admin, change=change, organisation=sp_world.delta, reason="x")


def test_a_removal_cannot_be_objected_to(sp_world, acme_admin):
    """Art. 28(2) gives the right to object to additions and replacements; a removal is for information."""
    draft = change_draft(actor=TEST_ACTOR, kind="removal", subprocessor=sp_world.helpdesk, summary="Ending it.")
    change = change_announce(actor=TEST_ACTOR, change=draft)
    assert row(change, sp_world.acme).consent == ConsentStatus.NOT_NEEDED
    with pytest.raises(ValidationError, match="A removal"):
        change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="Keep it!")


def test_withdrawn_resolution_withdraws_the_whole_change(sp_world, acme_admin):
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    change_resolve(
        actor=TEST_ACTOR, change=change, organisation=sp_world.acme, resolution="withdrawn", note="We drop the plan."
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.WITHDRAWN and change.withdrawn_reason == "We drop the plan."
    assert row(change, sp_world.acme).resolution == Resolution.WITHDRAWN
    assert Message.objects.filter(topic="subprocessor.change-withdrawn").count() == 2
    entry = AuditEntry.objects.get(action="subprocessor.change.resolve")
    assert entry.organisation_id == sp_world.acme.pk and entry.after["resolution"] == "withdrawn"
    assert changes_apply_due() == [] and SubProcessor.objects.get(slug="mailjet-us").in_use_from is None


def test_old_arrangement_resolution_keeps_the_change_away_from_that_customer(sp_world, acme_admin):
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    change_resolve(
        actor=TEST_ACTOR,
        change=change,
        organisation=sp_world.acme,
        resolution="old_arrangement",
        note="ACME stays without the deliverability service.",
    )
    make_effective(change)
    assert "mailjet-us" not in slugs_for(sp_world.acme) and "mailjet-us" in slugs_for(sp_world.beta)
    assert row(change, sp_world.acme).resolution == Resolution.OLD_ARRANGEMENT


def test_termination_resolution_records_the_customers_choice(sp_world, acme_admin):
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    change_resolve(
        actor=TEST_ACTOR,
        change=change,
        organisation=sp_world.acme,
        resolution="termination",
        note="ACME terminates at the end of the month.",
    )
    acme = row(change, sp_world.acme)
    assert acme.resolution == Resolution.TERMINATION and acme.resolution_note.startswith("ACME terminates")
    make_effective(change)
    assert "mailjet-us" not in slugs_for(sp_world.acme)


def test_objection_withdrawn_resolution_lets_the_change_apply(sp_world, acme_admin):
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    make_effective(change)
    assert "mailjet-us" not in slugs_for(sp_world.acme)
    change_resolve(
        actor=TEST_ACTOR,
        change=change,
        organisation=sp_world.acme,
        resolution="objection_withdrawn",
        note="Explained the SCC on the phone.",
    )
    assert "mailjet-us" in slugs_for(sp_world.acme)


def test_a_resolution_needs_an_open_objection_a_note_and_a_writer(sp_world, acme_admin, auditor):
    change = announced_addition([WEB])
    with pytest.raises(ValidationError, match="no open objection"):
        change_resolve(actor=TEST_ACTOR, change=change, organisation=sp_world.beta, resolution="termination", note="x")
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    with pytest.raises(ValidationError):
        change_resolve(actor=TEST_ACTOR, change=change, organisation=sp_world.acme, resolution="termination", note=" ")
    with pytest.raises(PermissionDenied):
        change_resolve(actor=auditor, change=change, organisation=sp_world.acme, resolution="termination", note="x")
    change_resolve(actor=TEST_ACTOR, change=change, organisation=sp_world.acme, resolution="termination", note="x")
    with pytest.raises(ValidationError, match="settled with the provider"):
        change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="again")


def test_withdrawing_an_effective_change_is_refused(sp_world, acme_admin):
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    make_effective(change)
    with pytest.raises(ValidationError, match="Only an announced change can be withdrawn"):
        change_resolve(actor=TEST_ACTOR, change=change, organisation=sp_world.acme, resolution="withdrawn", note="x")


# --- specific authorisation (DSV Art. 7, GDPR Art. 28(2)) -------------------------------------------


@pytest.fixture
def specific_beta(sp_world):
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=30)
    return sp_world.beta


def test_under_specific_authorisation_the_change_does_not_apply_until_consent(sp_world, specific_beta, beta_admin):
    """Effective for the general customers; for BETA only once it consents, even after the date."""
    change = make_effective(announced_addition([MAIL]))
    assert "mailjet-us" in slugs_for(sp_world.gamma)
    assert "mailjet-us" not in slugs_for(specific_beta)
    change_consent(actor=beta_admin, change=change, organisation=specific_beta, consent=True)
    assert "mailjet-us" in slugs_for(specific_beta)
    entry = AuditEntry.objects.get(action="subprocessor.change.consent")
    assert entry.organisation_id == specific_beta.pk and entry.after["consent"] == "given"


def test_a_refused_consent_keeps_the_change_away_and_is_an_open_objection(sp_world, specific_beta, beta_admin):
    change = announced_addition([MAIL])
    change_consent(actor=beta_admin, change=change, organisation=specific_beta, consent=False)
    from art28.subprocessors.selectors import open_objections

    assert [r.organisation.ref for r in open_objections()] == ["BETA"]
    make_effective(change)
    assert "mailjet-us" not in slugs_for(specific_beta)
    change_resolve(
        actor=TEST_ACTOR,
        change=change,
        organisation=specific_beta,
        resolution="objection_withdrawn",
        note="Consent received by letter.",
    )
    assert row(change, specific_beta).consent == ConsentStatus.GIVEN
    assert "mailjet-us" in slugs_for(specific_beta)


def test_consent_may_change_before_the_date_but_not_be_taken_back_after(sp_world, specific_beta, beta_admin):
    change = announced_addition([MAIL])
    change_consent(actor=beta_admin, change=change, organisation=specific_beta, consent=True)
    change_consent(actor=beta_admin, change=change, organisation=specific_beta, consent=False)
    change_consent(actor=beta_admin, change=change, organisation=specific_beta, consent=True)
    past_effective_date(change)
    with pytest.raises(ValidationError, match="Your consent applies since"):
        change_consent(actor=beta_admin, change=change, organisation=specific_beta, consent=False)


def test_specific_customers_refuse_instead_of_objecting_and_general_ones_need_no_consent(
    sp_world, specific_beta, beta_admin, gamma_admin
):
    change = announced_addition([MAIL])
    with pytest.raises(ValidationError, match="refuse your consent instead"):
        change_object(actor=beta_admin, change=change, organisation=specific_beta, reason="x")
    with pytest.raises(ValidationError, match="no consent is needed"):
        change_consent(actor=gamma_admin, change=change, organisation=sp_world.gamma, consent=True)


# --- replacement: the old sub-processor stays for customers kept on the old arrangement ---------------


def test_a_replacement_retires_the_old_one_only_when_every_customer_moved(sp_world, acme_admin):
    swiss = new_subprocessor("swissdesk", countries="CH", legal_name="Swiss Desk AG")
    draft = change_draft(
        actor=TEST_ACTOR, kind="replacement", subprocessor=swiss, replaces=sp_world.helpdesk, summary="Cheaper."
    )
    assert sorted(s.name for s in draft.services.all()) == [WEB]  # the replaced one's services by default
    change = change_announce(actor=TEST_ACTOR, change=draft)
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="We like the old desk.")
    make_effective(change)
    helpdesk = SubProcessor.objects.get(slug="helpdesk")
    assert helpdesk.in_use_until is None  # still in use for ACME
    assert slugs_for(sp_world.acme) == {"helpdesk"}
    assert slugs_for(sp_world.beta) == {"swissdesk"}
    change_resolve(
        actor=TEST_ACTOR, change=change, organisation=sp_world.acme, resolution="objection_withdrawn", note="OK now."
    )
    helpdesk.refresh_from_db()
    assert helpdesk.in_use_until is not None
    assert slugs_for(sp_world.acme) == {"swissdesk"}
    assert AuditEntry.objects.filter(action="subprocessor.retire", object_id=str(helpdesk.pk)).exists()


def test_draft_rules(sp_world):
    swiss = new_subprocessor("swissdesk", countries="CH")
    with pytest.raises(ValidationError, match="names the sub-processor it replaces"):
        change_draft(actor=TEST_ACTOR, kind="replacement", subprocessor=swiss, summary="x")
    with pytest.raises(ValidationError, match="nothing to remove"):
        change_draft(actor=TEST_ACTOR, kind="removal", subprocessor=swiss, summary="x")
    with pytest.raises(ValidationError, match="Name the services"):
        change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=swiss, summary="x")
    with pytest.raises(ValidationError, match="unknown service"):
        change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=swiss, summary="x", services=["Nope"])
    with pytest.raises(ValidationError, match="Say what changes"):
        change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=swiss, summary=" ", services=[WEB])
