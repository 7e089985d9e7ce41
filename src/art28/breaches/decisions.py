"""Writes on decisions: notify (freezing the affected customers), no notification (with a reason),
and freezing the impact again after a scope change. One transaction and audit entry each.

GDPR Art. 33(2) / nFADP Art. 24(3): a processor notifies its controllers of every breach, so "no
notification" is an exception a person decides and justifies in writing, kept for the register
(GDPR Art. 33(5)) with who and when.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from art28.breaches.impact import impact_of_incident
from art28.breaches.models import AffectedCustomer, Decision, Incident, IncidentDecision, Phase
from art28.breaches.services import _locked, _phase_to, actor_fields, ensure_writer
from art28.core.audit import Actor, audit_record


def freeze_impact(incident: Incident) -> dict[str, int]:
    """Write the live impact into AffectedCustomer rows; returns the totals frozen.

    New customers are added, changed figures are refreshed (``frozen_at`` says when each row's figures
    were taken), and customers no longer affected are removed, unless they were already notified: those
    stay (marked no longer affected) and receive the later phases.
    First-notice times and lateness are never touched here.
    """
    live = impact_of_incident(incident)
    now = timezone.now()
    existing = {row.organisation_id: row for row in AffectedCustomer.objects.filter(incident=incident)}
    created, updated = [], []
    for impact in live.customers:
        values = {
            "assets": "\n".join(impact.assets),
            "data_categories": ";".join(impact.data_categories),
            "subject_categories": ";".join(impact.subject_categories),
            "subjects": impact.subjects,
            "records": impact.records,
        }
        row = existing.pop(impact.organisation_id, None)
        if row is None:
            created.append(
                AffectedCustomer(incident=incident, organisation_id=impact.organisation_id, frozen_at=now, **values)
            )
        elif not row.still_affected or any(getattr(row, name) != value for name, value in values.items()):
            # Only rows whose figures changed are rewritten (and re-dated): a refreeze of 10,000
            # customers after a small scope change touches a few rows.
            for name, value in values.items():
                setattr(row, name, value)
            row.frozen_at, row.still_affected = now, True
            updated.append(row)
    AffectedCustomer.objects.bulk_create(created, batch_size=2000)
    AffectedCustomer.objects.bulk_update(
        updated,
        ["assets", "data_categories", "subject_categories", "subjects", "records", "frozen_at", "still_affected"],
        batch_size=2000,
    )
    gone = [row.pk for row in existing.values()]
    AffectedCustomer.objects.filter(pk__in=gone, first_notice_at__isnull=True).delete()
    AffectedCustomer.objects.filter(pk__in=gone, first_notice_at__isnull=False).update(still_affected=False)
    return live.totals


def _decide(actor: Actor, incident: Incident, decision: str, reason: str) -> Incident:
    user, label = actor_fields(actor)
    before = {"decision": incident.decision, "reason": incident.decision_reason}
    totals = freeze_impact(incident)
    incident.decision, incident.decision_reason = decision, reason
    incident.decided_at, incident.decided_by, incident.decided_by_label = timezone.now(), user, label
    incident.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by", "decided_by_label"])
    IncidentDecision.objects.create(
        incident=incident,
        decision=decision,
        reason=reason,
        decided_at=incident.decided_at,
        decided_by=user,
        decided_by_label=label,
        **totals,
    )
    audit_record(
        actor=actor,
        action="incident.decide",
        obj=incident,
        before=before,
        after={"decision": decision, "reason": reason, "frozen": totals},
    )
    if incident.phase == Phase.OPEN:
        _phase_to(actor, incident, Phase.ASSESSED)
    return incident


def incident_decide_notify(*, actor: Actor, incident: Incident, reason: str = "") -> Incident:
    """Decide to notify: freezes the affected customers (the notices go to exactly those).

    GDPR Art. 33(2) / nFADP Art. 24(3) require the processor to notify every breach; reversing an earlier
    "no notification" therefore needs a new written reason.
    """
    ensure_writer(actor)
    reason = reason.strip()
    with transaction.atomic():
        locked = _locked(incident)
        if locked.decision == Decision.NOTIFY:
            raise ValidationError("The decision to notify is already taken; freeze the impact again to update it.")
        if locked.decision == Decision.NO_NOTIFICATION and not reason:
            raise ValidationError({"reason": "Reversing the decision not to notify needs a new written reason."})
        if locked.phase == Phase.CLOSED:
            raise ValidationError("The incident is closed; reopen it first.")
        if not impact_of_incident(locked).customers:
            raise ValidationError(
                "No customer is affected by this scope: widen the scope, or decide “no notification” with a reason."
            )
        return _decide(actor, locked, Decision.NOTIFY, reason)


def incident_decide_no_notification(*, actor: Actor, incident: Incident, reason: str) -> Incident:
    """Decide not to notify, with who, when and a written reason (required); the impact is frozen as the
    record of what was assessed (GDPR Art. 33(5)). Not possible once a notice has been sent."""
    ensure_writer(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Deciding not to notify needs a written reason."})
    with transaction.atomic():
        locked = _locked(incident)
        if locked.decision == Decision.NO_NOTIFICATION:
            raise ValidationError("The decision not to notify is already recorded.")
        if locked.notices.filter(sent_at__isnull=False).exists():
            raise ValidationError("Customers have already been notified; the decision cannot become “no notification”.")
        if locked.phase == Phase.CLOSED:
            raise ValidationError("The incident is closed; reopen it first.")
        return _decide(actor, locked, Decision.NO_NOTIFICATION, reason)


def incident_impact_freeze(*, actor: Actor, incident: Incident) -> dict[str, int]:
    """Freeze the live impact again (after a scope change), for a decision already taken."""
    ensure_writer(actor)
    with transaction.atomic():
        locked = _locked(incident)
        if locked.decision == Decision.PENDING:
            raise ValidationError("Nothing is frozen before a decision; decide first.")
        if locked.phase == Phase.CLOSED:
            raise ValidationError("The incident is closed; reopen it first.")
        totals = freeze_impact(locked)
        audit_record(actor=actor, action="incident.impact_freeze", obj=locked, after={"frozen": totals})
    return totals
