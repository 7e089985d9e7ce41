"""The DPO desk API (S11). Staff: the requests and every action on them (DPO and administrators act;
security and the auditor read; others 403, see dpo/roles.py). Customers, under ``/my/``: the requests
forwarded to their organisation and their answer; another organisation's request answers 404.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from art28.core.api import api_organisation, api_user, call_service
from art28.core.models import User
from art28.core.selectors import organisation_by_ref
from art28.dpo import schemas as s
from art28.dpo.models import Request
from art28.dpo.roles import DPO_READERS, DPO_WRITERS
from art28.dpo.selectors import (
    RequestFilters,
    request_by_reference,
    request_events,
    request_for_organisation,
    requests_for_organisation,
    requests_for_staff,
)
from art28.dpo.services import (
    request_assign,
    request_classify,
    request_close,
    request_customer_answer,
    request_extend,
    request_forward,
    request_note,
    request_reply,
)

router = Router(tags=["dpo"])


_user = api_user


def _staff(request: HttpRequest, *, write: bool = False) -> User:
    user = _user(request)
    if user.role not in (DPO_WRITERS if write else DPO_READERS):
        raise HttpError(403, "the DPO desk is for the DPO, administrators, security and auditors; customers use /my/")
    return user


_organisation = api_organisation


_do = call_service


def _get(reference: str) -> Request:
    try:
        return request_by_reference(reference)
    except Request.DoesNotExist as exc:
        raise HttpError(404, f"no request {reference}") from exc


def _detail(reference: str) -> dict:
    r = _get(reference)
    return s.request_out(r) | {"events": [s.event_out(e) for e in request_events(r)]}


@router.get("/requests", response=list[s.RequestOut], summary="Requests to the DPO (staff)")
def requests_list(request: HttpRequest, status: str = "open", kind: str = "", overdue: bool = False) -> list[dict]:
    _staff(request)
    filters = RequestFilters(status="overdue" if overdue else status, kind=kind)
    return [s.request_out(r) for r in requests_for_staff(filters)[:1000]]


@router.get("/requests/{reference}", response=s.RequestDetailOut, summary="One request with its timeline")
def request_detail(request: HttpRequest, reference: str) -> dict:
    _staff(request)
    return _detail(reference)


@router.post("/requests/{reference}/assign", response=s.RequestDetailOut, summary="Assign (null: unassign)")
def request_assign_api(request: HttpRequest, reference: str, payload: s.AssignIn) -> dict:
    user = _staff(request, write=True)
    assignee = None
    if payload.assignee:
        assignee = User.objects.filter(email=payload.assignee.strip().lower()).first()
        if assignee is None:
            raise HttpError(422, f"assignee: no user {payload.assignee}")
    _do(request_assign, actor=user, request=_get(reference), assignee=assignee)
    return _detail(reference)


@router.post("/requests/{reference}/notes", response=s.RequestDetailOut, summary="Internal note (never sent)")
def request_note_api(request: HttpRequest, reference: str, payload: s.TextIn) -> dict:
    _do(request_note, actor=_staff(request, write=True), request=_get(reference), text=payload.text)
    return _detail(reference)


@router.post("/requests/{reference}/replies", response=s.RequestDetailOut, summary="Reply to the requester")
def request_reply_api(request: HttpRequest, reference: str, payload: s.TextIn) -> dict:
    _do(request_reply, actor=_staff(request, write=True), request=_get(reference), text=payload.text)
    return _detail(reference)


@router.post("/requests/{reference}/extend", response=s.RequestDetailOut, summary="Extend the deadline")
def request_extend_api(request: HttpRequest, reference: str, payload: s.ExtendIn) -> dict:
    """GDPR Art. 12(3): two further months at most, told within the first month; DSV Art. 18(2): told
    within the 30 days, with the new deadline."""
    _do(
        request_extend,
        actor=_staff(request, write=True),
        request=_get(reference),
        reasons=payload.reasons,
        new_due_on=payload.new_due_on,
    )
    return _detail(reference)


@router.post("/requests/{reference}/classify", response=s.RequestDetailOut, summary="Decide whose data it is")
def request_classify_api(request: HttpRequest, reference: str, payload: s.ClassifyIn) -> dict:
    """provider: the provider is the controller and owes the legal deadline (GDPR Art. 12(3)); customer:
    it owes its forwarding commitment (GDPR Art. 28(3)(e)). The tracked due date follows."""
    _do(
        request_classify,
        actor=_staff(request, write=True),
        request=_get(reference),
        controller_kind=payload.controller_kind,
    )
    return _detail(reference)


@router.post("/requests/{reference}/forward", response=s.RequestDetailOut, summary="Forward to the controller")
def request_forward_api(request: HttpRequest, reference: str, payload: s.ForwardIn) -> dict:
    """GDPR Art. 28(3)(e): the processor passes the request to the controller and assists it."""
    user = _staff(request, write=True)
    organisation = organisation_by_ref(payload.organisation)
    if organisation is None:
        raise HttpError(422, f"organisation: no customer {payload.organisation}")
    _do(request_forward, actor=user, request=_get(reference), organisation=organisation)
    return _detail(reference)


@router.post("/requests/{reference}/close", response=s.RequestDetailOut, summary="Close with an outcome")
def request_close_api(request: HttpRequest, reference: str, payload: s.CloseIn) -> dict:
    """``refused`` requires ``reasons``, mailed to the requester with what the law adds (GDPR Art. 12(4):
    the right to complain and to a judicial remedy; nFADP Art. 26(4): the reasons)."""
    _do(
        request_close,
        actor=_staff(request, write=True),
        request=_get(reference),
        outcome=payload.outcome,
        note=payload.note,
        reasons=payload.reasons,
    )
    return _detail(reference)


# ---------------------------------------------------------------------------------------------------
# Customers (their own organisation only)


def _mine(request: HttpRequest, reference: str) -> Request:
    try:
        return request_for_organisation(_organisation(request), reference=reference)
    except Request.DoesNotExist as exc:
        raise HttpError(404, f"no request {reference}") from exc


@router.get("/my/requests", response=list[s.MyRequestOut], summary="Requests forwarded to my organisation")
def my_requests(request: HttpRequest) -> list[dict]:
    return [s.my_request_out(r) for r in requests_for_organisation(_organisation(request))[:1000]]


@router.get("/my/requests/{reference}", response=s.MyRequestOut, summary="One request forwarded to me")
def my_request(request: HttpRequest, reference: str) -> dict:
    return s.my_request_out(_mine(request, reference))


@router.post("/my/requests/{reference}/answer", response=s.MyRequestOut, summary="Handled, or not ours")
def my_answer(request: HttpRequest, reference: str, payload: s.AnswerIn) -> dict:
    organisation = _organisation(request)
    r = _mine(request, reference)
    _do(
        request_customer_answer,
        actor=_user(request),
        request=r,
        organisation=organisation,
        answer=payload.answer,
        note=payload.note,
    )
    return s.my_request_out(_mine(request, reference))
