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
    received_at: dt.datetime
    due_on: dt.date
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
    effective_due_on: dt.date
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


class CloseIn(Schema):
    outcome: str
    note: str = ""


class AnswerIn(Schema):
    answer: str  # handled | not_ours
    note: str = ""


def request_out(r: Request) -> dict:
    return {
        "reference": r.reference,
        "kind": r.kind,
        "status": r.status,
        "regime": r.regime,
        "received_at": r.received_at,
        "due_on": r.due_on,
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
    return {
        "id": str(r.public_id),
        "reference": r.reference,
        "kind": r.kind,
        "received_at": r.received_at,
        "forwarded_at": r.forwarded_at,
        "effective_due_on": r.effective_due_on,
        "requester_name": r.requester_name,
        "requester_email": r.requester_email,
        "requester_country": r.requester_country,
        "message": r.message,
        "concerns": r.concerns,
        "answer": r.customer_answer,
        "note": r.customer_note,
        "answered_at": r.answered_at,
    }
