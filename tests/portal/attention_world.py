"""One pending item of each kind for an organisation, written through the domain apps' own services where
they exist: a breach notice asking for acknowledgement, sub-processor changes waiting for an answer
(general and specific authorisation), terms to accept, a DPA to countersign, a forwarded request."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from art28.core.models import Organisation, User
from art28.dpo.models import Request
from art28.dpo.services import request_forward, request_submit
from art28.legal.models import DocumentKind, DocumentVersion
from art28.notify.models import Message
from art28.notify.services import Draft, messages_create
from art28.subprocessors.models import Change, ChangeRecipient, ChangeStatus, ConsentStatus, SubProcessor
from tests.legal.conftest import new_document, publish
from tests.legal.dpa_text import dpa_text

_subprocessor_count = 0


def breach_notice(organisation: Organisation, subject: str = "Security incident INC-2026-0001") -> Message:
    with transaction.atomic():
        messages_create(
            topic="breach.notice",
            drafts=[Draft(organisation=organisation, subject=subject, body_text="What happened …")],
            source_type="breaches.notice",
            source_id=1,
            requires_ack=True,
        )
    return Message.objects.get(organisation=organisation, subject=subject)


def announced_change(
    organisation: Organisation, *, name: str = "Cloudy Mail GmbH", effective_in_days: int = 20, specific: bool = False
) -> ChangeRecipient:
    global _subprocessor_count
    _subprocessor_count += 1
    sp = SubProcessor.objects.create(
        slug=f"sp-{_subprocessor_count}", legal_name=name, address="Somewhere 1", purpose="Mail", countries="DE"
    )
    change = Change.objects.create(
        kind="addition",
        subprocessor=sp,
        summary="A new mail relay.",
        status=ChangeStatus.ANNOUNCED,
        announced_at=timezone.now(),
        effective_on=timezone.localdate() + dt.timedelta(days=effective_in_days),
    )
    return ChangeRecipient.objects.create(
        change=change,
        organisation=organisation,
        authorisation="specific" if specific else "general",
        notice_days=30,
        consent=ConsentStatus.PENDING if specific else ConsentStatus.NOT_NEEDED,
    )


def terms_to_accept(*, effective_in_days: int = 10) -> DocumentVersion:
    return publish(
        new_document("terms", DocumentKind.TERMS),
        "# Terms\n\nBe nice.",
        on=timezone.localdate() + dt.timedelta(days=effective_in_days),
    )


def dpa_to_countersign() -> DocumentVersion:
    """In force from today (a version cannot be published to take effect in the past)."""
    return publish(new_document("dpa", DocumentKind.DPA), dpa_text(), on=timezone.localdate())


def forwarded_request(organisation: Organisation, dpo_user: User) -> Request:
    request = request_submit(
        kind="access",
        name="Petra Muster",
        email="petra@example.net",
        country="CH",
        language="de",
        message="Welche Daten haben Sie über mich?",
        concerns="shop.example",
        controller_kind="customer",
    )
    return request_forward(actor=dpo_user, request=request, organisation=organisation)
