"""Writes on changes: draft, edit, announce, withdraw, and make due changes effective.

GDPR Art. 28(2) / DSV Art. 7: an addition or replacement is announced to the customers concerned
ahead of time, with the opportunity to object (general authorisation) or the request for consent
(specific authorisation). The effective date is no earlier than the announcement plus the longest
recorded notice period among those customers (none recorded: the provider's own minimum). A customer
with no recorded authorisation is informed too, but the change never applies to it. Each write is one
transaction with its audit entry; announcing also writes the outbox messages and sends
``signals.change_announced`` inside that transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from art28.core.audit import Actor, audit_record, changed_fields
from art28.core.models import Organisation
from art28.inventory.models import Asset, Placement, Service
from art28.notify.services import messages_create
from art28.subprocessors import notices, signals

# Re-exported (see __all__): callers may make changes effective through this module too.
from art28.subprocessors.effective import change_make_effective, changes_apply_due, retire_replaced_if_unused
from art28.subprocessors.models import (
    NOT_AUTHORISED,
    Change,
    ChangeKind,
    ChangeRecipient,
    ChangeStatus,
    ConsentStatus,
    Resolution,
    SubProcessor,
)
from art28.subprocessors.rules import (
    PROVIDER_MINIMUM_NOTICE_DAYS,
    effective_date,
    flowdown_problem,
    initial_consent,
    needs_answer,
)
from art28.subprocessors.selectors import agreements_in_effect, effective_services
from art28.subprocessors.services import actor_user, ensure_writer, resolve_services

RECIPIENT_BATCH = 2000

# The customers concerned by a change: placements on an asset of one of its services, or below one.
_CONCERNED = """
WITH RECURSIVE cover(asset_id) AS (
    SELECT a.id FROM {asset} a JOIN {link} cs ON cs.service_id = a.service_id WHERE cs.change_id = %s
    UNION
    SELECT child.id FROM cover JOIN {asset} child ON child.parent_id = cover.asset_id
)
SELECT p.customer_id FROM cover JOIN {placement} p ON p.asset_id = cover.asset_id
"""


def _concerned_sql() -> str:
    return _CONCERNED.format(
        asset=Asset._meta.db_table, placement=Placement._meta.db_table, link=Change.services.through._meta.db_table
    )


def change_snapshot(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "subprocessor": change.subprocessor.slug,
        "replaces": change.replaces.slug if change.replaces else None,
        "services": sorted(s.name for s in change.services.all()) if change.pk else [],
        "summary": change.summary,
        "status": change.status,
        "effective_on": change.effective_on,
    }


def _subprocessor(value: SubProcessor | str | None, field: str) -> SubProcessor | None:
    if isinstance(value, SubProcessor):
        return value
    if not value:
        return None
    found = SubProcessor.objects.filter(slug=value).first()
    if found is None:
        raise ValidationError({field: f"no sub-processor {value!r}"})
    return found


def _validate(change: Change, services: list[Service]) -> None:
    errors: dict[str, str] = {}
    sp, old = change.subprocessor, change.replaces
    if change.kind not in ChangeKind.values:
        errors["kind"] = f"unknown kind {change.kind!r}; use {', '.join(ChangeKind.values)}"
    elif change.kind == ChangeKind.REPLACEMENT:
        if old is None:
            errors["replaces"] = "A replacement names the sub-processor it replaces."
        elif old.pk == sp.pk:
            errors["replaces"] = "A sub-processor cannot replace itself."
        elif old.in_use_from is None or old.in_use_until is not None:
            errors["replaces"] = f"{old.legal_name} is not in use; there is nothing to replace."
    elif old is not None:
        errors["replaces"] = "Only a replacement names a sub-processor it replaces."
    if change.kind == ChangeKind.REMOVAL and (sp.in_use_from is None or sp.in_use_until is not None):
        errors["subprocessor"] = f"{sp.legal_name} is not in use; there is nothing to remove."
    if change.kind in (ChangeKind.ADDITION, ChangeKind.REPLACEMENT) and sp.in_use_until is not None:
        errors["subprocessor"] = (
            f"{sp.legal_name} was removed on {sp.in_use_until}; register it anew to engage it again, so that "
            "the register at past dates stays true."
        )
    if not change.summary.strip():
        errors["summary"] = "Say what changes and why: the customers read it."
    if not services:
        errors["services"] = "Name the services concerned: their customers are the ones told."
    if errors:
        raise ValidationError(errors)


def change_draft(
    *,
    actor: Actor,
    kind: str,
    subprocessor: SubProcessor | str,
    summary: str,
    replaces: SubProcessor | str | None = None,
    services: Iterable[str | Service] | None = None,
) -> Change:
    """A draft change. ``services`` default to those of the sub-processor (for a replacement: of the one
    it replaces), including its engagers' (Art. 28(4))."""
    ensure_writer(actor)
    with transaction.atomic():
        sp = _subprocessor(subprocessor, "subprocessor")
        if sp is None:
            raise ValidationError({"subprocessor": "Name the sub-processor the change is about."})
        old = _subprocessor(replaces, "replaces")
        change = Change(kind=kind, subprocessor=sp, replaces=old, summary=summary.strip(), created_by=actor_user(actor))
        if services is None:
            base = old if kind == ChangeKind.REPLACEMENT and old is not None else sp
            service_rows = effective_services(base)
        else:
            service_rows = resolve_services(services)
        _validate(change, service_rows)
        change.save()
        change.services.set(service_rows)
        audit_record(actor=actor, action="subprocessor.change.draft", obj=change, after=change_snapshot(change))
    return change


def _locked(change: Change) -> Change:
    return Change.objects.select_for_update(of=("self",)).select_related("subprocessor", "replaces").get(pk=change.pk)


def change_update(
    *,
    actor: Actor,
    change: Change,
    summary: str | None = None,
    replaces: SubProcessor | str | None = None,
    services: Iterable[str | Service] | None = None,
) -> Change:
    """Edit a draft (what was announced cannot change; withdraw it and announce another)."""
    ensure_writer(actor)
    with transaction.atomic():
        locked = _locked(change)
        if locked.status != ChangeStatus.DRAFT:
            raise ValidationError(f"This change is {locked.status}; only a draft can be edited.")
        before = change_snapshot(locked)
        if summary is not None:
            locked.summary = summary.strip()
        if replaces is not None:
            locked.replaces = _subprocessor(replaces, "replaces")
        service_rows = resolve_services(services) if services is not None else list(locked.services.all())
        _validate(locked, service_rows)
        locked.save()
        locked.services.set(service_rows)
        after = change_snapshot(locked)
        if after != before:
            audit_record(
                actor=actor,
                action="subprocessor.change.update",
                obj=locked,
                **changed_fields(before, after),
            )
    return locked


def change_discard(*, actor: Actor, change: Change) -> None:
    """Delete a draft that was never announced (an announced one is part of the record)."""
    ensure_writer(actor)
    with transaction.atomic():
        locked = _locked(change)
        if locked.status != ChangeStatus.DRAFT:
            raise ValidationError("Only a draft can be discarded; an announced change can be withdrawn.")
        audit_record(actor=actor, action="subprocessor.change.discard", obj=locked, before=change_snapshot(locked))
        locked.delete()


def _require_flowdown_agreement(change: Change) -> None:
    """GDPR Art. 28(4), nFADP Art. 9(3): the sub-processor an addition or a replacement brings in must be
    bound by an agreement imposing the same obligations, covering every duty of Art. 28(3)(a)-(h), before
    the customers are told of it. A removal brings nobody in; the replaced sub-processor is leaving."""
    if not needs_answer(change.kind):
        return
    sp = change.subprocessor
    if problem := flowdown_problem(sp, agreements_in_effect([sp.pk]).get(sp.pk)):
        raise ValidationError({"subprocessor": problem})


def change_announce(*, actor: Actor, change: Change, effective_on: dt.date | None = None) -> Change:
    """Announce to exactly the customers concerned, once each, in one transaction (Art. 28(2)). An addition
    or a replacement is refused while the sub-processor it brings in has no flow-down agreement in place
    (Art. 28(4): one covering every duty of Art. 28(3)(a)-(h)), naming what is missing.

    ``effective_on``: a later date than the rule's minimum if wanted; an earlier one is refused.
    """
    ensure_writer(actor)
    with transaction.atomic():
        locked = _locked(change)
        if locked.status != ChangeStatus.DRAFT:
            raise ValidationError(f"This change is {locked.status} already; only a draft can be announced.")
        services = list(locked.services.all())
        _validate(locked, services)
        _require_flowdown_agreement(locked)
        organisations = list(
            Organisation.objects.filter(pk__in=RawSQL(_concerned_sql(), [locked.pk]))  # noqa: S611
            .select_related("contract")
            .order_by("ref")
        )
        # No Contract: no recorded authorisation (Art. 28(2)); informed, the change never applies to it.
        terms: dict[int, tuple[str, int | None]] = {}
        for org in organisations:
            contract = getattr(org, "contract", None)
            terms[org.pk] = (contract.authorisation, contract.notice_days) if contract else (NOT_AUTHORISED, None)
        recorded = [days for _, days in terms.values() if days is not None]
        now = timezone.now()
        minimum = effective_date(timezone.localdate(now), recorded)
        if effective_on is not None and effective_on < minimum:
            why = (
                "the longest notice period among the customers concerned must run in full (GDPR Art. 28(2))"
                if recorded
                else f"no customer concerned has a recorded notice period; the provider's own minimum is "
                f"{PROVIDER_MINIMUM_NOTICE_DAYS} days"
            )
            raise ValidationError({"effective_on": f"The effective date cannot be before {minimum}: {why}."})
        ChangeRecipient.objects.bulk_create(
            [
                ChangeRecipient(
                    change=locked,
                    organisation=org,
                    authorisation=terms[org.pk][0],
                    notice_days=terms[org.pk][1],
                    consent=initial_consent(locked.kind, terms[org.pk][0]),
                )
                for org in organisations
            ],
            batch_size=RECIPIENT_BATCH,
        )
        locked.status, locked.announced_at = ChangeStatus.ANNOUNCED, now
        locked.effective_on = effective_on or minimum
        locked.save(update_fields=["status", "announced_at", "effective_on"])
        drafts = notices.drafts_for(locked, ((org, terms[org.pk][0]) for org in organisations), which="announce")
        deliveries = messages_create(
            topic=notices.TOPIC, drafts=drafts, source_type=notices.SOURCE_TYPE, source_id=locked.pk
        )
        signals.change_announced.send(sender=Change, change=locked)
        by_authorisation = Counter(authorisation for authorisation, _ in terms.values())
        audit_record(
            actor=actor,
            action="subprocessor.change.announce",
            obj=locked,
            after=change_snapshot(locked)
            | {
                "announced_at": now,
                "customers": len(organisations),
                "general": by_authorisation.get("general", 0),
                "specific": by_authorisation.get("specific", 0),
                "not_authorised": by_authorisation.get(NOT_AUTHORISED, 0),
                "longest_notice_days": max(recorded, default=None),
                "notice_floor": "recorded" if recorded else f"provider minimum ({PROVIDER_MINIMUM_NOTICE_DAYS} days)",
                "deliveries": deliveries,
            },
        )
        transaction.on_commit(lambda: _schedule_apply(locked.effective_on))
    return locked


def _schedule_apply(effective_on: dt.date | None) -> None:
    """Ask the task worker to apply the change on its day, where the backend can defer; cron's
    ``art28 subprocessor-changes-apply`` does it everywhere else."""
    from art28.subprocessors.tasks import apply_due_changes

    if effective_on is None or not apply_due_changes.get_backend().supports_defer:
        return
    midnight = timezone.make_aware(dt.datetime.combine(effective_on, dt.time(0, 1)))
    apply_due_changes.using(run_after=midnight).enqueue()


def change_withdraw(*, actor: Actor, change: Change, reason: str) -> Change:
    """Withdraw an announced change before it is effective, telling every customer it was announced to;
    the open objections are resolved by it."""
    ensure_writer(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for withdrawing: the customers are told."})
    with transaction.atomic():
        locked = _locked(change)
        if locked.status != ChangeStatus.ANNOUNCED:
            raise ValidationError(
                f"Only an announced change can be withdrawn; this one is {locked.status}. "
                "To undo an effective change, announce a new one."
            )
        now = timezone.now()
        locked.status, locked.withdrawn_at, locked.withdrawn_reason = ChangeStatus.WITHDRAWN, now, reason.strip()
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_reason"])
        rows = list(ChangeRecipient.objects.filter(change=locked).select_related("organisation"))
        objected = Q(objected_at__isnull=False) | Q(consent=ConsentStatus.REFUSED)
        resolved = ChangeRecipient.objects.filter(objected, change=locked, resolution=Resolution.NONE).update(
            resolution=Resolution.WITHDRAWN,
            resolved_at=now,
            resolved_by=actor_user(actor),
            resolution_note=locked.withdrawn_reason,
        )
        drafts = notices.drafts_for(locked, ((r.organisation, r.authorisation) for r in rows), which="withdraw")
        deliveries = messages_create(
            topic=notices.TOPIC_WITHDRAWN, drafts=drafts, source_type=notices.SOURCE_TYPE, source_id=locked.pk
        )
        signals.change_withdrawn.send(sender=Change, change=locked)
        audit_record(
            actor=actor,
            action="subprocessor.change.withdraw",
            obj=locked,
            before={"status": ChangeStatus.ANNOUNCED},
            after={
                "status": locked.status,
                "reason": locked.withdrawn_reason,
                "customers": len(rows),
                "objections_resolved": resolved,
                "deliveries": deliveries,
            },
        )
    return locked


__all__ = [
    "change_announce",
    "change_discard",
    "change_draft",
    "change_make_effective",
    "change_update",
    "change_withdraw",
    "changes_apply_due",
    "retire_replaced_if_unused",
]
