"""Every write on a DPO request (S11): submission from the public form, then the staff's work on it.

The audit trail names a request by its reference and records states, dates and counts, never the
requester's name, address, message, notes or replies: the chain cannot forget, a request can be erased
(GDPR Art. 17; nFADP Art. 6(4)). Mail is written to the outbox inside each transaction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from art28.core.audit import Actor, SystemActor, actor_label, audit_record
from art28.core.display import date_text
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.dpo import conf, mails
from art28.dpo.deadlines import ControllerKind, Deadline, deadline_for, regime_for
from art28.dpo.models import DATA_SUBJECT_KINDS, CustomerAnswer, Event, EventKind, Outcome, Request, Status
from art28.dpo.roles import DPO_WRITERS
from art28.dpo.validation import SubmittedRequest, validate_submission
from art28.notify.models import Message
from art28.notify.services import Draft, message_to_address_create, messages_create

CONTROLLER_KINDS = frozenset(kind.value for kind in ControllerKind)
PUBLIC_ACTOR = SystemActor("trust-center:contact-form")
SOURCE_TYPE = "dpo.request"
TOPIC_REQUESTER = "dpo.requester"
TOPIC_FORWARDED = "dpo.request.forwarded"


def _check_writer(actor: Actor) -> None:
    if isinstance(actor, User) and actor.role not in DPO_WRITERS:
        raise PermissionDenied("Only the DPO or an administrator acts on requests.")


def _event(
    request: Request,
    kind: str,
    actor: Actor,
    text: str = "",
    message: Message | None = None,
    at: dt.datetime | None = None,
) -> Event:
    return Event.objects.create(
        request=request, at=at or timezone.now(), kind=kind, actor_label=actor_label(actor), text=text, message=message
    )


def _audit(actor: Actor, action: str, request: Request, **after: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=request,
        object_repr=request.reference,
        organisation_id=request.organisation_id,
        after={"reference": request.reference, **after},
    )


def _mail_requester(request: Request, subject: str, body: str) -> Message:
    return message_to_address_create(
        topic=TOPIC_REQUESTER,
        address=request.requester_email,
        subject=subject,
        body_text=body,
        language=request.language,
        source_type=SOURCE_TYPE,
        source_id=request.pk,
    )


def deadline_of(request: Request) -> Deadline:
    """The request's deadline: ``Request.deadline``, i.e. ``deadlines.deadline_for`` with the settings."""
    return request.deadline


def _next_reference(year: int) -> str:
    prefix = f"DPO-{year}-"
    last = Request.objects.filter(reference__startswith=prefix).order_by("-reference").values_list("reference")
    number = int(last[0][0].removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def request_submit(
    *,
    kind: str,
    name: str,
    email: str,
    country: str,
    language: str,
    message: str,
    concerns: str = "",
    controller_kind: str = ControllerKind.UNKNOWN,
    received_at: dt.datetime | None = None,
) -> Request:
    """A message from the contact form becomes a request with its reference and deadline, and the
    requester is sent an acknowledgement with the reference. Raises ValidationError naming each bad field.

    ``controller_kind`` is the requester's answer to "whose service is it about": the provider's own
    (the provider owes the law's deadline), a customer's (the provider owes its forwarding commitment
    and the customer, the controller, the law's deadline: GDPR Art. 12(3), 28(3)(e)), or unknown."""
    data: SubmittedRequest = validate_submission(
        kind=kind,
        name=name,
        email=email,
        country=country,
        language=language,
        message=message,
        concerns=concerns,
        controller_kind=controller_kind,
    )
    received_at = received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    regime = regime_for(
        requester_country=data.country,
        provider_country=conf.provider_country(),
        gdpr_establishment=conf.gdpr_establishment(),
        gdpr_offers_to_eea=conf.gdpr_offers_to_eea(),
        is_data_subject_request=data.kind in DATA_SUBJECT_KINDS,
    )
    deadline = deadline_for(
        regime,
        received_on,
        controller=data.controller_kind,
        service_days=conf.service_days(),
        forward_days=conf.forward_days(),
        calendars=conf.calendars(),
    )
    for _attempt in range(5):  # two submissions in the same instant may compute the same number
        try:
            with transaction.atomic():
                request = Request.objects.create(
                    reference=_next_reference(received_on.year),
                    kind=data.kind,
                    regime=regime,
                    requester_name=data.name,
                    requester_email=data.email,
                    requester_country=data.country,
                    language=data.language,
                    message=data.message,
                    concerns=data.concerns,
                    controller_kind=data.controller_kind,
                    received_at=received_at,
                    received_on=received_on,
                    due_on=deadline.due,
                )
                _event(request, EventKind.RECEIVED, PUBLIC_ACTOR, at=received_at)
                subject, body = mails.acknowledgement(request, deadline)
                _event(request, EventKind.ACKNOWLEDGED, PUBLIC_ACTOR, message=_mail_requester(request, subject, body))
                _audit(
                    PUBLIC_ACTOR,
                    "dpo.request.submit",
                    request,
                    kind=data.kind,
                    regime=regime,
                    controller_kind=data.controller_kind,
                    due_on=deadline.due,
                    due_is_law=deadline.is_law,
                )
                return request
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a request reference")


def request_assign(*, actor: Actor, request: Request, assignee: User | None) -> Request:
    _check_writer(actor)
    if assignee is not None and assignee.role not in DPO_WRITERS:
        raise ValidationError({"assignee": "Requests are assigned to the DPO or an administrator."})
    with transaction.atomic():
        before = request.assignee_id
        request.assignee = assignee
        request.save(update_fields=["assignee"])
        _event(request, EventKind.ASSIGNED, actor, text=assignee.email if assignee else "")
        _audit(actor, "dpo.request.assign", request, assignee_id=assignee.pk if assignee else None, before=before)
    return request


def _text(value: str, field: str, limit: int = 10_000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: "This field is required."})
    if len(value) > limit:
        raise ValidationError({field: f"At most {limit} characters."})
    return value


def request_note(*, actor: Actor, request: Request, text: str) -> Event:
    """An internal note: kept on the request, never sent to anyone."""
    _check_writer(actor)
    text = _text(text, "text")
    with transaction.atomic():
        event = _event(request, EventKind.NOTE, actor, text=text)
        _audit(actor, "dpo.request.note", request, event_id=event.pk)
    return event


def _check_open(request: Request) -> None:
    if not request.is_open:
        raise ValidationError({"status": f"Request {request.reference} is closed."})


def request_reply(*, actor: Actor, request: Request, text: str) -> Event:
    """A reply composed in art28, mailed to the requester through the outbox and kept with its delivery."""
    _check_writer(actor)
    _check_open(request)
    text = _text(text, "text")
    with transaction.atomic():
        subject, body = mails.reply(request, text)
        event = _event(request, EventKind.REPLY, actor, text=text, message=_mail_requester(request, subject, body))
        _audit(actor, "dpo.request.reply", request, event_id=event.pk, message_id=event.message_id)
    return event


def _extension_refused_reason(request: Request) -> str:
    if not request.is_data_subject_request:
        return "Only a data subject request has a legal deadline to extend."
    if request.controller_kind == ControllerKind.CUSTOMER:
        return (
            "The request is about a customer's data: the customer, the controller, decides whether to extend "
            "(GDPR Art. 12(3)); the provider forwards it."
        )
    if request.controller_kind == ControllerKind.UNKNOWN:
        return "Decide first whether the request is about the provider's own data; only then may it be extended."
    return "Neither the GDPR nor the nFADP applies: the provider's own commitment has no legal extension."


def request_extend(
    *, actor: Actor, request: Request, reasons: str, new_due_on: dt.date | None = None, today: dt.date | None = None
) -> Request:
    """Extend the deadline and tell the requester why (GDPR Art. 12(3): by two further months at most,
    told within the first month; DSV Art. 18(2): told within the 30 days, with the new deadline). Only
    the controller extends: the provider does so for requests about its own processing.

    Whether ``today`` is in time is ``Deadline.extension_possible_on``, which the staff page and its form
    ask too. Without ``new_due_on`` the longest allowed extension (GDPR) is used; under the nFADP alone a
    new deadline must be given. Raises ValidationError naming the field.
    """
    _check_writer(actor)
    _check_open(request)
    reasons = _text(reasons, "reasons", 4000)
    today = today or timezone.localdate()
    deadline = request.deadline
    if request.extended_due_on is not None:
        raise ValidationError({"new_due_on": "The deadline was extended already."})
    if deadline.extension_window_ends is None:
        raise ValidationError({"new_due_on": _extension_refused_reason(request)})
    if not deadline.extension_possible_on(today):
        raise ValidationError(
            {"new_due_on": f"An extension must be told by {date_text(deadline.extension_window_ends)}; that is past."}
        )
    new_due_on = new_due_on or deadline.extension_cap
    if new_due_on is None:
        raise ValidationError({"new_due_on": "Give the new deadline the requester will be told (DSV Art. 18(2))."})
    if new_due_on <= request.due_on:
        raise ValidationError({"new_due_on": "The new deadline must be after the current one."})
    if deadline.extension_cap is not None and new_due_on > deadline.extension_cap:
        raise ValidationError(
            {"new_due_on": f"GDPR Art. 12(3) allows at most until {date_text(deadline.extension_cap)}."}
        )
    with transaction.atomic():
        request.extended_due_on, request.extension_reasons = new_due_on, reasons
        request.extended_at = timezone.now()
        request.save(update_fields=["extended_due_on", "extension_reasons", "extended_at"])
        subject, body = mails.extension(request)
        event = _event(
            request, EventKind.EXTENDED, actor, text=reasons, message=_mail_requester(request, subject, body)
        )
        _audit(
            actor, "dpo.request.extend", request, due_on=request.due_on, extended_due_on=new_due_on, event_id=event.pk
        )
    return request


def _set_controller_kind(request: Request, controller_kind: str) -> None:
    """The kind, and the tracked due date that follows from it (``Request.deadline``)."""
    request.controller_kind = controller_kind
    request.due_on = request.deadline.due


def request_classify(*, actor: Actor, request: Request, controller_kind: str) -> Request:
    """The DPO decides whose processing a request is about, which decides who owes the law's deadline:
    the provider's own (it is the controller, GDPR Art. 12(3) / nFADP Art. 25(7)), or a customer's (the
    provider owes its forwarding commitment, GDPR Art. 28(3)(e)). The tracked due date follows."""
    _check_writer(actor)
    _check_open(request)
    if controller_kind not in CONTROLLER_KINDS:
        raise ValidationError({"controller_kind": f"Choose one of: {', '.join(k.value for k in ControllerKind)}."})
    if request.status == Status.FORWARDED:
        raise ValidationError({"controller_kind": f"Request {request.reference} is with the controller already."})
    with transaction.atomic():
        before = {"controller_kind": request.controller_kind, "due_on": request.due_on.isoformat()}
        _set_controller_kind(request, controller_kind)
        request.save(update_fields=["controller_kind", "due_on"])
        _event(request, EventKind.CLASSIFIED, actor, text=request.get_controller_kind_display())
        _audit(
            actor,
            "dpo.request.classify",
            request,
            controller_kind=controller_kind,
            due_on=request.due_on,
            due_is_law=request.deadline.is_law,
            before=before,
        )
    return request


def request_forward(*, actor: Actor, request: Request, organisation: Organisation) -> Request:
    """Link the request to the controller concerned and pass it on (GDPR Art. 28(3)(e): the processor
    assists the controller, it does not answer the controller's data subjects itself).

    The controller gets it by mail and in its portal inbox; the requester is told, with the controller's
    name (see docs/dpo-desk.md: no prior agreement is needed for that).
    """
    _check_writer(actor)
    _check_open(request)
    # Forwarded once; again only after that customer answered "not ours" (to the right controller, then).
    if request.forwarded_at is not None and request.customer_answer != CustomerAnswer.NOT_OURS:
        raise ValidationError({"organisation": f"Request {request.reference} was forwarded already."})
    with transaction.atomic():
        request.organisation, request.status, request.forwarded_at = organisation, Status.FORWARDED, timezone.now()
        request.customer_answer, request.customer_note, request.answered_at, request.answered_by = "", "", None, None
        # Forwarding says it is the customer's data: the provider's deadline is its forwarding commitment.
        _set_controller_kind(request, ControllerKind.CUSTOMER)
        request.save(
            update_fields=[
                "controller_kind",
                "due_on",
                "organisation",
                "status",
                "forwarded_at",
                "customer_answer",
                "customer_note",
                "answered_at",
                "answered_by",
            ]
        )
        portal_url = settings.ART28_BASE_URL.rstrip("/") + reverse(
            "portal:request", kwargs={"public_id": request.public_id}
        )
        subject, body = mails.forwarded_to_controller(request, portal_url)
        messages_create(
            topic=TOPIC_FORWARDED,
            drafts=[
                Draft(
                    organisation=organisation,
                    subject=subject,
                    body_text=body,
                    language=organisation.language,
                    payload={"reference": request.reference, "kind": request.kind},
                )
            ],
            source_type=SOURCE_TYPE,
            source_id=request.pk,
        )
        _event(request, EventKind.FORWARDED, actor, text=organisation.name)
        subject, body = mails.forwarded_to_requester(request)
        _event(request, EventKind.REQUESTER_TOLD, actor, message=_mail_requester(request, subject, body))
        _audit(
            actor,
            "dpo.request.forward",
            request,
            organisation=organisation.ref,
            due_on=request.due_on,
            in_time=timezone.localdate(request.forwarded_at) <= request.due_on,
        )
    return request


def request_customer_answer(
    *, actor: Actor, request: Request, organisation: Organisation, answer: str, note: str = ""
) -> Request:
    """The controller's answer to a forwarded request: it handles it, or it is not about its data."""
    if not isinstance(actor, User) or not actor.is_customer or actor.organisation_id != organisation.pk:
        raise PermissionDenied("Only the controller's own users answer a forwarded request.")
    if actor.role != Role.CUSTOMER_ADMIN:
        raise PermissionDenied("Only a customer administrator answers; viewers read.")
    if request.organisation_id != organisation.pk or request.forwarded_at is None:
        raise PermissionDenied("This request was not forwarded to your organisation.")
    if answer not in CustomerAnswer.values:
        raise ValidationError({"answer": f"Choose one of: {', '.join(CustomerAnswer.values)}."})
    if request.answered_at is not None:
        raise ValidationError({"answer": "Your organisation answered this request already."})
    note = (note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": "At most 4000 characters."})
    with transaction.atomic():
        request.customer_answer, request.customer_note = answer, note
        request.answered_at, request.answered_by = timezone.now(), actor
        # "Not ours": back to the DPO's desk to find out who the controller is.
        if answer == CustomerAnswer.NOT_OURS:
            request.status = Status.OPEN
        request.save(update_fields=["customer_answer", "customer_note", "answered_at", "answered_by", "status"])
        _event(request, EventKind.CUSTOMER_ANSWERED, actor, text=note)
        _audit(actor, "dpo.request.customer_answer", request, answer=answer)
    return request


def request_close(*, actor: Actor, request: Request, outcome: str, note: str = "", reasons: str = "") -> Request:
    """Close the request with its outcome. A refusal requires the reasons, which are mailed to the
    requester with what each applicable law requires: under the GDPR the right to lodge a complaint with
    a supervisory authority and to seek a judicial remedy (Art. 12(4)); under the nFADP the reasons (Art.
    26(4)). A request about a customer's data is the customer's to refuse, not the provider's."""
    _check_writer(actor)
    _check_open(request)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": f"Choose one of: {', '.join(Outcome.values)}."})
    refused = outcome == Outcome.REFUSED
    if refused:
        if request.controller_kind == ControllerKind.CUSTOMER:
            raise ValidationError(
                {"outcome": "It is about a customer's data: the customer, the controller, refuses or answers it."}
            )
        reasons = _text(reasons, "reasons", 4000)
    with transaction.atomic():
        request.status, request.outcome, request.closed_at = Status.CLOSED, outcome, timezone.now()
        request.save(update_fields=["status", "outcome", "closed_at"])
        refusal = None
        if refused:
            subject, body = mails.refusal(request, reasons)
            refusal = _event(
                request, EventKind.REFUSED, actor, text=reasons, message=_mail_requester(request, subject, body)
            )
        _event(request, EventKind.CLOSED, actor, text=(note or "").strip())
        _audit(
            actor,
            "dpo.request.close",
            request,
            outcome=outcome,
            late=timezone.localdate() > request.effective_due_on,
            **({"refusal_event_id": refusal.pk} if refusal else {}),
        )
    return request
