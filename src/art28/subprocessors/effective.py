"""Announced changes become effective on their day: the register's in-use dates follow (the register
at a past date reads them), except that a replaced sub-processor stays in use while some customer is
kept on it (an objection or a missing consent: GDPR Art. 28(2), DSV Art. 7). Each change is one
transaction with its audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, SystemActor, audit_record
from art28.subprocessors.models import Change, ChangeKind, ChangeStatus, SubProcessor
from art28.subprocessors.rules import recipient_applies

APPLY_ACTOR = SystemActor("subprocessor-changes-apply")


def _locked(change: Change) -> Change:
    return Change.objects.select_for_update(of=("self",)).select_related("subprocessor", "replaces").get(pk=change.pk)


def _in_use_dates(sp: SubProcessor) -> dict[str, Any]:
    return {"slug": sp.slug, "in_use_from": sp.in_use_from, "in_use_until": sp.in_use_until}


def _set_in_use(sp: SubProcessor, *, start: dt.date | None = None, end: dt.date | None = None) -> None:
    locked = SubProcessor.objects.select_for_update().get(pk=sp.pk)
    if start is not None:
        locked.in_use_from = locked.in_use_from or start
        locked.in_use_until = None
    if end is not None and locked.in_use_until is None:
        locked.in_use_until = end
    locked.save(update_fields=["in_use_from", "in_use_until"])
    sp.in_use_from, sp.in_use_until = locked.in_use_from, locked.in_use_until


def _not_applying(change: Change) -> int:
    return sum(1 for r in change.recipients.all() if not recipient_applies(r, change.kind))


def change_make_effective(*, actor: Actor, change: Change, today: dt.date | None = None) -> Change:
    """Make one announced change effective (its date has come): addition → the new one in use from the
    effective date (and used for the change's services); removal → no longer in use from then;
    replacement → both, except that the old one stays in use while some customer is kept on it."""
    with transaction.atomic():
        locked = _locked(change)
        if locked.status != ChangeStatus.ANNOUNCED:
            raise ValidationError(f"This change is {locked.status}; only an announced change becomes effective.")
        day = locked.effective_on
        assert day is not None
        if (today or timezone.localdate()) < day:
            raise ValidationError(f"This change becomes effective on {day}, not before.")
        sp, old = locked.subprocessor, locked.replaces
        before = [_in_use_dates(x) for x in (sp, old) if x is not None]
        staying = _not_applying(locked)
        if locked.kind == ChangeKind.REMOVAL:
            _set_in_use(sp, end=day)
        else:
            _set_in_use(sp, start=day)
            sp.services.add(*locked.services.all())
        if locked.kind == ChangeKind.REPLACEMENT and old is not None and staying == 0:
            _set_in_use(old, end=day)
        locked.status = ChangeStatus.EFFECTIVE
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="subprocessor.change.effective",
            obj=locked,
            before={"status": ChangeStatus.ANNOUNCED, "subprocessors": before},
            after={
                "status": locked.status,
                "effective_on": day,
                "subprocessors": [_in_use_dates(x) for x in (sp, old) if x is not None],
                "customers_not_applying": staying,
            },
        )
    return locked


def changes_apply_due(today: dt.date | None = None, *, actor: Actor = APPLY_ACTOR) -> list[Change]:
    """Every announced change whose effective date has come, made effective (one transaction each)."""
    today = today or timezone.localdate()
    due = Change.objects.filter(status=ChangeStatus.ANNOUNCED, effective_on__lte=today).order_by("effective_on", "pk")
    applied = []
    for change in due:
        try:
            applied.append(change_make_effective(actor=actor, change=change, today=today))
        except ValidationError:
            continue  # made effective (or withdrawn) meanwhile by another worker
    return applied


def retire_replaced_if_unused(*, actor: Actor, change: Change) -> None:
    """After a resolution: once every customer of an effective replacement has moved to the new
    sub-processor, the old one is no longer in use (from today). Runs in the caller's transaction."""
    if change.kind != ChangeKind.REPLACEMENT or change.status != ChangeStatus.EFFECTIVE or change.replaces is None:
        return
    old = change.replaces
    if old.in_use_until is not None or _not_applying(change):
        return
    before = _in_use_dates(old)
    _set_in_use(old, end=max(timezone.localdate(), change.effective_on or timezone.localdate()))
    audit_record(
        actor=actor,
        action="subprocessor.retire",
        obj=old,
        object_repr=f"{old} (replaced by {change.subprocessor})",
        before=before,
        after=_in_use_dates(old) | {"change": change.pk},
    )
