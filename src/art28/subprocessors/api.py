"""The sub-processor API (S4): the register, contracts and changes for staff; the changes announced to
the caller's organisation, with its objection or consent, for customers (under ``/my/``).

Every staff role reads; the DPO and administrators write (403 for others). Customers get 403 on the
staff endpoints; on ``/my/`` they see only their own organisation's rows: another organisation's change
answers 404, exactly like one that does not exist. A rule broken answers 422 with the service's message.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.errors import HttpError

from art28.core.api import api_organisation, api_user, call_service
from art28.core.glossary import GlossaryTexts
from art28.core.ids import MAX_ID, PathId
from art28.core.models import Organisation, User
from art28.subprocessors import schemas as s
from art28.subprocessors.changes import change_announce, change_discard, change_draft, change_update, change_withdraw
from art28.subprocessors.responses import change_consent, change_object, change_resolve
from art28.subprocessors.rules import agreement_states, today
from art28.subprocessors.selectors import (
    agreements_in_place,
    change_by_id,
    changes_for_organisation,
    changes_with_counts,
    contract_terms,
    customer_authorisations,
    flowdown_agreements_of,
    public_register,
    recipient_for_organisation,
    recipients_of,
    register_all,
    subprocessor_by_slug,
    subprocessors_for_organisation,
    terms_of,
)
from art28.subprocessors.services import (
    can_write,
    contract_set,
    subprocessor_create,
    subprocessor_delete,
    subprocessor_update,
)

router = Router(tags=["subprocessors"])
CONTRACTS_PAGE, MAX_CONTRACTS_PAGE = 100, 1000


_user = api_user


def _staff(request: HttpRequest, *, write: bool = False) -> User:
    user = _user(request)
    if not user.is_staff:
        raise HttpError(403, "the register and its changes are managed by the provider's staff; customers use /my/")
    if write and not can_write(user):
        raise HttpError(403, "only the provider's DPO or an administrator changes sub-processors")
    return user


_organisation = api_organisation


_do = call_service


def _change(change_id: int) -> s.ChangeOut:
    counted = changes_with_counts().filter(pk=change_id).first()
    if counted is None:
        raise HttpError(404, f"no change {change_id}")
    return s.change_out(counted)


# ---------------------------------------------------------------------------------------------------
# Customers (their own organisation only)


@router.get("/my/subprocessors", response=list[s.SubProcessorOut], summary="Sub-processors working on my data")
def my_subprocessors(request: HttpRequest) -> list[s.SubProcessorOut]:
    glossary = GlossaryTexts()
    rows = subprocessors_for_organisation(_organisation(request))
    agreements = agreements_in_place(sp.pk for sp in rows)
    return [s.subprocessor_out(sp, glossary=glossary, agreements=agreements) for sp in rows]


@router.get("/my/contract", response=s.ContractOut, summary="My recorded authorisation (or none) and notice period")
def my_contract(request: HttpRequest) -> s.ContractOut:
    organisation = _organisation(request)
    return s.contract_out(organisation.ref, contract_terms(organisation))


@router.get("/my/changes", response=list[s.MyChangeOut], summary="Changes announced to my organisation")
def my_changes(request: HttpRequest) -> list[s.MyChangeOut]:
    return [s.my_change_out(row) for row in changes_for_organisation(_organisation(request))]


@router.get("/my/changes/{change_id}", response=s.MyChangeOut, summary="One change announced to me")
def my_change(request: HttpRequest, change_id: PathId) -> s.MyChangeOut:
    return s.my_change_out(recipient_for_organisation(_organisation(request), change_id))


@router.post("/my/changes/{change_id}/object", response=s.MyChangeOut, summary="Object (general authorisation)")
def my_object(request: HttpRequest, change_id: PathId, payload: s.ObjectIn) -> s.MyChangeOut:
    """GDPR Art. 28(2): before the effective date; customer administrators only. The reason is optional
    (neither Art. 28(2) nor SCC 2021/914 Clause 9(a) asks for one)."""
    organisation = _organisation(request)
    row = recipient_for_organisation(organisation, change_id)
    reason = payload.reason or ""
    _do(change_object, actor=_user(request), change=row.change, organisation=organisation, reason=reason)
    return s.my_change_out(recipient_for_organisation(organisation, change_id))


@router.post("/my/changes/{change_id}/consent", response=s.MyChangeOut, summary="Consent or refuse (specific)")
def my_consent(request: HttpRequest, change_id: PathId, payload: s.ConsentIn) -> s.MyChangeOut:
    """DSV Art. 7 / GDPR Art. 28(2): under a specific authorisation the change applies only once consented."""
    organisation = _organisation(request)
    row = recipient_for_organisation(organisation, change_id)
    _do(change_consent, actor=_user(request), change=row.change, organisation=organisation, consent=payload.consent)
    return s.my_change_out(recipient_for_organisation(organisation, change_id))


# ---------------------------------------------------------------------------------------------------
# Staff: changes and contracts (declared before /{slug} so that "changes" is not taken for a slug)


@router.get("/changes", response=list[s.ChangeOut], summary="Changes, newest first, with their counts")
def list_changes(request: HttpRequest, status: str = "") -> list[s.ChangeOut]:
    _staff(request)
    return [s.change_out(change) for change in changes_with_counts(status)]


@router.post("/changes", response={201: s.ChangeOut}, summary="Draft a change")
def draft(request: HttpRequest, payload: s.ChangeIn) -> Status[s.ChangeOut]:
    user = _staff(request, write=True)
    change = _do(change_draft, actor=user, **payload.dict())
    return Status(201, _change(change.pk))


@router.get("/changes/{change_id}", response=s.ChangeOut, summary="One change with its counts")
def get_change(request: HttpRequest, change_id: PathId) -> s.ChangeOut:
    _staff(request)
    return _change(change_id)


@router.patch("/changes/{change_id}", response=s.ChangeOut, summary="Edit a draft")
def update_change(request: HttpRequest, change_id: PathId, payload: s.ChangePatch) -> s.ChangeOut:
    user = _staff(request, write=True)
    _do(change_update, actor=user, change=change_by_id(change_id), **payload.dict(exclude_unset=True))
    return _change(change_id)


@router.delete("/changes/{change_id}", response={204: None}, summary="Discard a draft")
def discard(request: HttpRequest, change_id: PathId) -> Status[None]:
    user = _staff(request, write=True)
    _do(change_discard, actor=user, change=change_by_id(change_id))
    return Status(204, None)


@router.post("/changes/{change_id}/announce", response=s.ChangeOut, summary="Announce to the customers concerned")
def announce(request: HttpRequest, change_id: PathId, payload: s.AnnounceIn) -> s.ChangeOut:
    """Effective no earlier than today + the longest notice period among them (GDPR Art. 28(2))."""
    user = _staff(request, write=True)
    _do(change_announce, actor=user, change=change_by_id(change_id), effective_on=payload.effective_on)
    return _change(change_id)


@router.post("/changes/{change_id}/withdraw", response=s.ChangeOut, summary="Withdraw an announced change")
def withdraw(request: HttpRequest, change_id: PathId, payload: s.WithdrawIn) -> s.ChangeOut:
    user = _staff(request, write=True)
    _do(change_withdraw, actor=user, change=change_by_id(change_id), reason=payload.reason)
    return _change(change_id)


@router.post("/changes/{change_id}/resolve", response=s.RecipientOut, summary="Resolve a customer's objection")
def resolve(request: HttpRequest, change_id: PathId, payload: s.ResolveIn) -> s.RecipientOut:
    user = _staff(request, write=True)
    change = change_by_id(change_id)
    organisation = get_object_or_404(Organisation, ref=payload.customer)
    row = _do(
        change_resolve,
        actor=user,
        change=change,
        organisation=organisation,
        resolution=payload.resolution,
        note=payload.note,
    )
    row.organisation = organisation
    return s.recipient_out(row, change.kind)


@router.get("/changes/{change_id}/recipients", response=list[s.RecipientOut], summary="The customers told")
def recipients(request: HttpRequest, change_id: PathId) -> list[s.RecipientOut]:
    _staff(request)
    change = change_by_id(change_id)
    return [s.recipient_out(row, change.kind) for row in recipients_of(change)]


@router.get("/contracts", response=list[s.ContractOut], summary="Customers' recorded authorisations, or none")
def list_contracts(
    request: HttpRequest,
    authorisation: Literal["", "general", "specific", "none"] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_ID - MAX_CONTRACTS_PAGE)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_CONTRACTS_PAGE)] = CONTRACTS_PAGE,
) -> list[s.ContractOut]:
    """Every customer by reference with its recorded authorisation; ``authorisation=none`` lists those
    with none (GDPR Art. 28(2): not authorised), ``general`` or ``specific`` the others. Paged by
    ``offset`` and ``limit`` (at most 1000)."""
    _staff(request)
    rows = customer_authorisations(authorisation).select_related("contract__acceptance__version__document")
    return [s.contract_out(org.ref, terms_of(getattr(org, "contract", None))) for org in rows[offset : offset + limit]]


@router.get("/contracts/{ref}", response=s.ContractOut, summary="A customer's recorded authorisation, or none")
def get_contract(request: HttpRequest, ref: str) -> s.ContractOut:
    _staff(request)
    organisation = get_object_or_404(Organisation, ref=ref)
    return s.contract_out(organisation.ref, contract_terms(organisation))


@router.put("/contracts/{ref}", response=s.ContractOut, summary="Record a customer's written authorisation")
def put_contract(request: HttpRequest, ref: str, payload: s.ContractIn) -> s.ContractOut:
    user = _staff(request, write=True)
    organisation = get_object_or_404(Organisation, ref=ref)
    _do(contract_set, actor=user, organisation=organisation, **payload.dict())
    return get_contract(request, ref)


# ---------------------------------------------------------------------------------------------------
# Staff: the register


@router.get("/", response=list[s.SubProcessorOut], summary="The register (staff)")
def list_register(request: HttpRequest, at: dt.date | None = None) -> list[s.SubProcessorOut]:
    """Every entry, or with ``at`` (YYYY-MM-DD) those in use on that date (the register at a past date)."""
    _staff(request)
    rows = public_register(at) if at else register_all()
    glossary = GlossaryTexts()
    agreements = agreements_in_place((sp.pk for sp in rows), at)
    return [s.subprocessor_out(sp, at, glossary, agreements) for sp in rows]


def _service_arguments(data: dict[str, Any]) -> dict[str, Any]:
    for name in ("countries", "data_categories"):
        if isinstance(data.get(name), list):
            data[name] = ";".join(data[name])
    return data


@router.post("/", response={201: s.SubProcessorOut}, summary="Register a sub-processor")
def create(request: HttpRequest, payload: s.SubProcessorIn) -> Status[s.SubProcessorOut]:
    user = _staff(request, write=True)
    sp = _do(subprocessor_create, actor=user, **_service_arguments(payload.dict()))
    return Status(201, s.subprocessor_out(subprocessor_by_slug(sp.slug)))


@router.get("/{slug}", response=s.SubProcessorOut, summary="One entry")
def get_one(request: HttpRequest, slug: str) -> s.SubProcessorOut:
    _staff(request)
    return s.subprocessor_out(subprocessor_by_slug(slug))


@router.get("/{slug}/agreements", response=list[s.FlowDownAgreementStaffOut], summary="Its flow-down agreements")
def list_agreements(request: HttpRequest, slug: str) -> list[s.FlowDownAgreementStaffOut]:
    """Every agreement recorded for it, latest signature first, with where each stands today: the one in
    effect is ``in-place`` when it covers every duty of GDPR Art. 28(3)(a)-(h) (Art. 28(4)), else
    ``incomplete``; the others ``superseded`` or ``ended``. Recorded on the staff page or with
    ``art28 flowdown-record``."""
    _staff(request)
    agreements = flowdown_agreements_of(subprocessor_by_slug(slug))
    states = agreement_states(agreements, today())
    return [s.flow_down_staff_out(agreement, states[agreement.pk]) for agreement in agreements]


@router.patch("/{slug}", response=s.SubProcessorOut, summary="Change an entry")
def update(request: HttpRequest, slug: str, payload: s.SubProcessorPatch) -> s.SubProcessorOut:
    user = _staff(request, write=True)
    data = _service_arguments(payload.dict(exclude_unset=True))
    sp = _do(subprocessor_update, actor=user, subprocessor=subprocessor_by_slug(slug), **data)
    return s.subprocessor_out(subprocessor_by_slug(sp.slug))


@router.delete("/{slug}", response={204: None}, summary="Remove an entry made by mistake")
def delete(request: HttpRequest, slug: str) -> Status[None]:
    user = _staff(request, write=True)
    _do(subprocessor_delete, actor=user, subprocessor=subprocessor_by_slug(slug))
    return Status(204, None)
