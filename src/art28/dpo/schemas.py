"""The DPO desk API's shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from art28.dpo.models import Event, Request


class EventOut(Schema):
    at: dt.datetime
    kind: str
    actor: str
    text: str
    deliveries: dict[str, str]


class RequestOut(Schema):
    reference: str
    kind: str
    status: str
    regime: str
    # provider | customer | unknown: whose processing it is about, hence who owes the legal deadline.
    controller_kind: str
    received_at: dt.datetime
    # The provider's deadline: the law's when it is the controller, else its own commitment.
    due_on: dt.date
    due_basis: str
    due_is_law: bool
    # The last day an extension may be told (null: not the provider's to extend), and its latest date.
    extension_possible_until: dt.date | None
    extension_cap: dt.date | None
    # The law's deadline counted from the provider's receipt: for a customer's data the controller's
    # (information, not the provider's promise); while unknown, the provider's if it is its own.
    law_due_on: dt.date | None
    law_basis: str
    extended_due_on: dt.date | None
    effective_due_on: dt.date
    requester_name: str
    requester_email: str
    requester_country: str
    language: str
    message: str
    concerns: str
    assignee: str | None
    organisation: str | None
    forwarded_at: dt.datetime | None
    customer_answer: str
    answered_at: dt.datetime | None
    outcome: str


class RequestDetailOut(RequestOut):
    events: list[EventOut]


class MyRequestOut(Schema):
    id: str
    reference: str
    kind: str
    received_at: dt.datetime
    forwarded_at: dt.datetime | None
    # The controller's legal deadline, for information: counted from the provider's receipt, under the
    # law the provider found applicable (null where neither law applies). The controller owes it.
    legal_due_on: dt.date | None
    legal_basis: str
    requester_name: str
    requester_email: str
    requester_country: str
    message: str
    concerns: str
    answer: str
    note: str
    answered_at: dt.datetime | None


class AssignIn(Schema):
    assignee: str | None = None  # an e-mail; null unassigns


class TextIn(Schema):
    text: str


class ExtendIn(Schema):
    reasons: str
    new_due_on: dt.date | None = None


class ForwardIn(Schema):
    organisation: str  # the customer's reference


class ClassifyIn(Schema):
    controller_kind: str  # provider | customer | unknown


class CloseIn(Schema):
    outcome: str
    note: str = ""
    # Required with "refused": mailed to the requester (GDPR Art. 12(4), nFADP Art. 26(4)).
    reasons: str = ""


class AnswerIn(Schema):
    answer: str  # handled | not_ours
    note: str = ""


def request_out(r: Request) -> dict:
    deadline = r.deadline
    return {
        "reference": r.reference,
        "kind": r.kind,
        "status": r.status,
        "regime": r.regime,
        "controller_kind": r.controller_kind,
        "received_at": r.received_at,
        "due_on": r.due_on,
        "due_basis": deadline.basis,
        "due_is_law": deadline.is_law,
        "extension_possible_until": deadline.extension_window_ends,
        "extension_cap": deadline.extension_cap,
        "law_due_on": deadline.law_due,
        "law_basis": deadline.law_basis,
        "extended_due_on": r.extended_due_on,
        "effective_due_on": r.effective_due_on,
        "requester_name": r.requester_name,
        "requester_email": r.requester_email,
        "requester_country": r.requester_country,
        "language": r.language,
        "message": r.message,
        "concerns": r.concerns,
        "assignee": r.assignee.email if r.assignee else None,
        "organisation": r.organisation.ref if r.organisation else None,
        "forwarded_at": r.forwarded_at,
        "customer_answer": r.customer_answer,
        "answered_at": r.answered_at,
        "outcome": r.outcome,
    }


def event_out(e: Event) -> dict:
    deliveries = {d.channel: d.status for d in e.message.deliveries.all()} if e.message else {}
    return {"at": e.at, "kind": e.kind, "actor": e.actor_label, "text": e.text, "deliveries": deliveries}


def my_request_out(r: Request) -> dict:
    deadline = r.deadline
    return {
        "id": str(r.public_id),
        "reference": r.reference,
        "kind": r.kind,
        "received_at": r.received_at,
        "forwarded_at": r.forwarded_at,
        "legal_due_on": deadline.law_due,
        "legal_basis": deadline.law_basis,
        "requester_name": r.requester_name,
        "requester_email": r.requester_email,
        "requester_country": r.requester_country,
        "message": r.message,
        "concerns": r.concerns,
        "answer": r.customer_answer,
        "note": r.customer_note,
        "answered_at": r.answered_at,
    }
