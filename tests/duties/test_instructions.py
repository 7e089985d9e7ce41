"""Instructions (GDPR Art. 28(3)(a), second subparagraph; Art. 29; nFADP Art. 9(1)): recorded with source,
day and person; flagged as infringing → the customer told through the outbox and the instruction held until
answered; legal requirements informed before processing, or their gag ground recorded and nothing shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.duties.instructions import (
    instruction_answer,
    instruction_decide,
    instruction_flag,
    instruction_record,
    legal_requirement_record,
)
from art28.notify.models import Message
from tests.conftest import logged_in
from tests.duties.test_pages import api_client

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def given(actor, customer, text="Keep access logs for 90 days, then delete them."):
    return instruction_record(actor=actor, customer=customer, text=text, source="mail", given_on=today(),
                              given_by="Claire Dupont, DPO of Acme")  # fmt: skip


def test_an_instruction_from_the_portal_names_its_giver_and_source(world, acme_admin):
    client = logged_in(acme_admin)
    response = client.post("/portal/instructions/give", {"text": "Encrypt backups with our key.",
                                                         "given_on": today().isoformat()})  # fmt: skip
    assert response.status_code == 302
    instruction = world.acme.instructions.get()
    assert (instruction.source, instruction.given_by, instruction.status) == ("portal", acme_admin.email, "in_force")
    bad = client.post("/portal/instructions/give", {"text": " ", "given_on": today().isoformat()})
    assert bad.status_code == 400 and world.acme.instructions.count() == 1


def test_flagging_holds_the_instruction_and_tells_the_customer_why_in_its_language(world, operations, dpo):
    instruction = given(operations, world.acme)
    with pytest.raises(PermissionDenied):
        instruction_flag(actor=operations, instruction=instruction, reason="x")
    with pytest.raises(ValidationError):
        instruction_flag(actor=dpo, instruction=instruction, reason=" ")
    instruction_flag(actor=dpo, instruction=instruction,
                     reason="Keeping visitor logs of employees beyond their purpose: GDPR Art. 5(1)(e).")  # fmt: skip
    instruction.refresh_from_db()
    assert instruction.status == "held" and instruction.flagged_at is not None
    notice = Message.objects.get(topic="duties.instruction-flag")
    assert notice.organisation == world.acme and notice.language == "fr"
    assert "Art. 5(1)(e)" in notice.body_text and instruction.text in notice.body_text
    assert instruction.reference in notice.subject
    assert "/portal/instructions/" in notice.body_text


def test_the_customer_withdraws_or_maintains_and_the_dpo_decides(world, operations, dpo, acme_admin, acme_viewer):
    first, second = given(operations, world.acme), given(operations, world.acme, "Copy the data to our US office.")
    for instruction in (first, second):
        instruction_flag(actor=dpo, instruction=instruction, reason="A transfer without a safeguard (Art. 46).")
    with pytest.raises(PermissionDenied):
        instruction_answer(actor=acme_viewer, instruction=first, withdraw=True, answer="")
    instruction_answer(actor=acme_admin, instruction=first, withdraw=True, answer="")
    first.refresh_from_db()
    assert first.status == "withdrawn"
    with pytest.raises(ValidationError):  # maintaining needs reasons
        instruction_answer(actor=acme_admin, instruction=second, withdraw=False, answer="")
    with pytest.raises(ValidationError):  # the DPO decides only once the customer answered
        instruction_decide(actor=dpo, instruction=second, follow=False)
    instruction_answer(actor=acme_admin, instruction=second, withdraw=False, answer="SCCs signed on 1 Dec.")
    instruction_decide(actor=dpo, instruction=second, follow=True)
    second.refresh_from_db()
    assert second.status == "in_force"
    actions = list(AuditEntry.objects.filter(object_type="duties.instruction", object_id=str(second.pk))
                   .values_list("action", flat=True))  # fmt: skip
    assert actions == ["duties.instruction_record", "duties.instruction_flag", "duties.instruction_answer",
                       "duties.instruction_decide"]  # fmt: skip


def test_a_held_instruction_is_answered_in_the_portal(world, operations, dpo, acme_admin):
    instruction = given(operations, world.acme)
    instruction_flag(actor=dpo, instruction=instruction, reason="Art. 5(1)(e).")
    client = logged_in(acme_admin)
    page = client.get("/portal/instructions/").content.decode()
    assert "Art. 5(1)(e)." in page and "Withdraw the instruction" in page
    client.post(f"/portal/instructions/{instruction.public_id}/answer", {"decision": "withdraw", "answer": ""})
    instruction.refresh_from_db()
    assert instruction.status == "withdrawn"


def test_a_legal_requirement_is_told_before_processing_or_its_gag_ground_recorded(world, dpo, acme_admin):
    with pytest.raises(ValidationError) as bad:
        legal_requirement_record(actor=dpo, customer=world.acme, received_on=today(), authority="Ministère public",
                                 authority_reference="MP/2026/118", description="Hand over the mailbox of X.",
                                 inform=False)  # fmt: skip
    assert "ground" in bad.value.message_dict
    told = legal_requirement_record(actor=dpo, customer=world.acme, received_on=today(),
                                    authority="Tribunal civil de Genève", authority_reference="C/1234/2026",
                                    description="Preserve the logs of 1 March.", inform=True)  # fmt: skip
    gagged = legal_requirement_record(actor=dpo, customer=world.acme, received_on=today(),
                                      authority="Ministère public de la Confédération",
                                      authority_reference="SV.26.0042", description="Copy the mailbox of X.",
                                      inform=False,
                                      ground="StPO Art. 73(2): secrecy ordered by the prosecutor")  # fmt: skip
    assert told.informed_at is not None and gagged.informed_at is None
    [notice] = Message.objects.filter(topic="duties.legal-requirement")
    assert "Tribunal civil de Genève" in notice.body_text and "SV.26.0042" not in notice.body_text
    portal = logged_in(acme_admin).get("/portal/instructions/").content.decode()
    assert told.reference in portal and gagged.reference not in portal and "SV.26.0042" not in portal
    api = api_client(acme_admin).get("/api/v1/duties/my/instructions").json()
    assert [r["reference"] for r in api["legal_requirements"]] == [told.reference]


def test_another_customer_cannot_answer_or_see_an_instruction(world, operations, dpo, beta_admin):
    instruction = given(operations, world.acme)
    instruction_flag(actor=dpo, instruction=instruction, reason="Art. 5(1)(e).")
    beta = logged_in(beta_admin)
    assert (
        beta.post(f"/portal/instructions/{instruction.public_id}/answer", {"decision": "withdraw"}).status_code == 404
    )
    assert instruction.reference not in beta.get("/portal/instructions/").content.decode()
    with pytest.raises(PermissionDenied):
        instruction_answer(actor=beta_admin, instruction=instruction, withdraw=True, answer="")


def test_a_held_instruction_and_an_offer_of_evidence_wait_in_the_portals_attention_panel(world, operations, dpo,
                                                                                          acme_admin):  # fmt: skip
    from art28.duties.audits import controller_audit_offer_evidence, controller_audit_request
    from art28.portal.attention import attention_items

    instruction = given(operations, world.acme)
    instruction_flag(actor=dpo, instruction=instruction, reason="Art. 5(1)(e).")
    start = today() + dt.timedelta(days=40)
    audit = controller_audit_request(actor=acme_admin, customer=world.acme, scope="Backups", proposed_from=start,
                                     proposed_to=start, auditor="Audit AG", confidentiality="NDA")  # fmt: skip
    controller_audit_offer_evidence(actor=dpo, audit=audit, note="The evidence pack.")
    items = {item.kind: item for item in attention_items(world.acme)}
    assert {"instruction", "audit-offer"} <= set(items)
    held = items["instruction"]
    assert instruction.reference in held.what and not held.overdue(today() + dt.timedelta(days=30))  # no deadline
    assert items["audit-offer"].url == f"/portal/audits/{audit.public_id}/"
    assert not {"instruction", "audit-offer"} & {item.kind for item in attention_items(world.beta)}
    instruction_answer(actor=acme_admin, instruction=instruction, withdraw=True, answer="")
    assert "instruction" not in {item.kind for item in attention_items(world.acme)}
    page = logged_in(acme_admin).get("/portal/").content.decode()
    assert 'data-kind="audit-offer"' in page and 'data-kind="instruction"' not in page
