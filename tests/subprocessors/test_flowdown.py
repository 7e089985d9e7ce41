"""Flow-down agreements (GDPR Art. 28(4), nFADP Art. 9(3)): each sub-processor is bound by contract to the same
data protection obligations, every duty of Art. 28(3)(a)-(h); the signed document is kept with a SHA-256 art28
computes; a sub-processor without a complete agreement in place cannot be announced."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from art28.core.audit import verify_chain
from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.notify.models import Message
from art28.subprocessors.changes import change_announce, change_draft
from art28.subprocessors.flowdown import flowdown_agreement_record, parse_clauses
from art28.subprocessors.models import ChangeStatus, FlowDownAgreement, FlowDownClause
from art28.subprocessors.selectors import agreements_in_place
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import MAIL, agreement_for, new_subprocessor

pytestmark = pytest.mark.django_db
EVERY_DUTY_BUT_SECURITY_AND_AUDITS = [
    code for code in FlowDownClause.values if code not in (FlowDownClause.SECURITY, FlowDownClause.AUDITS)
]


def draft_addition(sp, services=(MAIL,)):
    return change_draft(
        actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary="Better delivery.", services=services
    )


def assert_nothing_announced(change) -> None:
    change.refresh_from_db()
    assert change.status == ChangeStatus.DRAFT and not change.recipients.exists()
    assert Message.objects.count() == 0
    assert not AuditEntry.objects.filter(action="subprocessor.change.announce").exists()


# --- the rule: no announcement without a complete agreement in place ------------------------------------------


def test_art28_4_an_addition_of_a_sub_processor_without_an_agreement_cannot_be_announced(sp_world):
    change = draft_addition(new_subprocessor(agreement=False))
    with pytest.raises(ValidationError) as refused:
        change_announce(actor=TEST_ACTOR, change=change)
    message = refused.value.message_dict["subprocessor"][0]
    assert "Deliverability Inc. has no flow-down agreement in effect" in message
    assert "GDPR Art. 28(4)" in message and "nFADP Art. 9(3)" in message
    assert_nothing_announced(change)


def test_art28_4_an_incomplete_agreement_does_not_count_and_the_refusal_names_the_missing_duties(sp_world):
    """Art. 28(4) asks for "the same" obligations: one that leaves out Art. 28(3)(c) and (h) is not enough."""
    sp = new_subprocessor(agreement=False)
    agreement_for(sp, clauses=EVERY_DUTY_BUT_SECURITY_AND_AUDITS, signed_on=dt.date(2025, 3, 1))
    change = draft_addition(sp)
    with pytest.raises(ValidationError) as refused:
        change_announce(actor=TEST_ACTOR, change=change)
    message = refused.value.message_dict["subprocessor"][0]
    assert "The flow-down agreement of Deliverability Inc. signed on 2025-03-01" in message
    assert "missing: (c) the security measures of Art. 32; (h) information and audits." in message
    assert "(a) processing" not in message
    assert_nothing_announced(change)


def test_art28_4_with_a_complete_agreement_in_place_the_addition_is_announced(sp_world):
    sp = new_subprocessor(agreement=False)
    agreement_for(sp)
    change = change_announce(actor=TEST_ACTOR, change=draft_addition(sp))
    assert change.status == ChangeStatus.ANNOUNCED
    assert set(change.recipients.values_list("organisation__ref", flat=True)) == {"BETA", "GAMMA"}


def test_the_agreement_is_asked_of_the_sub_processor_brought_in_only(sp_world):
    """A replacement brings in the new one: its agreement is asked for, not the replaced one's; a removal
    brings nobody in and needs none."""
    sp_world.helpdesk.flowdown_agreements.all().delete()  # the one being replaced or removed has none
    unbound = new_subprocessor("newdesk", countries="CH", agreement=False)
    replacement = change_draft(
        actor=TEST_ACTOR, kind="replacement", subprocessor=unbound, replaces=sp_world.helpdesk, summary="Cheaper."
    )
    with pytest.raises(ValidationError, match=r"Deliverability Inc\. has no flow-down agreement"):
        change_announce(actor=TEST_ACTOR, change=replacement)
    agreement_for(unbound)
    assert change_announce(actor=TEST_ACTOR, change=replacement).status == ChangeStatus.ANNOUNCED
    removal = change_draft(actor=TEST_ACTOR, kind="removal", subprocessor=sp_world.helpdesk, summary="Ending it.")
    assert change_announce(actor=TEST_ACTOR, change=removal).status == ChangeStatus.ANNOUNCED


def test_a_later_incomplete_agreement_supersedes_an_earlier_complete_one(sp_world):
    """The agreement in effect is the latest signed: a new, narrower contract is what binds the sub-processor."""
    sp = new_subprocessor()  # complete, signed 2024-01-01
    agreement_for(sp, clauses=EVERY_DUTY_BUT_SECURITY_AND_AUDITS, signed_on=dt.date(2025, 6, 1), content=b"v2")
    assert agreements_in_place([sp.pk]) == {}
    with pytest.raises(ValidationError, match="signed on 2025-06-01 does not cover"):
        change_announce(actor=TEST_ACTOR, change=draft_addition(sp))


def test_an_agreement_past_its_last_day_is_no_longer_in_effect(sp_world):
    sp = new_subprocessor(agreement=False)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    agreement_for(sp, signed_on=dt.date(2024, 1, 1), valid_until=yesterday)
    assert agreements_in_place([sp.pk]) == {}
    assert agreements_in_place([sp.pk], on=yesterday)[sp.pk].valid_until == yesterday  # its last day counts
    with pytest.raises(ValidationError, match="has no flow-down agreement in effect"):
        change_announce(actor=TEST_ACTOR, change=draft_addition(sp))


# --- recording one ---------------------------------------------------------------------------------------------


def test_the_sha256_is_computed_from_the_bytes_and_one_audit_entry_is_written(sp_world):
    sp = new_subprocessor(agreement=False)
    content = b"%PDF-1.7 the signed sub-processing agreement"
    start = AuditEntry.objects.count()
    agreement = flowdown_agreement_record(
        actor=TEST_ACTOR,
        subprocessor=sp,
        signed_on=dt.date(2025, 2, 3),
        file_name="C:\\contracts\\deliverability-dpa.pdf",
        content=content,
        clauses=["h", "(a)", "security", "b", "d", "e", "f", "g"],
    )
    agreement.refresh_from_db()
    assert agreement.sha256 == hashlib.sha256(content).hexdigest()
    assert bytes(agreement.document) == content and agreement.size == len(content)
    assert agreement.file_name == "deliverability-dpa.pdf" and agreement.content_type == "application/pdf"
    assert agreement.clause_list == FlowDownClause.values and agreement.complete
    assert agreement.recorded_by_label == "pytest"
    [entry] = AuditEntry.objects.order_by("seq")[start:]
    assert entry.action == "subprocessor.flowdown.record"
    assert entry.object_repr == "flow-down agreement of mailjet-us signed on 2025-02-03"
    assert entry.after["sha256"] == agreement.sha256 and entry.after["signed_on"] == "2025-02-03"
    assert entry.after["clauses"] == FlowDownClause.values and entry.after["complete"] is True
    assert "the signed sub-processing agreement" not in str(entry.after)  # the hash, never the bytes
    assert verify_chain().ok


def test_an_incomplete_agreement_is_recorded_and_kept_as_such(sp_world):
    sp = new_subprocessor(agreement=False)
    agreement = agreement_for(sp, clauses=EVERY_DUTY_BUT_SECURITY_AND_AUDITS)
    assert not agreement.complete and agreement.missing_clauses == ["security", "audits"]
    entry = AuditEntry.objects.get(action="subprocessor.flowdown.record", object_id=str(agreement.pk))
    assert entry.after["complete"] is False and entry.after["missing"] == ["security", "audits"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"signed_on": "tomorrow"}, "signed_on", "is in the future"),
        ({"content": b""}, "file", "The file is empty"),
        ({"clauses": ["a", "z", "privacy"]}, "clauses", "unknown duty 'z', 'privacy'"),
        ({"clauses": []}, "clauses", "Say which duties of GDPR Art. 28(3)(a)-(h)"),
        ({"valid_until": dt.date(2023, 12, 31)}, "valid_until", "cannot end before the day it was signed"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(sp_world, changes, field, message):
    sp = new_subprocessor(agreement=False)
    arguments = {
        "signed_on": dt.date(2024, 1, 1),
        "file_name": "dpa.pdf",
        "content": b"%PDF-1.7 dpa",
        "clauses": FlowDownClause.values,
    } | changes
    if arguments["signed_on"] == "tomorrow":
        arguments["signed_on"] = timezone.localdate() + dt.timedelta(days=1)
    start = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        flowdown_agreement_record(actor=TEST_ACTOR, subprocessor=sp, **arguments)
    assert message in " ".join(refused.value.message_dict[field])
    assert not FlowDownAgreement.objects.filter(subprocessor=sp).exists()
    assert AuditEntry.objects.count() == start


def test_the_same_file_twice_for_one_sub_processor_is_refused(sp_world):
    sp = new_subprocessor(agreement=False)
    agreement_for(sp, content=b"%PDF-1.7 the one")
    with pytest.raises(ValidationError, match="This very file is recorded already"):
        agreement_for(sp, content=b"%PDF-1.7 the one", signed_on=dt.date(2024, 2, 1))
    assert FlowDownAgreement.objects.filter(subprocessor=sp).count() == 1


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR, Role.SECURITY])
def test_only_the_dpo_and_administrators_record_one(sp_world, make_user, role):
    sp = new_subprocessor(agreement=False)
    with pytest.raises(PermissionDenied):
        flowdown_agreement_record(
            actor=make_user(f"{role}@provider.example", role),
            subprocessor=sp,
            signed_on=dt.date(2024, 1, 1),
            file_name="dpa.pdf",
            content=b"x",
            clauses=FlowDownClause.values,
        )
    assert not FlowDownAgreement.objects.filter(subprocessor=sp).exists()


def test_duties_are_named_by_letter_or_code_and_kept_in_the_articles_order():
    assert parse_clauses("h, (a),security;b") == ["instructions", "confidentiality", "security", "audits"]
    assert parse_clauses(["A", "DATA-SUBJECT-RIGHTS"]) == ["instructions", "data-subject-rights"]
