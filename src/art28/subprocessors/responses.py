"""The customers' answers to an announced change, and how staff resolve an objection.

GDPR Art. 28(2): under a general authorisation the controller may object to an addition or a
replacement; the objection blocks the change for that customer until it is resolved (PRODUCT.md,
"The law"). Under a specific authorisation (Art. 28(2), DSV Art. 7) the change applies to a customer
only once it consented. A removal brings nobody's data anywhere new: there is nothing to object to.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.display import date_text
from art28.core.dpo import dpo_profile
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.subprocessors.changes import change_withdraw
from art28.subprocessors.effective import retire_replaced_if_unused
from art28.subprocessors.models import (
    NOT_AUTHORISED,
    Authorisation,
    Change,
    ChangeRecipient,
    ChangeStatus,
    ConsentStatus,
    Resolution,
)
from art28.subprocessors.rules import before_effective_date, has_open_objection, needs_answer
from art28.subprocessors.services import actor_user, can_write, ensure_writer


def _check_may_answer(actor: Actor, organisation: Organisation) -> None:
    """A customer's administrator answers for its own organisation; the DPO or an administrator may
    record an answer received another way (a letter); nobody else."""
    if isinstance(actor, User) and actor.is_customer:
        if actor.organisation_id != organisation.pk:
            raise PermissionDenied("A customer user answers only for its own organisation.")
        if actor.role != Role.CUSTOMER_ADMIN:
            raise PermissionDenied("Only your organisation's administrators can object or consent.")
    elif not can_write(actor):
        raise PermissionDenied("Only the provider's DPO or an administrator records a customer's answer.")


def _locked_row(change: Change, organisation: Organisation) -> ChangeRecipient:
    row = (
        ChangeRecipient.objects.select_for_update(of=("self",))
        .select_related("change", "change__subprocessor", "change__replaces", "organisation")
        .filter(change_id=change.pk, organisation=organisation)
        .first()
    )
    if row is None:
        raise ValidationError("This change was not announced to your organisation.")
    return row


def _row_state(row: ChangeRecipient) -> dict[str, Any]:
    return {
        "consent": row.consent,
        "objected_at": row.objected_at,
        "objection_reason": row.objection_reason,
        "resolution": row.resolution,
        "resolution_note": row.resolution_note,
    }


def _check_answerable(row: ChangeRecipient) -> None:
    change = row.change
    if change.status == ChangeStatus.WITHDRAWN:
        raise ValidationError("This change was withdrawn; there is nothing to answer.")
    if not needs_answer(change.kind):
        raise ValidationError(
            "A removal brings your data nowhere new: GDPR Art. 28(2) gives the right to object to additions "
            "and replacements of sub-processors, and no consent is needed."
        )
    if row.authorisation == NOT_AUTHORISED:
        # GDPR Art. 28(2): without a recorded authorisation the change never applies to this customer.
        raise ValidationError(
            "No written authorisation of yours was on record when this change was announced: the new "
            "sub-processor is not engaged for your data, and there is nothing to object or consent to."
        )
    if row.resolution:
        raise ValidationError(
            f"This was settled with the provider on {date_text(row.resolved_at or timezone.now())} "
            f"({Resolution(row.resolution).label}); contact the provider's DPO ({dpo_profile().email}) "
            "to change it."
        )


def _audit_answer(actor: Actor, row: ChangeRecipient, before: dict[str, Any], *, action: str, what: str) -> None:
    """The audit entry of a customer's answer: on the change, in the customer's organisation."""
    audit_record(
        actor=actor,
        action=action,
        obj=row.change,
        object_repr=f"{what} of {row.organisation.ref} to {row.change}",
        organisation_id=row.organisation_id,
        before=before,
        after=_row_state(row),
    )


def change_object(*, actor: Actor, change: Change, organisation: Organisation, reason: str = "") -> ChangeRecipient:
    """Record the customer's objection before the effective date (GDPR Art. 28(2)).

    The reason is optional: neither GDPR Art. 28(2) nor SCC 2021/914 Clause 9(a) asks the controller to
    justify an objection to an added or replaced sub-processor. A reason given is kept (it helps the
    provider address the objection); none given is recorded as an empty reason."""
    _check_may_answer(actor, organisation)
    with transaction.atomic():
        row = _locked_row(change, organisation)
        _check_answerable(row)
        if row.authorisation == Authorisation.SPECIFIC:
            raise ValidationError(
                "Under your specific authorisation the change needs your consent: refuse your consent instead."
            )
        if not before_effective_date(row.change):
            raise ValidationError(
                f"This change took effect on {row.change.effective_on}; objections had to be made before that "
                f"date. Please contact the provider's DPO ({dpo_profile().email})."
            )
        if row.objected_at is not None:
            raise ValidationError(f"Your organisation objected on {date_text(row.objected_at)} already.")
        before = _row_state(row)
        row.objected_at, row.objected_by, row.objection_reason = timezone.now(), actor_user(actor), reason.strip()
        row.save(update_fields=["objected_at", "objected_by", "objection_reason"])
        _audit_answer(actor, row, before, action="subprocessor.change.object", what="objection")
    return row


def change_consent(*, actor: Actor, change: Change, organisation: Organisation, consent: bool) -> ChangeRecipient:
    """Record the customer's consent or refusal (specific authorisation, DSV Art. 7). Before the effective
    date the customer may change its mind; after it, a refusal (or no answer) can still become consent,
    from which day on the change applies, but consent given cannot be taken back here."""
    _check_may_answer(actor, organisation)
    with transaction.atomic():
        row = _locked_row(change, organisation)
        _check_answerable(row)
        if row.authorisation != Authorisation.SPECIFIC:
            raise ValidationError(
                "Under your general authorisation no consent is needed; you may object before the effective date."
            )
        wanted = ConsentStatus.GIVEN if consent else ConsentStatus.REFUSED
        if row.consent == wanted:
            return row
        if row.consent == ConsentStatus.GIVEN and not before_effective_date(row.change):
            raise ValidationError(
                f"Your consent applies since {row.change.effective_on}; to end it, contact the provider's DPO "
                f"({dpo_profile().email})."
            )
        before = _row_state(row)
        row.consent, row.consent_at, row.consent_by = wanted, timezone.now(), actor_user(actor)
        row.save(update_fields=["consent", "consent_at", "consent_by"])
        _audit_answer(actor, row, before, action="subprocessor.change.consent", what="consent")
        retire_replaced_if_unused(actor=actor, change=row.change)
    return row


def change_resolve(
    *, actor: Actor, change: Change, organisation: Organisation, resolution: str, note: str
) -> ChangeRecipient:
    """Staff resolve one open objection (or refused consent):

    - ``withdrawn``: the whole change is withdrawn (every customer is told; only before it is effective);
    - ``old_arrangement``: the customer stays on the old arrangement: the change does not apply to it;
    - ``termination``: the customer chose to terminate; the change does not apply to it meanwhile;
    - ``objection_withdrawn``: the customer withdrew its objection (or now consents): the change applies.
    """
    ensure_writer(actor)
    if resolution not in Resolution.values or resolution == Resolution.NONE:
        choices = ", ".join(v for v in Resolution.values if v)
        raise ValidationError({"resolution": f"unknown resolution {resolution!r}; use one of {choices}"})
    if not note.strip():
        raise ValidationError({"note": "Write down how it was resolved (what was agreed, with whom)."})
    with transaction.atomic():
        row = _locked_row(change, organisation)
        if not has_open_objection(row):
            raise ValidationError(f"{organisation.ref} has no open objection to this change.")
        before = _row_state(row)
        if resolution == Resolution.WITHDRAWN:
            change_withdraw(actor=actor, change=row.change, reason=note)
            row.refresh_from_db()
        else:
            row.resolution, row.resolved_at, row.resolved_by = resolution, timezone.now(), actor_user(actor)
            row.resolution_note = note.strip()
            if resolution == Resolution.OBJECTION_WITHDRAWN and row.authorisation == Authorisation.SPECIFIC:
                row.consent, row.consent_at, row.consent_by = ConsentStatus.GIVEN, row.resolved_at, actor_user(actor)
            row.save()
        audit_record(
            actor=actor,
            action="subprocessor.change.resolve",
            obj=row.change,
            object_repr=f"objection of {organisation.ref} to {row.change}: {resolution}",
            organisation_id=organisation.pk,
            before=before,
            after=_row_state(row),
        )
        row.change.refresh_from_db()
        retire_replaced_if_unused(actor=actor, change=row.change)
    return row
