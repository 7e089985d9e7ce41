"""The end-of-contract API (GDPR Art. 28(3)(g); docs/duties.md): staff see every case; a customer user sees
its own organisation's under ``/my/`` (another's id answers 404, like one that does not exist), and its
administrators may ask for return or deletion."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from art28.core.api import api_organisation, api_user, call_service, require_staff
from art28.core.roles import Role
from art28.core.translated import localized
from art28.duties.audits import controller_audit_request
from art28.duties.dpia_pdf import dpia_pack_response
from art28.duties.dpia_selectors import (
    dpia_downloads_all,
    dpia_service_for_organisation,
    dpia_services_for_organisation,
)
from art28.duties.dpia_services import dpia_pack_download
from art28.duties.instructions import instruction_record
from art28.duties.models import ControllerAudit, DeletionItem, DpiaPackDownload, EndOfContract, Instruction
from art28.duties.selectors import (
    audit_for_organisation,
    audits_all,
    audits_for_organisation,
    case_for_organisation,
    case_progress,
    cases_all,
    cases_for_organisation,
    instructions_all,
    instructions_for_organisation,
    legal_requirements_for_organisation,
)
from art28.duties.services import end_of_contract_request
from art28.duties.views import certificate_response
from art28.inventory.models import Service
from art28.inventory.selectors import organisation_service_ids

router = Router(tags=["duties"])


class ItemOut(Schema):
    kind: str
    where: str
    site: str | None
    country: str | None
    flow: str | None
    copy_of: str | None
    gone_on: dt.date
    method: str
    state: str
    deleted_on: dt.date | None
    legal_ground: str | None
    kept_until: dt.date | None


class CaseOut(Schema):
    id: UUID
    reference: str
    customer: str
    choice: str
    status: str
    services: list[str]
    contract_ends_on: dt.date
    return_by: dt.date | None
    returned_on: dt.date | None
    deletion_from: dt.date
    requested_at: dt.datetime
    places: int
    done: int
    certified_at: dt.datetime | None
    items: list[ItemOut] | None = None


class CaseIn(Schema):
    choice: str
    contract_ends_on: dt.date
    services: list[str] = []


def _item_out(item: DeletionItem) -> ItemOut:
    return ItemOut(
        kind=item.kind, where=item.where, site=item.site_label or None, country=item.country or None,
        flow=item.flow_kind or None, copy_of=item.origin or None, gone_on=item.gone_on, method=item.method,
        state=item.state, deleted_on=item.deleted_on, legal_ground=item.retained_ground or None,
        kept_until=item.retained_until,
    )  # fmt: skip


def _case_out(case: EndOfContract, *, items: bool = False) -> CaseOut:
    progress = case_progress(case)
    return CaseOut(
        id=case.public_id, reference=case.reference, customer=case.customer.ref, choice=case.choice,
        status=case.status, services=sorted(s.name for s in case.services.all()),
        contract_ends_on=case.contract_ends_on, return_by=case.return_by, returned_on=case.returned_on,
        deletion_from=case.deletion_from, requested_at=case.requested_at, places=progress.total,
        done=progress.done, certified_at=case.completed_at,
        items=[_item_out(i) for i in case.items.all()] if items else None,
    )  # fmt: skip


@router.get("/end-of-contract", response=list[CaseOut], summary="Every end-of-contract case (staff)")
def end_of_contract_cases(request: HttpRequest) -> list[CaseOut]:
    require_staff(request, "every customer's end of contract")
    return [_case_out(case) for case in cases_all()[:1000]]


@router.get("/my/end-of-contract", response=list[CaseOut], summary="My organisation's end-of-contract cases")
def my_end_of_contract_cases(request: HttpRequest) -> list[CaseOut]:
    return [_case_out(case) for case in cases_for_organisation(api_organisation(request))]


@router.post("/my/end-of-contract", response={201: CaseOut}, summary="Ask for return or deletion of our data")
def my_end_of_contract_request(request: HttpRequest, payload: CaseIn) -> Status[CaseOut]:
    """Customer administrators only. ``services``: names of services the organisation uses; empty = the
    whole contract."""
    organisation = api_organisation(request)
    user = api_user(request)
    if user.role != Role.CUSTOMER_ADMIN:
        raise HttpError(403, "only a customer administrator may ask for return or deletion")
    used = {s.name: s for s in Service.objects.filter(pk__in=organisation_service_ids(organisation))}
    unknown = [name for name in payload.services if name not in used]
    if unknown:
        raise HttpError(422, f"services: not a service your data is on: {', '.join(unknown)}")
    case = call_service(
        end_of_contract_request, actor=user, customer=organisation, choice=payload.choice,
        contract_ends_on=payload.contract_ends_on, services=[used[n] for n in payload.services], received_via="api",
    )  # fmt: skip
    return Status(201, _case_out(case, items=True))


@router.get("/my/end-of-contract/{public_id}", response=CaseOut, summary="One case, with every place of our data")
def my_end_of_contract_case(request: HttpRequest, public_id: UUID) -> CaseOut:
    return _case_out(case_for_organisation(api_organisation(request), public_id), items=True)


@router.get(
    "/my/end-of-contract/{public_id}/certificate",
    summary="The signed deletion certificate (JSON, exactly as issued)",
    openapi_extra={"responses": {200: {"description": "The signed document", "content": {"application/json": {}}}}},
)
def my_deletion_certificate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = case_for_organisation(api_organisation(request), public_id)
    if not case.certificate:
        raise HttpError(404, "no certificate yet: the deletion is not complete")
    return certificate_response(case)


# --- audits (Art. 28(3)(h)) and instructions (Art. 28(3)(a)) -------------------------------------------


class RemediationOut(Schema):
    description: str
    due_on: dt.date
    done_on: dt.date | None


class AuditOut(Schema):
    id: UUID
    reference: str
    customer: str
    status: str
    scope: str
    proposed_from: dt.date
    proposed_to: dt.date
    auditor: str
    answer_due_on: dt.date
    agreed_from: dt.date | None
    agreed_to: dt.date | None
    provider_answer: str
    report_received_on: dt.date | None
    remediations: list[RemediationOut]


class AuditIn(Schema):
    scope: str
    proposed_from: dt.date
    proposed_to: dt.date
    auditor: str
    confidentiality: str


def _audit_out(audit: ControllerAudit) -> AuditOut:
    return AuditOut(
        id=audit.public_id, reference=audit.reference, customer=audit.customer.ref, status=audit.status,
        scope=audit.scope, proposed_from=audit.proposed_from, proposed_to=audit.proposed_to, auditor=audit.auditor,
        answer_due_on=audit.answer_due_on, agreed_from=audit.agreed_from, agreed_to=audit.agreed_to,
        provider_answer=audit.staff_note, report_received_on=audit.report_received_on,
        remediations=[RemediationOut(description=r.description, due_on=r.due_on, done_on=r.done_on)
                      for r in audit.remediations.all()],
    )  # fmt: skip


@router.get("/audits", response=list[AuditOut], summary="Every customer's audit request (staff)")
def audit_requests(request: HttpRequest) -> list[AuditOut]:
    require_staff(request, "every customer's audits")
    return [_audit_out(a) for a in audits_all()[:1000]]


@router.get("/my/audits", response=list[AuditOut], summary="My organisation's audit requests")
def my_audits(request: HttpRequest) -> list[AuditOut]:
    return [_audit_out(a) for a in audits_for_organisation(api_organisation(request))]


@router.get("/my/audits/{public_id}", response=AuditOut, summary="One of my organisation's audit requests")
def my_audit(request: HttpRequest, public_id: UUID) -> AuditOut:
    return _audit_out(audit_for_organisation(api_organisation(request), public_id))


@router.post("/my/audits", response={201: AuditOut}, summary="Ask for an audit or an inspection")
def my_audit_request(request: HttpRequest, payload: AuditIn) -> Status[AuditOut]:
    """Customer administrators only; at least ART28_AUDIT_NOTICE_DAYS' notice."""
    organisation = api_organisation(request)
    audit = call_service(controller_audit_request, actor=api_user(request), customer=organisation, **payload.dict())
    return Status(201, _audit_out(audit))


class InstructionOut(Schema):
    id: UUID
    reference: str
    customer: str
    source: str
    given_on: dt.date
    given_by: str
    text: str
    status: str
    flag_reason: str


class InstructionIn(Schema):
    text: str
    given_on: dt.date


class LegalRequirementOut(Schema):
    reference: str
    received_on: dt.date
    authority: str
    authority_reference: str
    description: str


class MyInstructionsOut(Schema):
    instructions: list[InstructionOut]
    legal_requirements: list[LegalRequirementOut]


def _instruction_out(i: Instruction) -> InstructionOut:
    return InstructionOut(id=i.public_id, reference=i.reference, customer=i.customer.ref, source=i.source,
                          given_on=i.given_on, given_by=i.given_by, text=i.text, status=i.status,
                          flag_reason=i.flag_reason)  # fmt: skip


@router.get("/instructions", response=list[InstructionOut], summary="Every customer's instructions (staff)")
def instructions(request: HttpRequest) -> list[InstructionOut]:
    require_staff(request, "every customer's instructions")
    return [_instruction_out(i) for i in instructions_all()[:1000]]


@router.get("/my/instructions", response=MyInstructionsOut, summary="My organisation's instructions")
def my_instructions(request: HttpRequest) -> MyInstructionsOut:
    """With the legal requirements to process the organisation was informed of (Art. 28(3)(a))."""
    organisation = api_organisation(request)
    return MyInstructionsOut(
        instructions=[_instruction_out(i) for i in instructions_for_organisation(organisation)],
        legal_requirements=[
            LegalRequirementOut(reference=r.reference, received_on=r.received_on, authority=r.authority,
                                authority_reference=r.authority_reference, description=r.description)
            for r in legal_requirements_for_organisation(organisation)
        ],
    )  # fmt: skip


@router.post("/my/instructions", response={201: InstructionOut}, summary="Give a documented instruction")
def my_instruction_give(request: HttpRequest, payload: InstructionIn) -> Status[InstructionOut]:
    """Customer administrators only."""
    user = api_user(request)
    instruction = call_service(instruction_record, actor=user, customer=api_organisation(request), text=payload.text,
                               source="portal", given_on=payload.given_on, given_by=user.email)  # fmt: skip
    return Status(201, _instruction_out(instruction))


# ----------------------------------------------------------------------------------------------------
# DPIA assistance (GDPR Art. 28(3)(f) with Arts. 35-36; nFADP Arts. 22-23; docs/dpia.md)


class DpiaVersionOut(Schema):
    version: int
    sha256: str
    language: str
    generated_at: dt.datetime


class DpiaServiceOut(Schema):
    service_id: int
    service: str  # the service's name in the customer's language
    service_key: str  # its English name, the key of imports and the register
    latest: DpiaVersionOut | None


class DpiaDownloadOut(Schema):
    customer: str
    service: str
    version: int
    sha256: str
    format: str
    user: str
    at: dt.datetime


@router.get("/my/dpia", response=list[DpiaServiceOut], summary="The services holding our data and their DPIA pack")
def my_dpia_packs(request: HttpRequest) -> list[DpiaServiceOut]:
    organisation = api_organisation(request)
    language = organisation.language or "en"
    rows = []
    for service, pack in dpia_services_for_organisation(organisation):
        latest = None
        if pack is not None:
            latest = DpiaVersionOut(
                version=pack.version, sha256=pack.sha256, language=pack.language, generated_at=pack.generated_at
            )
        name = localized(service, "name", language).text
        rows.append(DpiaServiceOut(service_id=service.pk, service=name, service_key=service.name, latest=latest))
    return rows


@router.get(
    "/my/dpia/{service_id}",
    summary="Our DPIA support pack for one service (JSON, the stored version); the download is recorded",
    openapi_extra={"responses": {200: {"description": "The pack", "content": {"application/json": {}}}}},
)
def my_dpia_pack(request: HttpRequest, service_id: int) -> HttpResponse:
    """Generated from the provider's records in the organisation's language; the same version as long as
    the facts are unchanged. A service holding none of our data answers 404."""
    organisation = api_organisation(request)
    service = dpia_service_for_organisation(organisation, service_id)
    pack = call_service(dpia_pack_download, actor=api_user(request), organisation=organisation, service=service,
                        format=DpiaPackDownload.Format.JSON)  # fmt: skip
    return dpia_pack_response(pack, "json")


@router.get("/dpia/downloads", response=list[DpiaDownloadOut], summary="Every download of a DPIA pack (staff)")
def dpia_downloads(request: HttpRequest) -> list[DpiaDownloadOut]:
    require_staff(request, "the DPIA packs' downloads")
    return [
        DpiaDownloadOut(
            customer=d.pack.customer.ref,
            service=d.pack.service.name,
            version=d.pack.version,
            sha256=d.pack.sha256,
            format=d.format,
            user=d.user_label,
            at=d.at,
        )
        for d in dpia_downloads_all()[:1000]
    ]
