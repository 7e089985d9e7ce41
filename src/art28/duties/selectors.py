"""Reads of the end-of-contract duty. Customer-facing selectors take the organisation and cannot return
another organisation's cases (another's id is a 404, exactly like one that does not exist)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from art28.core.models import Organisation
from art28.duties.models import ControllerAudit, DeletionItem, EndOfContract, Instruction, LegalRequirement


def cases_all() -> QuerySet[EndOfContract]:
    return EndOfContract.objects.select_related("customer").prefetch_related("items", "services")


def case_by_reference(reference: str) -> EndOfContract:
    try:
        return cases_all().get(reference=reference)
    except EndOfContract.DoesNotExist:
        raise Http404("no such end of contract") from None


def cases_for_organisation(organisation: Organisation) -> QuerySet[EndOfContract]:
    return cases_all().filter(customer=organisation)


def case_for_organisation(organisation: Organisation, public_id: UUID | str) -> EndOfContract:
    try:
        return cases_for_organisation(organisation).get(public_id=public_id)
    except (EndOfContract.DoesNotExist, ValueError, TypeError):
        raise Http404("no such end of contract") from None


@dataclass(frozen=True)
class Progress:
    """How far a case is: items by state, and the share done (deleted, kept, or expiring by rotation)."""

    total: int
    by_state: dict[str, int]

    @property
    def done(self) -> int:
        return self.total - self.by_state.get("pending", 0)

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


def case_progress(case: EndOfContract) -> Progress:
    items: list[DeletionItem] = list(case.items.all())
    return Progress(total=len(items), by_state=dict(Counter(item.state for item in items)))


def audits_all() -> QuerySet[ControllerAudit]:
    return ControllerAudit.objects.select_related("customer").prefetch_related("remediations")


def audit_by_reference(reference: str) -> ControllerAudit:
    try:
        return audits_all().get(reference=reference)
    except ControllerAudit.DoesNotExist:
        raise Http404("no such audit") from None


def audits_for_organisation(organisation: Organisation) -> QuerySet[ControllerAudit]:
    return audits_all().filter(customer=organisation)


def audit_for_organisation(organisation: Organisation, public_id: UUID | str) -> ControllerAudit:
    try:
        return audits_for_organisation(organisation).get(public_id=public_id)
    except (ControllerAudit.DoesNotExist, ValueError, TypeError):
        raise Http404("no such audit") from None


def instructions_all() -> QuerySet[Instruction]:
    return Instruction.objects.select_related("customer")


def instruction_by_reference(reference: str) -> Instruction:
    try:
        return instructions_all().get(reference=reference)
    except Instruction.DoesNotExist:
        raise Http404("no such instruction") from None


def instructions_for_organisation(organisation: Organisation) -> QuerySet[Instruction]:
    return instructions_all().filter(customer=organisation)


def instruction_for_organisation(organisation: Organisation, public_id: UUID | str) -> Instruction:
    try:
        return instructions_for_organisation(organisation).get(public_id=public_id)
    except (Instruction.DoesNotExist, ValueError, TypeError):
        raise Http404("no such instruction") from None


def legal_requirements_all() -> QuerySet[LegalRequirement]:
    return LegalRequirement.objects.select_related("customer")


def legal_requirements_for_organisation(organisation: Organisation) -> QuerySet[LegalRequirement]:
    """Only those the customer was informed of: a requirement whose law forbids telling it stays unseen."""
    return legal_requirements_all().filter(customer=organisation, informed_at__isnull=False)


@dataclass(frozen=True)
class DutiesAttention:
    """What the staff dashboard shows of the processor's duties."""

    audits_open: list[ControllerAudit]
    instructions_held: list[Instruction]
    ends_under_way: list[EndOfContract]

    @property
    def any(self) -> bool:
        return bool(self.audits_open or self.instructions_held or self.ends_under_way)


def duties_attention() -> DutiesAttention:
    return DutiesAttention(
        audits_open=list(audits_all().exclude(status=ControllerAudit.Status.CLOSED).order_by("answer_due_on")[:20]),
        instructions_held=list(instructions_all().filter(status=Instruction.Status.HELD)[:20]),
        ends_under_way=list(
            EndOfContract.objects.select_related("customer").exclude(status=EndOfContract.Status.COMPLETE)[:20]
        ),
    )


def instructions_awaiting_answer(organisation: Organisation) -> QuerySet[Instruction]:
    """The customer's instructions held as infringing the law, not yet answered (Art. 28(3) second subpara.)."""
    return Instruction.objects.filter(customer=organisation, status=Instruction.Status.HELD, answered_at__isnull=True)


def audit_offers_awaiting_answer(organisation: Organisation) -> QuerySet[ControllerAudit]:
    """The customer's audit requests the provider answered with an offer of evidence instead (Art. 28(3)(h))."""
    return ControllerAudit.objects.filter(customer=organisation, status=ControllerAudit.Status.EVIDENCE_OFFERED)
