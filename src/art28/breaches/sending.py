"""Writes on notices: compose a phase, edit its texts, send it to exactly the affected customers.

The phases follow GDPR Art. 33(4) / DSV Art. 15(2): one first notice, then updates, then at most one
final report. Sending happens in one transaction that also creates the outbox messages
(``notify.messages_create``), freezes each customer's first-notice time and lateness, moves the incident
to "notifying" and writes one audit entry with the counts.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from art28.breaches.models import AffectedCustomer, Decision, Incident, Notice, NoticeKind, Phase
from art28.breaches.notices import clean_texts, complete_texts, customer_text, needed_languages, payload
from art28.breaches.services import actor_fields, ensure_writer
from art28.core.audit import Actor, audit_record
from art28.core.display import datetime_text
from art28.core.dpo import dpo_profile
from art28.core.glossary import GlossaryTexts
from art28.notify.services import Draft, messages_create

TOPIC = "breach.notice"
SOURCE_TYPE = "breaches.notice"


def _check_can_compose(incident: Incident) -> None:
    if incident.decision != Decision.NOTIFY:
        raise ValidationError("Notices follow a decision to notify; decide first.")
    if incident.phase == Phase.CLOSED:
        raise ValidationError("The incident is closed; reopen it to send another notice.")


def _check_order(incident: Incident, kind: str, *, excluding: Notice | None = None) -> None:
    """GDPR Art. 33(4): the first notice first (once), then updates, then at most one final report."""
    others = incident.notices.order_by("sequence")
    notices = list(others.exclude(pk=excluding.pk) if excluding else others)
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": f"unknown kind {kind!r}; use {', '.join(NoticeKind.values)}"})
    if any(n.kind == NoticeKind.FINAL and n.sent_at for n in notices):
        raise ValidationError("The final report was sent; the notification of this incident is complete.")
    if unsent := [n for n in notices if n.sent_at is None]:
        raise ValidationError(
            f"Notice no. {unsent[0].sequence} is not sent yet; edit and send it, or delete it, first."
        )
    initial_sent = any(n.kind == NoticeKind.INITIAL and n.sent_at for n in notices)
    if kind == NoticeKind.INITIAL and notices:
        raise ValidationError({"kind": "The first notice exists already; later information goes in an update."})
    if kind != NoticeKind.INITIAL and not initial_sent:
        raise ValidationError({"kind": "Send the first notice before an update or the final report."})


def notice_create(*, actor: Actor, incident: Incident, kind: str, texts: dict[str, Any] | None = None) -> Notice:
    """Compose the next phase: the default text in each language of the affected customers, with the
    given per-language overrides (``{"fr": {"subject": …, "body": …}}``) applied."""
    ensure_writer(actor)
    user, label = actor_fields(actor)
    overrides = clean_texts(texts or {})
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        _check_can_compose(locked)
        _check_order(locked, kind)
        sequence = (locked.notices.aggregate(last=Max("sequence"))["last"] or 0) + 1
        notice = Notice(incident=locked, kind=kind, sequence=sequence, created_by=user, created_by_label=label)
        languages = locked.affected.order_by().values_list("organisation__language", flat=True).distinct()
        notice.texts = complete_texts(notice, locked, needed_languages(languages)) | overrides
        notice.save()
        audit_record(
            actor=actor,
            action="notice.create",
            obj=notice,
            object_repr=f"{locked.ref} notice no. {sequence} ({kind})",
            after={"incident": locked.ref, "kind": kind, "sequence": sequence, "languages": notice.languages},
        )
    return notice


def notice_texts_update(*, actor: Actor, notice: Notice, texts: dict[str, Any]) -> Notice:
    """Replace the texts of some languages of a notice not yet sent."""
    ensure_writer(actor)
    cleaned = clean_texts(texts)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().select_related("incident").get(pk=notice.pk)
        if locked.sent_at:
            raise ValidationError("This notice was sent; what was sent cannot change. Write an update instead.")
        changed = sorted(lang for lang, text in cleaned.items() if locked.texts.get(lang) != text)
        if changed:
            locked.texts = locked.texts | cleaned
            locked.save(update_fields=["texts"])
            audit_record(
                actor=actor,
                action="notice.edit",
                obj=locked,
                object_repr=f"{locked.incident.ref} notice no. {locked.sequence} ({locked.kind})",
                after={"languages": changed},
            )
    return locked


def notice_delete(*, actor: Actor, notice: Notice) -> None:
    """Discard a notice that was never sent (a sent one is part of the record)."""
    ensure_writer(actor)
    with transaction.atomic():
        locked = Notice.objects.select_for_update().select_related("incident").get(pk=notice.pk)
        if locked.sent_at:
            raise ValidationError("A notice that was sent is part of the breach record and cannot be deleted.")
        audit_record(
            actor=actor,
            action="notice.delete",
            obj=locked,
            object_repr=f"{locked.incident.ref} notice no. {locked.sequence} ({locked.kind})",
            after={"kind": locked.kind, "sequence": locked.sequence},
        )
        locked.delete()


def notice_send(*, actor: Actor, notice: Notice) -> Notice:
    """Send the notice to exactly the frozen affected customers, in one transaction.

    The first notice a customer receives records when it was sent and whether it came after the provider's
    commitment (aware_at + ART28_BREACH_NOTICE_HOURS); that lateness is frozen there and then.
    """
    ensure_writer(actor)
    user, label = actor_fields(actor)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=notice.incident_id)
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.sent_at:
            raise ValidationError(f"Notice no. {locked.sequence} was already sent on {datetime_text(locked.sent_at)}.")
        _check_can_compose(incident)
        _check_order(incident, locked.kind, excluding=locked)
        rows = list(AffectedCustomer.objects.filter(incident=incident).select_related("organisation"))
        if not rows:
            raise ValidationError("No affected customer is frozen for this incident; nothing to send.")
        texts = complete_texts(locked, incident, needed_languages(row.organisation.language for row in rows))
        drafts = []
        dpo = dpo_profile()
        glossary = GlossaryTexts()  # the categories in each customer's language: one query for all
        for row in rows:
            text = customer_text(texts, row, glossary)
            drafts.append(
                Draft(
                    organisation=row.organisation,
                    subject=text["subject"],
                    body_text=text["body"],
                    language=text["language"],
                    payload=payload(incident, locked, row, dpo=dpo),
                )
            )
        deliveries = messages_create(
            topic=TOPIC, drafts=drafts, source_type=SOURCE_TYPE, source_id=locked.pk, requires_ack=True
        )
        now = timezone.now()
        due = incident.notice_due_at
        first_notices = AffectedCustomer.objects.filter(incident=incident, first_notice_at__isnull=True).update(
            first_notice_at=now, notice_due_at=due, late=now > due
        )
        locked.texts, locked.sent_at, locked.sent_by, locked.sent_by_label = texts, now, user, label
        locked.recipients, locked.deliveries = len(drafts), deliveries
        locked.save(update_fields=["texts", "sent_at", "sent_by", "sent_by_label", "recipients", "deliveries"])
        phase_before = incident.phase
        if incident.phase in (Phase.OPEN, Phase.ASSESSED):
            incident.phase = Phase.NOTIFYING
            incident.save(update_fields=["phase", "updated_at"])
        audit_record(
            actor=actor,
            action="notice.send",
            obj=locked,
            object_repr=f"{incident.ref} notice no. {locked.sequence} ({locked.kind})",
            after={
                "incident": incident.ref,
                "kind": locked.kind,
                "sequence": locked.sequence,
                "customers": len(drafts),
                "deliveries": deliveries,
                "first_notices": first_notices,
                "late_first_notices": first_notices if now > due else 0,
                "phase": {"before": phase_before, "after": incident.phase},
            },
        )
    return locked
