"""Improvement (S2; docs/evidence.md, "Improvement"): nonconformities and their corrective actions, after
ISO/IEC 27001:2022 clause 10.2 "Nonconformity and corrective action", and GDPR Art. 32(1)(d) "a process
for regularly testing, assessing and evaluating the effectiveness" of the measures.

A nonconformity is found by a failing control, an internal or external audit, an intrusion-test finding,
an incident's lessons learned, or otherwise. Its life:

1. **open**: raised (10.2 a: react to it); its root cause not yet found;
2. **actions planned**: the root cause written (10.2 b: evaluate the need for action by finding its
   causes), corrective actions each with an owner and a due day (10.2 c: implement any action needed);
3. **verifying effectiveness**: every action done, each saying what was done;
4. **closed**: the actions found effective (10.2 d: review the effectiveness of any corrective action).
   Found not effective, it goes back to "actions planned" for a new cycle, with the verifier's note.

Writes (``<noun>_<verb>``, keyword-only, an actor, one transaction, one audit entry per change) and the
register's reads live here together; the DPO, security and administrators write (core.access
EVIDENCE_WRITERS), every staff role reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from art28.core.access import EVIDENCE_WRITERS
from art28.core.audit import audit_record
from art28.core.models import AuditEntry, User
from art28.core.roles import STAFF_WRITERS
from art28.evidence.models import (
    CorrectiveAction,
    Nonconformity,
    NonconformitySequence,
    NonconformitySource,
    NonconformityStatus,
)
from art28.evidence.selectors import EFFECTIVE, FAILING, NOT_APPLICABLE, STALE, control_statuses
from art28.records.models import TechnicalMeasure

# A reference elsewhere (an incident's, a campaign/finding's, an audit report's): checked for shape only.
SOURCE_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}")
OPEN, PLANNED, VERIFYING, CLOSED = (
    NonconformityStatus.OPEN,
    NonconformityStatus.ACTIONS_PLANNED,
    NonconformityStatus.VERIFYING,
    NonconformityStatus.CLOSED,
)


def can_write(actor: User) -> bool:
    return getattr(actor, "role", None) in EVIDENCE_WRITERS


def _ensure_writer(actor: User) -> None:
    if not can_write(actor):
        raise PermissionDenied("Only the DPO, security or an administrator handle nonconformities.")


def _next_ref(year: int) -> str:
    """NC-2026-001: the year's sequence row, locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises
    writers), so that two people raising at once never get the same number."""
    sequence, _created = NonconformitySequence.objects.select_for_update().get_or_create(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"NC-{year}-{sequence.last:03d}"


def _locked(nonconformity: Nonconformity) -> Nonconformity:
    return Nonconformity.objects.select_for_update().get(pk=nonconformity.pk)


def _not_closed(nonconformity: Nonconformity) -> None:
    if nonconformity.status == CLOSED:
        raise ValidationError(
            {"status": f"{nonconformity.ref} is closed: its actions were verified effective. Raise a new one."}
        )


# --- raising ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ControlPrefill:
    """What a nonconformity raised from a control starts with: its status and the reasons for it (no title
    or description when it is effective: a problem found earlier is for the person to describe)."""

    status: str
    title: str
    description: str
    source_ref: str


def control_prefill(measure: TechnicalMeasure) -> ControlPrefill:
    """The title, description (the control's status reasons, one per line) and source reference of a
    nonconformity raised from ``measure``, in the reader's language."""
    (status,) = control_statuses(measures=TechnicalMeasure.objects.filter(pk=measure.pk))
    words = {
        FAILING: pgettext("control status", "failing"),
        EFFECTIVE: pgettext("control status", "effective"),
        NOT_APPLICABLE: pgettext("control status", "not applicable"),
    }
    state = words.get(status.status, pgettext("control status", "stale"))
    if status.status not in (FAILING, STALE):
        return ControlPrefill(status.status, "", "", measure.ref)
    title = _("%(control)s: control %(status)s") % {"control": measure.title, "status": state}
    lines = [_("Control %(ref)s is %(status)s:") % {"ref": measure.ref, "status": state}]
    lines += [f"- {reason}" for reason in status.reasons]
    return ControlPrefill(status.status, title[:200], "\n".join(lines), measure.ref)


def nonconformity_raise(
    *,
    actor: User,
    source: str,
    title: str = "",
    description: str = "",
    source_ref: str = "",
    control: TechnicalMeasure | None = None,
    raised_on: dt.date | None = None,
) -> Nonconformity:
    """Raise a nonconformity (ISO/IEC 27001:2022 10.2 a), status "open". From a failing control
    (``source="failing-control"``, ``control=…``) an empty title, description or source reference is
    filled from the control's status and its reasons while it is failing or stale (a problem found
    earlier, no longer in its status, is for the person to describe). Raises ValidationError naming the
    field."""
    _ensure_writer(actor)
    today = timezone.localdate()
    raised_on = raised_on or today
    errors: dict[str, str] = {}
    if source not in NonconformitySource.values:
        errors["source"] = f"Unknown source {source!r}; use {', '.join(NonconformitySource.values)}."
    if source == NonconformitySource.FAILING_CONTROL:
        if control is None:
            errors["control"] = "Name the failing control."
        else:
            prefill = control_prefill(control)
            title = title.strip() or prefill.title
            description = description.strip() or prefill.description
            source_ref = source_ref.strip() or prefill.source_ref
    if control is not None and not control.active:
        errors["control"] = f"Control {control.ref} is retired."
    title, description, source_ref = title.strip(), description.strip(), source_ref.strip()
    if not title:
        errors["title"] = "Give it a title: what did not meet which requirement."
    elif len(title) > 200:
        errors["title"] = f"{len(title)} characters; at most 200."
    if not description:
        errors["description"] = "Describe what was found, where and when."
    if source_ref and not SOURCE_REF.fullmatch(source_ref):
        errors["source_ref"] = (
            "A reference such as INC-2026-0001 or RT-2026/RT-1: letters, digits and . _ : / # -, no spaces, "
            "at most 100 characters."
        )
    if raised_on > today:
        errors["raised_on"] = "A nonconformity is found on a past day or today, not in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = Nonconformity.objects.create(
            ref=_next_ref(raised_on.year),
            title=title,
            description=description,
            source=source,
            source_ref=source_ref,
            control=control,
            raised_on=raised_on,
            raised_by=actor,
        )
        audit_record(actor=actor, action="nonconformity.raise", obj=found,
                     after={"ref": found.ref, "title": title, "source": source, "source_ref": source_ref,
                            "control": control.ref if control else None, "raised_on": raised_on,
                            "description": description})  # fmt: skip
    return found


# --- the cause, the actions, their effectiveness ---------------------------------------------------------


def nonconformity_root_cause_set(*, actor: User, nonconformity: Nonconformity, root_cause: str) -> Nonconformity:
    """Write (or correct) the root cause (ISO/IEC 27001:2022 10.2 b); corrective actions need one."""
    _ensure_writer(actor)
    text = root_cause.strip()
    if not text:
        raise ValidationError({"root_cause": "Write the root cause: why did it happen, not what happened."})
    with transaction.atomic():
        locked = _locked(nonconformity)
        _not_closed(locked)
        if locked.root_cause == text:
            return locked
        before = locked.root_cause
        locked.root_cause = text
        locked.save(update_fields=["root_cause"])
        audit_record(actor=actor, action="nonconformity.root_cause_set", obj=locked,
                     before={"root_cause": before}, after={"root_cause": text})  # fmt: skip
    return locked


def corrective_action_add(
    *, actor: User, nonconformity: Nonconformity, description: str, owner: User, due_on: dt.date
) -> CorrectiveAction:
    """Plan a corrective action with its owner (a member of staff who may act) and its due day; the
    nonconformity's root cause must be known (10.2 b before c). It moves to "actions planned"."""
    _ensure_writer(actor)
    errors: dict[str, str] = {}
    text = description.strip()
    if not text:
        errors["description"] = "Say what is to be done."
    if owner.role not in STAFF_WRITERS or not owner.is_active:
        errors["owner"] = f"{owner.email} cannot own an action: choose an active member of staff (not an auditor)."
    if due_on < timezone.localdate():
        errors["due_on"] = "A new action is due today or later."
    with transaction.atomic():
        locked = _locked(nonconformity)
        _not_closed(locked)
        if not locked.root_cause:
            errors["root_cause"] = "Find the root cause first: the actions correct the cause, not the symptom."
        if errors:
            raise ValidationError(errors)
        action = CorrectiveAction.objects.create(
            nonconformity=locked, description=text, owner=owner, due_on=due_on, cycle=locked.cycle
        )
        before = locked.status
        if locked.status != PLANNED:
            locked.status = PLANNED
            locked.save(update_fields=["status"])
        audit_record(actor=actor, action="nonconformity.action_add", obj=action,
                     object_repr=f"{locked.ref}: {text}"[:300],
                     before={"status": before},
                     after={"nonconformity": locked.ref, "description": text, "owner": owner.email,
                            "due_on": due_on, "status": locked.status})  # fmt: skip
    return action


def corrective_action_done(
    *, actor: User, action: CorrectiveAction, note: str, done_on: dt.date | None = None
) -> CorrectiveAction:
    """Mark an action done on ``done_on`` (today by default) with what was done. When it was the last
    open one, the nonconformity moves to "verifying effectiveness"."""
    _ensure_writer(actor)
    done_on = done_on or timezone.localdate()
    errors: dict[str, str] = {}
    text = note.strip()
    if not text:
        errors["note"] = "Say what was done (a change, a ticket, a document)."
    if done_on > timezone.localdate():
        errors["done_on"] = "An action is done on a past day or today, not in the future."
    with transaction.atomic():
        locked = _locked(action.nonconformity)
        current = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        _not_closed(locked)
        if current.done_on is not None:
            errors["action"] = f"This action was already done on {current.done_on.isoformat()}."
        elif done_on < timezone.localtime(current.created_at).date():
            errors["done_on"] = "An action is done on or after the day it was planned."
        if errors:
            raise ValidationError(errors)
        current.done_on, current.done_note = done_on, text
        current.save(update_fields=["done_on", "done_note"])
        before = locked.status
        if not locked.actions.filter(done_on__isnull=True).exists():
            locked.status = VERIFYING
            locked.save(update_fields=["status"])
        audit_record(actor=actor, action="nonconformity.action_done", obj=current,
                     object_repr=f"{locked.ref}: {current.description}"[:300],
                     before={"status": before},
                     after={"nonconformity": locked.ref, "done_on": done_on, "note": text,
                            "status": locked.status})  # fmt: skip
    return current


def effectiveness_verify(
    *, actor: User, nonconformity: Nonconformity, effective: bool, note: str, verified_on: dt.date | None = None
) -> Nonconformity:
    """Verify the effectiveness of the actions taken (ISO/IEC 27001:2022 10.2 d; GDPR Art. 32(1)(d)), once
    every action is done. Effective: it closes (refused while its control is still failing). Not
    effective: back to "actions planned" for a new cycle; plan the next actions."""
    _ensure_writer(actor)
    verified_on = verified_on or timezone.localdate()
    errors: dict[str, str] = {}
    text = note.strip()
    if not text:
        errors["note"] = (
            "Say how effectiveness was checked (e.g. the control's evidence since …)."
            if effective
            else "Say why it is not effective and what comes next."
        )
    if verified_on > timezone.localdate():
        errors["verified_on"] = "Effectiveness is verified on a past day or today, not in the future."
    with transaction.atomic():
        locked = _locked(nonconformity)
        _not_closed(locked)
        open_actions = locked.actions.filter(done_on__isnull=True).count()
        if open_actions:
            errors["effective"] = (
                f"{open_actions} corrective action(s) still open: effectiveness is verified once every action is done."
            )
        elif locked.status != VERIFYING:
            errors["effective"] = "Plan corrective actions and get them done before verifying their effectiveness."
        elif effective and locked.control is not None:
            (status,) = control_statuses(measures=TechnicalMeasure.objects.filter(pk=locked.control.pk))
            if status.status == FAILING:
                errors["effective"] = (
                    f"Control {locked.control.ref} is still failing ({'; '.join(status.reasons)}): the actions "
                    "did not work yet, or its evidence is not collected again yet."
                )
        if errors:
            raise ValidationError(errors)
        before = {"status": locked.status, "cycle": locked.cycle}
        locked.effectiveness_verified_on, locked.effectiveness_verified_by = verified_on, actor
        locked.effectiveness_note = text
        if effective:
            locked.status = CLOSED
        else:
            locked.status, locked.cycle = PLANNED, locked.cycle + 1
        locked.save(update_fields=["status", "cycle", "effectiveness_verified_on", "effectiveness_verified_by",
                                   "effectiveness_note"])  # fmt: skip
        audit_record(actor=actor, action="nonconformity.effectiveness_verify", obj=locked, before=before,
                     after={"effective": effective, "note": text, "verified_on": verified_on,
                            "status": locked.status, "cycle": locked.cycle})  # fmt: skip
    return locked


# --- reads ------------------------------------------------------------------------------------------------


def overdue_actions(today: dt.date | None = None) -> QuerySet[CorrectiveAction]:
    """Corrective actions past their due day and not done, the most overdue first."""
    today = today or timezone.localdate()
    return (
        CorrectiveAction.objects.filter(done_on__isnull=True, due_on__lt=today)
        .select_related("nonconformity", "owner")
        .order_by("due_on", "pk")
    )


def nonconformity_register(
    *, status: str = "", source: str = "", overdue: bool = False, today: dt.date | None = None
) -> QuerySet[Nonconformity]:
    """The register, newest first, each with its counts of actions (all, open, overdue) and the next due
    day of its open actions; filtered by status, source, and "with overdue actions"."""
    today = today or timezone.localdate()
    open_action = Q(actions__done_on__isnull=True)
    rows = (
        Nonconformity.objects.select_related("control", "raised_by", "effectiveness_verified_by")
        .annotate(
            actions_total=Count("actions", distinct=True),
            actions_open=Count("actions", filter=open_action, distinct=True),
            actions_overdue=Count("actions", filter=open_action & Q(actions__due_on__lt=today), distinct=True),
            next_due_on=Min("actions__due_on", filter=open_action),
        )
        .order_by("-raised_on", "-pk")
    )
    if status in NonconformityStatus.values:
        rows = rows.filter(status=status)
    if source in NonconformitySource.values:
        rows = rows.filter(source=source)
    if overdue:
        rows = rows.filter(actions_overdue__gt=0)
    return rows


def nonconformity_counts() -> dict[str, int]:
    """How many nonconformities are in each status (every status named, zero or not)."""
    counts = dict.fromkeys(NonconformityStatus.values, 0)
    for row in Nonconformity.objects.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def nonconformity_by_ref(ref: str) -> Nonconformity | None:
    related = ("control", "raised_by", "effectiveness_verified_by")
    return Nonconformity.objects.select_related(*related).filter(ref=ref).first()


def nonconformity_history(nonconformity: Nonconformity) -> list[AuditEntry]:
    """What happened to it and its actions, in order, read from the audit trail (one query)."""
    action_ids = [str(pk) for pk in nonconformity.actions.values_list("pk", flat=True)]
    return list(
        AuditEntry.objects.filter(
            Q(object_type="evidence.nonconformity", object_id=str(nonconformity.pk))
            | Q(object_type="evidence.correctiveaction", object_id__in=action_ids)
        ).order_by("seq")
    )


REGISTER_HEADER = [
    "ref", "title", "source", "source_ref", "control", "raised_on", "raised_by", "status", "cycle", "description",
    "root_cause", "actions", "actions_open", "actions_overdue", "next_due_on", "corrective_actions",
    "effectiveness_verified_on", "effectiveness_verified_by", "effectiveness_note",
]  # fmt: skip


def register_rows(rows: Iterable[Nonconformity]) -> Iterator[list[Any]]:
    """The register's CSV rows (ISO/IEC 27001:2022 10.2: the nature of each nonconformity, the actions
    taken and their results); each action as ``owner, due day, done day: action`` in one cell."""
    chosen = list(rows)
    actions: dict[int, list[CorrectiveAction]] = {}
    listed = CorrectiveAction.objects.filter(nonconformity__in=[nc.pk for nc in chosen]).select_related("owner")
    for action in listed.order_by("due_on", "pk"):
        actions.setdefault(action.nonconformity_id, []).append(action)
    for nc in chosen:
        described = [
            f"{a.owner.email}, due {a.due_on.isoformat()}, "
            f"{'done ' + a.done_on.isoformat() if a.done_on else 'open'}: {a.description}"
            for a in actions.get(nc.pk, [])
        ]
        yield [
            nc.ref, nc.title, nc.source, nc.source_ref, nc.control.ref if nc.control else "", nc.raised_on,
            nc.raised_by.email, nc.status, nc.cycle, nc.description, nc.root_cause,
            getattr(nc, "actions_total", len(described)), getattr(nc, "actions_open", ""),
            getattr(nc, "actions_overdue", ""), getattr(nc, "next_due_on", None) or "", " | ".join(described),
            nc.effectiveness_verified_on or "",
            nc.effectiveness_verified_by.email if nc.effectiveness_verified_by else "", nc.effectiveness_note,
        ]  # fmt: skip
