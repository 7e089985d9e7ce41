"""Every write of the end-of-contract duty (GDPR Art. 28(3)(g); nFADP Art. 9 with the DPA), each with its
audit entry in the same transaction (docs/duties.md).

A customer administrator asks in the portal (or staff enter a request received by letter or e-mail);
the list of what has to go is computed from the inventory at that moment (duties.deletion) and kept, so
the certificate speaks of what was there. Operations mark each item deleted once the contract has ended
(and, for a return, once the data was handed over); the DPO may keep an item on a legal ground instead
("unless Union or Member State law requires storage of the personal data"). When every item is deleted,
kept, or expiring with the backup rotation, the signed certificate is issued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.access import LEGAL_WRITERS, STAFF_WRITING
from art28.core.audit import Actor, SystemActor, actor_label, audit_record
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.duties.deletion import deletion_list
from art28.duties.models import DeletionItem, EndOfContract
from art28.duties.references import next_reference
from art28.inventory.ending import inventory_rows_end
from art28.inventory.models import Service

DELETION_WRITERS = STAFF_WRITING  # operations do the deleting; the DPO, security and administrators may too
MAX_NOTICE_DAYS = 3653  # ten years: an end of contract is asked for ahead, not for the far future
RETENTION_DECIDERS = LEGAL_WRITERS  # keeping data after the contract is a legal decision: DPO, administrators


def _role(actor: Actor) -> str | None:
    return actor.role if isinstance(actor, User) else None


def _audit(actor: Actor, action: str, case: EndOfContract, after: dict[str, Any], before: dict[str, Any] | None = None):
    audit_record(
        actor=actor,
        action=action,
        obj=case,
        object_repr=case.reference,
        organisation_id=case.customer_id,
        before=before,
        after={"reference": case.reference, **after},
    )


def _check_requester(actor: Actor, customer: Organisation) -> None:
    role = _role(actor)
    if isinstance(actor, User) and actor.is_customer:
        if actor.organisation_id != customer.pk or role != Role.CUSTOMER_ADMIN:
            raise PermissionDenied("Only an administrator of the customer may end its contract's processing.")
    elif role is not None and role not in DELETION_WRITERS:
        raise PermissionDenied("Your role cannot enter an end of contract.")


def end_of_contract_request(
    *,
    actor: Actor,
    customer: Organisation,
    choice: str,
    contract_ends_on: dt.date,
    services: Collection[Service] = (),
    received_via: str = "portal",
) -> EndOfContract:
    """Open the case and list, from the inventory now, every placement and copy to delete. Raises
    ValidationError naming the field for a bad choice, an open case of the same scope, or no data at all."""
    _check_requester(actor, customer)
    errors: dict[str, str] = {}
    if choice not in EndOfContract.Choice.values:
        errors["choice"] = f"{choice!r} is not one of: {', '.join(EndOfContract.Choice.values)}."
    today = timezone.localdate()
    if contract_ends_on < today - dt.timedelta(days=366):
        errors["contract_ends_on"] = "More than a year ago: enter the day the contract ends or ended."
    elif contract_ends_on > today + dt.timedelta(days=MAX_NOTICE_DAYS):
        # The days counted from it (the return, each backup's rotation) must stay real dates.
        errors["contract_ends_on"] = "More than ten years ahead: enter the day the contract ends."
    open_cases = EndOfContract.objects.filter(customer=customer).exclude(status=EndOfContract.Status.COMPLETE)
    if open_cases.exists():
        errors["services"] = f"{open_cases.first()} is under way: it must be certified before another begins."
    if errors:
        raise ValidationError(errors)
    return_by = contract_ends_on + dt.timedelta(days=settings.ART28_RETURN_DAYS) if choice == "return" else None
    deletion_from = return_by or contract_ends_on
    now = timezone.now()
    with transaction.atomic():
        case = EndOfContract.objects.create(
            reference=next_reference(EndOfContract, "EOC", now.year),
            customer=customer,
            choice=choice,
            status=EndOfContract.Status.RETURNING if return_by else EndOfContract.Status.DELETING,
            contract_ends_on=contract_ends_on,
            return_by=return_by,
            deletion_from=deletion_from,
            requested_at=now,
            requested_by=actor if isinstance(actor, User) else None,
            requested_by_label=actor_label(actor)[:200],
            received_via=received_via[:100],
        )
        chosen = list(services)
        case.services.set(chosen)
        planned = deletion_list(
            customer_id=customer.pk, service_ids=[s.pk for s in chosen], deletion_from=deletion_from
        )
        DeletionItem.objects.bulk_create([p.item(case.pk) for p in planned])
        _audit(
            actor,
            "duties.end_of_contract_request",
            case,
            {
                "customer": customer.ref,
                "choice": choice,
                "contract_ends_on": contract_ends_on,
                "return_by": return_by,
                "services": sorted(s.name for s in chosen) or "whole contract",
                "received_via": case.received_via,
                "placements": sum(p.kind == DeletionItem.Kind.PLACEMENT for p in planned),
                "copies": sum(p.kind == DeletionItem.Kind.COPY for p in planned),
            },
        )
    return case


def _locked(case: EndOfContract) -> EndOfContract:
    return EndOfContract.objects.select_for_update().get(pk=case.pk)


def end_of_contract_return_record(
    *, actor: Actor, case: EndOfContract, returned_on: dt.date, note: str
) -> EndOfContract:
    """The data was handed over (Art. 28(3)(g) "returns all the personal data"): deletion begins that day,
    and each planned day moves with it."""
    if _role(actor) not in DELETION_WRITERS and not isinstance(actor, SystemActor):
        raise PermissionDenied("Your role cannot record a return.")
    errors: dict[str, str] = {}
    if returned_on > timezone.localdate():
        errors["returned_on"] = "Not a day in the future."
    if not note.strip():
        errors["note"] = "Say what was handed over (the export, its format, its checksum)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _locked(case)
        if case.status != EndOfContract.Status.RETURNING:
            raise ValidationError({"returned_on": f"{case.reference} is not waiting for a return."})
        shift = returned_on - case.deletion_from
        for item in case.items.all():
            item.gone_on += shift
            item.save(update_fields=["gone_on"])
        case.returned_on, case.return_note = returned_on, note.strip()[:500]
        case.deletion_from, case.status = returned_on, EndOfContract.Status.DELETING
        case.save(update_fields=["returned_on", "return_note", "deletion_from", "status"])
        _audit(actor, "duties.end_of_contract_return", case, {"returned_on": returned_on, "note": case.return_note})
    return case


def _check_open_item(case: EndOfContract, item: DeletionItem, on: dt.date, field: str) -> None:
    if case.status == EndOfContract.Status.RETURNING:
        raise ValidationError({field: "The data has not been returned yet: record the return first."})
    if case.status == EndOfContract.Status.COMPLETE:
        raise ValidationError({field: f"{case.reference} is certified; nothing can change."})
    if item.deleted_on is not None or item.retained_ground:
        raise ValidationError({field: f"{item.where} is already {item.state}."})
    if on > timezone.localdate():
        raise ValidationError({field: "Not a day in the future."})
    if on < case.deletion_from:
        raise ValidationError(
            {field: f"The customer's data is processed until {case.deletion_from:%Y-%m-%d}: not before that day."}
        )


def deletion_item_mark(*, actor: Actor, item: DeletionItem, deleted_on: dt.date | None = None) -> DeletionItem:
    """Operations deleted this placement or copy. A placement's inventory row ends (its history stays);
    when it was the last thing to do, the certificate is issued in the same transaction."""
    if _role(actor) not in DELETION_WRITERS and not isinstance(actor, SystemActor):
        raise PermissionDenied("Your role cannot mark data deleted.")
    deleted_on = deleted_on or timezone.localdate()
    with transaction.atomic():
        case = _locked(item.case)
        item = DeletionItem.objects.select_for_update().get(pk=item.pk)
        _check_open_item(case, item, deleted_on, "deleted_on")
        item.deleted_on, item.deleted_by_label = deleted_on, actor_label(actor)[:200]
        item.save(update_fields=["deleted_on", "deleted_by_label"])
        if item.placement_id is not None:
            inventory_rows_end(
                placement_ids=[item.placement_id],
                flow_ids=[],
                at=timezone.now(),
                label=case.reference,
                actor_label=actor_label(actor),
            )
        _audit(
            actor,
            "duties.deletion_item_delete",
            case,
            {"item": item.pk, "kind": item.kind, "where": item.where, "deleted_on": deleted_on},
        )
        _certify_when_done(actor, case)
    return item


def deletion_item_retain(*, actor: Actor, item: DeletionItem, ground: str, until: dt.date) -> DeletionItem:
    """Keep this item because a law requires it (Art. 28(3)(g)); the certificate names it with its ground.
    The DPO or an administrator decides."""
    if _role(actor) not in RETENTION_DECIDERS and not isinstance(actor, SystemActor):
        raise PermissionDenied("Only the DPO or an administrator decides to keep data on a legal ground.")
    errors: dict[str, str] = {}
    if not ground.strip():
        errors["ground"] = "Name the law that requires keeping it (e.g. CO Art. 958f: ten years)."
    if until <= timezone.localdate():
        errors["until"] = "The day it will be deleted, after today."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _locked(item.case)
        item = DeletionItem.objects.select_for_update().get(pk=item.pk)
        _check_open_item(case, item, timezone.localdate(), "ground")
        item.retained_ground, item.retained_until = ground.strip()[:300], until
        item.save(update_fields=["retained_ground", "retained_until"])
        _audit(
            actor,
            "duties.deletion_item_retain",
            case,
            {"item": item.pk, "where": item.where, "ground": item.retained_ground, "until": until},
        )
        _certify_when_done(actor, case)
    return item


def _certify_when_done(actor: Actor, case: EndOfContract) -> None:
    if all(item.done for item in case.items.all()):
        from art28.duties.certificate import certificate_issue

        certificate_issue(actor=actor, case=case)


def deletion_certificate_issue(*, actor: Actor, case: EndOfContract) -> EndOfContract:
    """Issue the certificate of a case with nothing left to do (e.g. a customer with no data in scope)."""
    if _role(actor) not in DELETION_WRITERS and not isinstance(actor, SystemActor):
        raise PermissionDenied("Your role cannot certify a deletion.")
    with transaction.atomic():
        case = _locked(case)
        if case.status != EndOfContract.Status.DELETING:
            raise ValidationError({"case": f"{case.reference} is {case.get_status_display()}."})
        if case.deletion_from > timezone.localdate():
            raise ValidationError({"case": f"The contract runs until {case.deletion_from:%Y-%m-%d}."})
        left = [item.where for item in case.items.all() if not item.done]
        if left:
            raise ValidationError({"case": f"Still to delete: {', '.join(left[:5])}{' …' if len(left) > 5 else ''}."})
        from art28.duties.certificate import certificate_issue

        certificate_issue(actor=actor, case=case)
    return case
