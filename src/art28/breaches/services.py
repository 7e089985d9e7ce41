"""Writes on incidents: declaration, facts, scope, phases, decisions, severity, deletion.

Every function takes an ``actor``, runs in one transaction and writes its audit entry in it. Only the
provider's security and DPO staff (and administrators) handle breaches; scripts act as SystemActor.
Decisions (and the frozen impact) are written in breaches/decisions.py, notices in breaches/sending.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from art28.breaches.impact import UnknownScope, resolve_scope
from art28.breaches.models import (
    Decision,
    Incident,
    IncidentSequence,
    Nature,
    Phase,
    SeverityAssessment,
)
from art28.breaches.severity import SeverityInput, SeverityInputError, assess
from art28.core import access
from art28.core.audit import Actor, SystemActor, audit_record, changed_fields
from art28.core.display import date_text, datetime_text
from art28.core.models import User

BREACH_WRITERS = access.BREACH_WRITERS  # the role table
FACT_FIELDS = (
    "title",
    "description",
    "aware_at",
    "started_at",
    "ended_at",
    "window_from",
    "window_to",
    "consequences",
    "measures",
    "remedial_action",
)
# Some slack for clocks that disagree by a little when "now" is typed in by hand.
CLOCK_SKEW = dt.timedelta(minutes=5)
# DSV Art. 15(4): the documentation is kept at least two years.
RETENTION_YEARS = 2


def can_write(actor: Actor) -> bool:
    return isinstance(actor, SystemActor) or actor.role in BREACH_WRITERS


def ensure_writer(actor: Actor) -> None:
    if not can_write(actor):
        raise PermissionDenied("Only the provider's security or DPO staff (or an administrator) handle breaches.")


def actor_fields(actor: Actor) -> tuple[User | None, str]:
    """The actor as a user (or None) and a label that survives the user's deletion."""
    if isinstance(actor, SystemActor):
        return None, actor.label
    return actor, actor.email


def _next_ref(year: int) -> str:
    sequence, _ = IncidentSequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"INC-{year}-{sequence.last:04d}"


def _set_natures(incident: Incident, natures: Iterable[str]) -> None:
    chosen = set(natures)
    if unknown := chosen - set(Nature.values):
        raise ValidationError(
            {"natures": f"unknown nature {', '.join(sorted(unknown))}; use {', '.join(Nature.values)}"}
        )
    for nature in Nature.values:
        setattr(incident, nature, nature in chosen)


def _validate_facts(incident: Incident) -> None:
    """Clear messages for the rules between the times (the database constraints are the backstop)."""
    errors: dict[str, str] = {}
    now = timezone.now() + CLOCK_SKEW
    if not incident.title.strip():
        errors["title"] = "An incident needs a title."
    if not incident.natures:
        errors["natures"] = "Choose at least one nature: confidentiality, integrity or availability."
    if incident.aware_at and incident.aware_at > now:
        errors["aware_at"] = "The provider cannot become aware of a breach in the future."
    if incident.started_at and incident.started_at > now:
        errors["started_at"] = "The breach cannot start in the future."
    if incident.ended_at and incident.ended_at > now:
        errors["ended_at"] = "The end of the breach cannot be in the future; leave it empty while it is ongoing."
    elif incident.ended_at and incident.started_at and incident.ended_at < incident.started_at:
        errors["ended_at"] = (
            f"The breach cannot end ({datetime_text(incident.ended_at)}) before it started "
            f"({datetime_text(incident.started_at)})."
        )
    # Becoming aware before the recorded start is allowed: a warning can precede the breach itself.
    if incident.window_from and incident.window_to and incident.window_to < incident.window_from:
        errors["window_to"] = "The time window must end after it starts."
    if errors:
        raise ValidationError(errors)
    incident.full_clean(exclude=["assets", "sites", "services"], validate_constraints=False)


def facts(incident: Incident) -> dict[str, Any]:
    return {name: getattr(incident, name) for name in FACT_FIELDS} | {"natures": incident.natures}


def scope_refs(incident: Incident) -> dict[str, list[str]]:
    return {
        "assets": sorted(incident.assets.values_list("ref", flat=True)),
        "sites": sorted(incident.sites.values_list("code", flat=True)),
        "services": sorted(incident.services.values_list("name", flat=True)),
    }


def _apply_scope(incident: Incident, assets: Iterable[str], sites: Iterable[str], services: Iterable[str]) -> None:
    try:
        scope = resolve_scope(assets=assets, sites=sites, services=services)
    except UnknownScope as exc:
        raise ValidationError(
            {f"{kind}s": f"unknown {kind}: {', '.join(names)}" for kind, names in exc.missing.items()}
        ) from exc
    incident.assets.set(scope.asset_ids)
    incident.sites.set(scope.site_ids)
    incident.services.set(scope.service_ids)


def incident_declare(
    *,
    actor: Actor,
    title: str,
    aware_at: dt.datetime,
    started_at: dt.datetime,
    natures: Iterable[str],
    description: str = "",
    ended_at: dt.datetime | None = None,
    assets: Iterable[str] = (),
    sites: Iterable[str] = (),
    services: Iterable[str] = (),
    **more_facts: Any,
) -> Incident:
    """Declare an incident with its facts and scope (asset refs, site codes, service names)."""
    ensure_writer(actor)
    if unknown := set(more_facts) - set(FACT_FIELDS):
        raise ValueError(f"unknown incident field {', '.join(sorted(unknown))}")
    user, label = actor_fields(actor)
    with transaction.atomic():
        now = timezone.now()
        incident = Incident(
            title=title.strip(),
            description=description,
            aware_at=aware_at,
            started_at=started_at,
            ended_at=ended_at,
            declared_at=now,
            declared_by=user,
            declared_by_label=label,
            **more_facts,
        )
        _set_natures(incident, natures)
        _validate_facts(incident)
        incident.ref = _next_ref(timezone.localtime(now).year)
        incident.save()
        _apply_scope(incident, assets, sites, services)
        audit_record(actor=actor, action="incident.declare", obj=incident, after=facts(incident) | scope_refs(incident))
    return incident


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def incident_update(
    *, actor: Actor, incident: Incident, natures: Iterable[str] | None = None, **changes: Any
) -> Incident:
    """Change facts (times, texts, the remedial action …); the audit entry keeps what changed."""
    ensure_writer(actor)
    if unknown := set(changes) - set(FACT_FIELDS):
        raise ValueError(f"unknown incident field {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _locked(incident)
        before = facts(locked)
        for name, value in changes.items():
            setattr(locked, name, value.strip() if name == "title" else value)
        if natures is not None:
            _set_natures(locked, natures)
        _validate_facts(locked)
        after = facts(locked)
        if after != before:
            locked.save()
            audit_record(
                actor=actor,
                action="incident.update",
                obj=locked,
                **changed_fields(before, after),
            )
    return locked


def incident_scope_set(
    *,
    actor: Actor,
    incident: Incident,
    assets: Iterable[str] = (),
    sites: Iterable[str] = (),
    services: Iterable[str] = (),
    window_from: dt.datetime | None = None,
    window_to: dt.datetime | None = None,
) -> Incident:
    """Replace the scope. A frozen impact is not touched; the incident page shows the live difference."""
    ensure_writer(actor)
    with transaction.atomic():
        locked = _locked(incident)
        before = scope_refs(locked) | {"window_from": locked.window_from, "window_to": locked.window_to}
        locked.window_from, locked.window_to = window_from, window_to
        _validate_facts(locked)
        _apply_scope(locked, assets, sites, services)
        locked.save(update_fields=["window_from", "window_to", "updated_at"])
        after = scope_refs(locked) | {"window_from": window_from, "window_to": window_to}
        if after != before:
            audit_record(actor=actor, action="incident.scope_set", obj=locked, before=before, after=after)
    return locked


def _phase_to(actor: Actor, incident: Incident, phase: str, note: str = "") -> None:
    """Move the (locked) incident to ``phase`` and audit it; no-op when it is there already."""
    if incident.phase == phase:
        return
    before = incident.phase
    incident.phase = phase
    incident.closed_at = timezone.now() if phase == Phase.CLOSED else None
    incident.save(update_fields=["phase", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="incident.phase_change",
        obj=incident,
        before={"phase": before},
        after={"phase": phase} | ({"note": note} if note else {}),
    )


def incident_phase_change(*, actor: Actor, incident: Incident, phase: str, note: str = "") -> Incident:
    """open → assessed → notifying → closed. "notifying" is reached by sending the first notice; closing
    needs a decision (and, when it is to notify, the first notice sent); a closed incident may reopen."""
    ensure_writer(actor)
    if phase not in Phase.values:
        raise ValidationError({"phase": f"unknown phase {phase!r}; use {', '.join(Phase.values)}"})
    with transaction.atomic():
        locked = _locked(incident)
        sent = locked.notices.filter(sent_at__isnull=False).exists()
        current = locked.phase
        if phase == current:
            return locked
        if phase == Phase.NOTIFYING and not (current == Phase.CLOSED and sent):
            raise ValidationError({"phase": "An incident moves to “notifying” when its first notice is sent."})
        if phase == Phase.OPEN:
            raise ValidationError({"phase": "An incident cannot go back to “open”; reopen it as “assessed”."})
        if phase == Phase.ASSESSED and current == Phase.NOTIFYING:
            raise ValidationError(
                {"phase": "Customers have been notified; the incident stays “notifying” until closed."}
            )
        if phase == Phase.ASSESSED and current == Phase.CLOSED and sent:
            raise ValidationError({"phase": "Customers were notified; reopen the incident as “notifying”."})
        if phase == Phase.CLOSED:
            if locked.decision == Decision.PENDING:
                raise ValidationError(
                    {"phase": "Decide first: notify the affected customers, or no notification with a reason."}
                )
            if locked.decision == Decision.NOTIFY and not sent:
                raise ValidationError({"phase": "You decided to notify: send the first notice before closing."})
        _phase_to(actor, locked, phase, note)
    return locked


def severity_assess(*, actor: Actor, incident: Incident, values: SeverityInput, notes: str = "") -> SeverityAssessment:
    """Record an ENISA 2013 assessment (breaches/severity.py). It informs; it decides nothing."""
    ensure_writer(actor)
    try:
        result = assess(values)
    except SeverityInputError as exc:
        raise ValidationError(str(exc)) from exc
    user, label = actor_fields(actor)
    with transaction.atomic():
        locked = _locked(incident)
        assessment = SeverityAssessment.objects.create(
            incident=locked,
            dpc_base=values.dpc_base,
            dpc_adjustment=values.dpc_adjustment,
            dpc_reason=values.dpc_reason.strip(),
            ease_of_identification=values.ease_of_identification,
            cb_confidentiality=values.cb_confidentiality,
            cb_integrity=values.cb_integrity,
            cb_availability=values.cb_availability,
            malicious=values.malicious,
            score=result.score,
            level=result.level,
            notes=notes.strip(),
            assessed_by=user,
            assessed_by_label=label,
        )
        audit_record(
            actor=actor,
            action="incident.severity_assess",
            obj=locked,
            after={"score": result.score, "level": result.level, "dpc": result.dpc, "cb": result.cb},
        )
        if locked.phase == Phase.OPEN:
            _phase_to(actor, locked, Phase.ASSESSED)
    return assessment


def retained_until(incident: Incident) -> dt.datetime:
    """DSV Art. 15(4): kept at least two years from the notification; from the last notice sent, or, for an
    incident never notified, from its declaration (its documentation is kept all the same)."""
    last = incident.notices.filter(sent_at__isnull=False).aggregate(last=Max("sent_at"))["last"]
    anchor = last or incident.declared_at
    try:
        return anchor.replace(year=anchor.year + RETENTION_YEARS)
    except ValueError:  # 29 February
        return anchor.replace(year=anchor.year + RETENTION_YEARS, month=3, day=1)


class IncidentRetained(ValidationError):
    pass


def incident_delete(*, actor: Actor, incident: Incident) -> None:
    """Delete an incident's documentation, but never within two years of its last notice (DSV Art. 15(4))."""
    ensure_writer(actor)
    with transaction.atomic():
        locked = _locked(incident)
        until = retained_until(locked)
        if timezone.now() < until:
            raise IncidentRetained(
                f"{locked.ref} cannot be deleted before {date_text(until)}: breach documentation "
                "is kept at least two years after the last notice (DSV Art. 15(4))."
            )
        audit_record(
            actor=actor,
            action="incident.delete",
            obj=locked,
            after=facts(locked) | {"ref": locked.ref, "decision": locked.decision, "phase": locked.phase},
        )
        locked.delete()
