"""The controller's documented instructions (GDPR Art. 28(3)(a), its second subparagraph, Art. 29; nFADP
Art. 9(1)); docs/duties.md.

Each instruction is recorded with where it came from (the DPA, the portal, a letter or e-mail), the day, and
the person who gave it. The DPO may flag one as infringing the law: the customer is told at once, through
the outbox, with the reason, and the instruction is held until the customer answers (withdraws it, or
maintains it with its reasons) and the DPO decides. A legal requirement to process (a court order, an
authority's request) is recorded and the customer informed before processing, unless that law forbids it:
then the ground is recorded instead, and the customer sees nothing of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from art28.core.access import LEGAL_WRITERS, STAFF_WRITING
from art28.core.audit import Actor, SystemActor, actor_label, audit_record
from art28.core.dpo import dpo_profile
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.duties.models import Instruction, LegalRequirement
from art28.duties.references import next_reference
from art28.notify.services import Draft, messages_create

INSTRUCTION_RECORDERS = STAFF_WRITING  # whoever receives an instruction by mail records it
INSTRUCTION_DECIDERS = LEGAL_WRITERS  # whether it infringes the law: the DPO, administrators
TOPIC_FLAG = "duties.instruction-flag"
TOPIC_REQUIREMENT = "duties.legal-requirement"


def _role_in(actor: Actor, roles: frozenset[str], what: str) -> None:
    if not isinstance(actor, SystemActor) and actor.role not in roles:
        raise PermissionDenied(what)


def _audit(actor: Actor, action: str, obj: Instruction | LegalRequirement, after: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, obj=obj, object_repr=obj.reference, organisation_id=obj.customer_id,
                 after={"reference": obj.reference, **after})  # fmt: skip


def _notice(customer: Organisation, template: str, context: dict[str, Any], payload: dict[str, Any]) -> Draft:
    language = customer.language or "en"
    context = context | {
        "customer": customer,
        "provider_name": settings.ART28_PROVIDER_NAME,
        "portal_url": settings.ART28_BASE_URL.rstrip("/") + reverse("portal:instructions"),
        "dpo_email": dpo_profile().email,
    }
    with translation.override(language):
        subject = render_to_string(f"duties/notice/{template}_subject.txt", context)
        body = render_to_string(f"duties/notice/{template}_body.txt", context)
    return Draft(organisation=customer, subject=" ".join(subject.split())[:300], language=language, payload=payload,
                 body_text="\n".join(line.rstrip() for line in body.strip().splitlines()) + "\n")  # fmt: skip


def instruction_record(
    *, actor: Actor, customer: Organisation, text: str, source: str, given_on: dt.date, given_by: str
) -> Instruction:
    """Record an instruction: a customer administrator in the portal, or staff from the DPA or a letter."""
    if isinstance(actor, User) and actor.is_customer:
        if actor.organisation_id != customer.pk or actor.role != Role.CUSTOMER_ADMIN:
            raise PermissionDenied("Only an administrator of the customer gives instructions.")
        source, given_by = Instruction.Source.PORTAL, actor.name or actor.email
    else:
        _role_in(actor, INSTRUCTION_RECORDERS, "Your role cannot record instructions.")
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Write the instruction."
    if source not in Instruction.Source.values:
        errors["source"] = f"{source!r} is not one of: {', '.join(Instruction.Source.values)}."
    if not given_by.strip():
        errors["given_by"] = "Name the person at the customer who gave it."
    if given_on > timezone.localdate():
        errors["given_on"] = "Not a day in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        instruction = Instruction.objects.create(
            reference=next_reference(Instruction, "INS", given_on.year), customer=customer, source=source,
            given_on=given_on, given_by=given_by.strip()[:200], recorded_by_label=actor_label(actor)[:200],
            text=text.strip(),
        )  # fmt: skip
        _audit(actor, "duties.instruction_record", instruction,
               {"customer": customer.ref, "source": source, "given_on": given_on})  # fmt: skip
    return instruction


def _locked(instruction: Instruction) -> Instruction:
    return Instruction.objects.select_for_update().get(pk=instruction.pk)


def instruction_flag(*, actor: Actor, instruction: Instruction, reason: str) -> Instruction:
    """Art. 28(3) second subparagraph: "the processor shall immediately inform the controller if, in its
    opinion, an instruction infringes this Regulation or other Union or Member State data protection
    provisions". The instruction is held until answered; the customer is told now, with the reason."""
    _role_in(actor, INSTRUCTION_DECIDERS, "Only the DPO or an administrator flags an instruction.")
    if not reason.strip():
        raise ValidationError({"reason": "Say which provision it would infringe and why."})
    with transaction.atomic():
        instruction = _locked(instruction)
        if instruction.status != Instruction.Status.IN_FORCE:
            raise ValidationError({"reason": f"{instruction.reference} is {instruction.get_status_display()}."})
        instruction.status, instruction.flagged_at = Instruction.Status.HELD, timezone.now()
        instruction.flag_reason, instruction.answer, instruction.answered_at = reason.strip(), "", None
        instruction.save()
        draft = _notice(instruction.customer, "instruction_flag", {"instruction": instruction},
                        {"type": "art28/instruction-flag", "reference": instruction.reference})  # fmt: skip
        messages_create(topic=TOPIC_FLAG, drafts=[draft], source_type="duties.instruction", source_id=instruction.pk)
        _audit(actor, "duties.instruction_flag", instruction, {"reason": instruction.flag_reason})
    return instruction


def instruction_answer(*, actor: Actor, instruction: Instruction, withdraw: bool, answer: str) -> Instruction:
    """The customer withdraws the held instruction, or maintains it with its reasons (the DPO then decides)."""
    if isinstance(actor, SystemActor) or not (
        actor.is_customer and actor.organisation_id == instruction.customer_id and actor.role == Role.CUSTOMER_ADMIN
    ):
        raise PermissionDenied("Only an administrator of the customer answers.")
    if not withdraw and not answer.strip():
        raise ValidationError({"answer": "Say why the instruction is lawful, or withdraw it."})
    with transaction.atomic():
        instruction = _locked(instruction)
        if instruction.status != Instruction.Status.HELD or instruction.answered_at is not None:
            raise ValidationError({"answer": f"{instruction.reference} is not waiting for your answer."})
        instruction.answer, instruction.answered_at = answer.strip(), timezone.now()
        if withdraw:
            instruction.status, instruction.decided_at = Instruction.Status.WITHDRAWN, instruction.answered_at
        instruction.save()
        _audit(actor, "duties.instruction_answer", instruction, {"withdrawn": withdraw})
    return instruction


def instruction_decide(*, actor: Actor, instruction: Instruction, follow: bool) -> Instruction:
    """After the customer maintained it: the DPO puts it back in force (the answer showed it lawful) or
    refuses it (a processor never carries out an instruction that infringes the law)."""
    _role_in(actor, INSTRUCTION_DECIDERS, "Only the DPO or an administrator decides.")
    with transaction.atomic():
        instruction = _locked(instruction)
        if instruction.status != Instruction.Status.HELD or instruction.answered_at is None:
            raise ValidationError({"status": f"{instruction.reference} is not waiting for a decision."})
        instruction.status = Instruction.Status.IN_FORCE if follow else Instruction.Status.REFUSED
        instruction.decided_at = timezone.now()
        instruction.save()
        _audit(actor, "duties.instruction_decide", instruction, {"status": instruction.status})
    return instruction


def legal_requirement_record(
    *, actor: Actor, customer: Organisation, received_on: dt.date, authority: str, authority_reference: str,
    description: str, inform: bool, ground: str = "",
) -> LegalRequirement:  # fmt: skip
    """Art. 28(3)(a): processing required by law is done only after the controller is informed of the
    requirement, "unless that law prohibits such information on important grounds of public interest": then
    the ground is recorded, and nothing of it reaches the customer."""
    _role_in(actor, INSTRUCTION_DECIDERS, "Only the DPO or an administrator records a legal requirement.")
    errors: dict[str, str] = {}
    if not authority.strip():
        errors["authority"] = "Name the court or authority."
    if not description.strip():
        errors["description"] = "Say what it requires."
    if received_on > timezone.localdate():
        errors["received_on"] = "Not a day in the future."
    if not inform and not ground.strip():
        errors["ground"] = "Without informing the customer, name the provision that forbids it."
    if inform and ground.strip():
        errors["ground"] = "A customer who is informed needs no ground for not informing it."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        requirement = LegalRequirement.objects.create(
            reference=next_reference(LegalRequirement, "LRQ", received_on.year), customer=customer,
            received_on=received_on, authority=authority.strip()[:200],
            authority_reference=authority_reference.strip()[:200], description=description.strip(),
            recorded_by_label=actor_label(actor)[:200], informed_at=timezone.now() if inform else None,
            not_informed_ground="" if inform else ground.strip()[:300],
        )  # fmt: skip
        if inform:
            draft = _notice(customer, "legal_requirement", {"requirement": requirement},
                            {"type": "art28/legal-requirement", "reference": requirement.reference})  # fmt: skip
            messages_create(topic=TOPIC_REQUIREMENT, drafts=[draft], source_type="duties.legalrequirement",
                            source_id=requirement.pk)  # fmt: skip
        _audit(actor, "duties.legal_requirement_record", requirement, {"informed": inform})
    return requirement
