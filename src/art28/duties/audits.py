"""Audits and inspections by the controller (GDPR Art. 28(3)(h); nFADP Art. 9(2)); docs/duties.md.

The processor "makes available to the controller all information necessary to demonstrate compliance …
and allows for and contributes to audits, including inspections". A customer administrator asks (scope,
dates, the auditor and its confidentiality undertaking), at least ART28_AUDIT_NOTICE_DAYS ahead; the
provider answers within ART28_AUDIT_ANSWER_DAYS by agreeing dates, or, where the DPA allows, by offering its
evidence pack and certificates first; the customer may accept that or maintain the audit, which the
provider then must allow. The report's remediation items are tracked to closure. One audit entry each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.access import AUDIT_HANDLERS as AUDIT_HANDLER_ROLES
from art28.core.audit import Actor, SystemActor, actor_label, audit_record
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.duties.models import ControllerAudit, RemediationItem
from art28.duties.references import next_reference

AUDIT_HANDLERS = AUDIT_HANDLER_ROLES  # the DPO, security and administrators answer audits


def _handler(actor: Actor) -> None:
    if not isinstance(actor, SystemActor) and actor.role not in AUDIT_HANDLERS:
        raise PermissionDenied("Only the DPO, security or an administrator answer audits.")


def _customer_admin(actor: Actor, customer_id: int) -> None:
    if isinstance(actor, SystemActor):
        return
    if not (actor.is_customer and actor.organisation_id == customer_id and actor.role == Role.CUSTOMER_ADMIN):
        raise PermissionDenied("Only an administrator of the customer may do this.")


def _audit(actor: Actor, action: str, audit: ControllerAudit, after: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, obj=audit, object_repr=audit.reference,
                 organisation_id=audit.customer_id, after={"reference": audit.reference, **after})  # fmt: skip


def earliest_start(on: dt.date) -> dt.date:
    """The first day an audit asked for on ``on`` may start (the DPA's notice)."""
    return on + dt.timedelta(days=settings.ART28_AUDIT_NOTICE_DAYS)


def controller_audit_request(
    *,
    actor: Actor,
    customer: Organisation,
    scope: str,
    proposed_from: dt.date,
    proposed_to: dt.date,
    auditor: str,
    confidentiality: str,
) -> ControllerAudit:
    """A customer administrator (or staff, for a request received by mail) asks for an audit."""
    if isinstance(actor, User) and actor.is_customer:
        _customer_admin(actor, customer.pk)
    else:
        _handler(actor)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not scope.strip():
        errors["scope"] = "Say what the audit covers (services, sites, measures)."
    if not auditor.strip():
        errors["auditor"] = "Name the auditor (a person or a firm)."
    if not confidentiality.strip():
        errors["confidentiality"] = "An auditor is bound to confidentiality: give the undertaking's reference."
    if proposed_from < earliest_start(today):
        errors["proposed_from"] = (
            f"At least {settings.ART28_AUDIT_NOTICE_DAYS} days' notice (the DPA): "
            f"from {earliest_start(today):%Y-%m-%d} on."
        )
    if proposed_to < proposed_from:
        errors["proposed_to"] = "The audit ends on or after the day it starts."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        audit = ControllerAudit.objects.create(
            reference=next_reference(ControllerAudit, "AUD", now.year), customer=customer, scope=scope.strip(),
            proposed_from=proposed_from, proposed_to=proposed_to, auditor=auditor.strip()[:200],
            confidentiality=confidentiality.strip()[:300], requested_at=now,
            requested_by_label=actor_label(actor)[:200],
            answer_due_on=today + dt.timedelta(days=settings.ART28_AUDIT_ANSWER_DAYS),
        )  # fmt: skip
        _audit(actor, "duties.controller_audit_request", audit, {
            "customer": customer.ref, "proposed_from": proposed_from, "proposed_to": proposed_to,
            "auditor": audit.auditor, "answer_due_on": audit.answer_due_on,
        })  # fmt: skip
    return audit


def _locked(audit: ControllerAudit, *expected: str) -> ControllerAudit:
    audit = ControllerAudit.objects.select_for_update().get(pk=audit.pk)
    if audit.status not in expected:
        raise ValidationError({"status": f"{audit.reference} is {audit.get_status_display()}."})
    return audit


def controller_audit_agree(
    *, actor: Actor, audit: ControllerAudit, agreed_from: dt.date, agreed_to: dt.date, note: str = ""
) -> ControllerAudit:
    _handler(actor)
    if agreed_to < agreed_from:
        raise ValidationError({"agreed_to": "The audit ends on or after the day it starts."})
    if agreed_from < timezone.localdate():
        raise ValidationError({"agreed_from": "Not a day in the past."})
    with transaction.atomic():
        audit = _locked(audit, ControllerAudit.Status.REQUESTED)
        audit.status, audit.agreed_from, audit.agreed_to = ControllerAudit.Status.AGREED, agreed_from, agreed_to
        audit.staff_note, audit.answered_at = note.strip(), audit.answered_at or timezone.now()
        audit.save()
        _audit(actor, "duties.controller_audit_agree", audit, {"agreed_from": agreed_from, "agreed_to": agreed_to})
    return audit


def controller_audit_offer_evidence(*, actor: Actor, audit: ControllerAudit, note: str) -> ControllerAudit:
    """Offer the evidence pack and certificates instead, where the DPA allows, once: a customer who
    maintained its audit gets it."""
    _handler(actor)
    if not settings.ART28_AUDIT_EVIDENCE_INSTEAD:
        raise ValidationError({"status": "The DPA does not let the provider offer evidence instead of an audit."})
    if not note.strip():
        raise ValidationError({"note": "Say what is offered (the evidence pack, which certificates)."})
    with transaction.atomic():
        audit = _locked(audit, ControllerAudit.Status.REQUESTED)
        if audit.offer_accepted is False:
            raise ValidationError({"status": "The customer maintained its audit: agree dates."})
        audit.status, audit.staff_note = ControllerAudit.Status.EVIDENCE_OFFERED, note.strip()
        audit.answered_at = audit.answered_at or timezone.now()
        audit.save()
        _audit(actor, "duties.controller_audit_offer", audit, {"note": audit.staff_note})
    return audit


def controller_audit_offer_answer(
    *, actor: Actor, audit: ControllerAudit, accept: bool, note: str = ""
) -> ControllerAudit:
    """The customer accepts the evidence instead (the request closes) or maintains the audit."""
    _customer_admin(actor, audit.customer_id)
    with transaction.atomic():
        audit = _locked(audit, ControllerAudit.Status.EVIDENCE_OFFERED)
        audit.offer_accepted, audit.customer_note = accept, note.strip()
        if accept:
            audit.status, audit.closed_at = ControllerAudit.Status.CLOSED, timezone.now()
        else:
            audit.status = ControllerAudit.Status.REQUESTED
            audit.answer_due_on = timezone.localdate() + dt.timedelta(days=settings.ART28_AUDIT_ANSWER_DAYS)
        audit.save()
        _audit(actor, "duties.controller_audit_offer_answer", audit, {"accepted": accept})
    return audit


def controller_audit_report_record(
    *, actor: Actor, audit: ControllerAudit, received_on: dt.date, summary: str,
    remediations: Sequence[tuple[str, dt.date]] = (),
) -> ControllerAudit:  # fmt: skip
    """The auditor's report and what it asks to fix; with nothing to fix the audit closes."""
    _handler(actor)
    if not summary.strip():
        raise ValidationError({"summary": "Summarise the report's conclusions."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "Not a day in the future."})
    with transaction.atomic():
        audit = _locked(audit, ControllerAudit.Status.AGREED)
        if audit.agreed_from and received_on < audit.agreed_from:
            raise ValidationError({"received_on": "A report comes after the audit began."})
        RemediationItem.objects.bulk_create(
            [
                RemediationItem(audit=audit, description=d.strip()[:500], due_on=due)
                for d, due in remediations
                if d.strip()
            ]
        )
        audit.report_received_on, audit.report_summary = received_on, summary.strip()
        if audit.remediations.exists():
            audit.status = ControllerAudit.Status.REMEDIATION
        else:
            audit.status, audit.closed_at = ControllerAudit.Status.CLOSED, timezone.now()
        audit.save()
        _audit(actor, "duties.controller_audit_report", audit,
               {"received_on": received_on, "remediations": audit.remediations.count()})  # fmt: skip
    return audit


def remediation_item_close(*, actor: Actor, item: RemediationItem, done_on: dt.date, note: str) -> RemediationItem:
    _handler(actor)
    if not note.strip():
        raise ValidationError({"note": "Say how it was fixed."})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "Not a day in the future."})
    with transaction.atomic():
        audit = _locked(item.audit, ControllerAudit.Status.REMEDIATION)
        item = RemediationItem.objects.select_for_update().get(pk=item.pk)
        if item.done_on is not None:
            raise ValidationError({"done_on": "Already done."})
        item.done_on, item.done_note = done_on, note.strip()[:500]
        item.save(update_fields=["done_on", "done_note"])
        if not audit.remediations.filter(done_on__isnull=True).exists():
            audit.status, audit.closed_at = ControllerAudit.Status.CLOSED, timezone.now()
            audit.save(update_fields=["status", "closed_at"])
        _audit(
            actor,
            "duties.remediation_close",
            audit,
            {"item": item.pk, "done_on": done_on, "closed": audit.closed_at is not None},
        )
    return item


def audits_needing_an_answer(on: dt.date | None = None) -> list[ControllerAudit]:
    """Requests still waiting for the provider's answer, the overdue first (the staff dashboard)."""
    found = ControllerAudit.objects.filter(status=ControllerAudit.Status.REQUESTED).select_related("customer")
    return sorted(found, key=lambda a: (a.answer_due_on, a.reference))
