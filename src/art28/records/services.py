"""Writes on the TOMs catalogue, the responsibility matrix and the provider's own record: one transaction
each with its audit entry.

Who writes: the DPO and administrators keep the catalogue, the matrix and the Art. 30(1) record; the
security team may also *record a review* of a measure (it runs most of the Art. 32(1)(d) testing), but
not change or retire one. Every other staff role reads. Scripts act as a SystemActor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from art28.core import access
from art28.core.audit import Actor, SystemActor, audit_record
from art28.core.models import User
from art28.core.roles import STAFF_ROLES
from art28.core.translated import clean_translations
from art28.inventory.models import Service
from art28.records.models import MeasureArea, ProcessingActivity, Responsibility, TechnicalMeasure

RECORDS_WRITERS = access.RECORDS_WRITERS  # the role table
MEASURE_REVIEWERS = access.MEASURE_REVIEWERS
# Texts a customer reads in its language: ``<field>_i18n`` = {"fr": …} beside each (art28.core.translated).
MEASURE_TRANSLATED = ("title", "description")
RESPONSIBILITY_TRANSLATED = ("topic", "customer_part", "provider_part")
MEASURE_FIELDS = (
    "ref",
    "area",
    "title",
    "description",
    "review_every_days",
    "next_review_on",
    *(f"{name}_i18n" for name in MEASURE_TRANSLATED),
)
RESPONSIBILITY_FIELDS = (
    "topic",
    "customer_part",
    "provider_part",
    "position",
    *(f"{name}_i18n" for name in RESPONSIBILITY_TRANSLATED),
)
ACTIVITY_FIELDS = (
    "name",
    "purposes",
    "data_subject_categories",
    "personal_data_categories",
    "recipients",
    "transfers",
    "retention",
    "measures",
    "position",
)
MAX_REVIEW_DAYS = 3 * 365


def can_write(actor: Actor) -> bool:
    return isinstance(actor, SystemActor) or actor.role in RECORDS_WRITERS


def can_review(actor: Actor) -> bool:
    return isinstance(actor, SystemActor) or actor.role in MEASURE_REVIEWERS


def _ensure(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def ensure_writer(actor: Actor) -> None:
    _ensure(can_write(actor), "Only the provider's DPO or an administrator changes the records, TOMs and matrix.")


# ----------------------------------------------------------------------------------------------------
# TOMs (GDPR Art. 32(1))


def _clean_translations(obj: Any, fields: tuple[str, ...], errors: dict[str, str]) -> None:
    """Each ``<field>_i18n`` as stored (known languages, text values); a bad one adds an error naming it."""
    for name in fields:
        try:
            setattr(obj, f"{name}_i18n", clean_translations(getattr(obj, f"{name}_i18n"), field=name))
        except ValidationError as exc:
            errors.update({key: " ".join(messages) for key, messages in exc.message_dict.items()})


def measure_snapshot(measure: TechnicalMeasure) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(measure, name) for name in MEASURE_FIELDS}
    data |= {"owner": measure.owner.email, "active": measure.active, "last_reviewed_on": measure.last_reviewed_on}
    if measure.pk:
        data["services"] = sorted(measure.services.values_list("name", flat=True))
    return data


def _clean_measure(measure: TechnicalMeasure, owner: User) -> None:
    errors: dict[str, str] = {}
    for name in ("ref", "title", "description"):
        setattr(measure, name, str(getattr(measure, name) or "").strip())
    measure.ref = measure.ref.lower()
    _clean_translations(measure, MEASURE_TRANSLATED, errors)
    if measure.area not in MeasureArea.values:
        errors["area"] = f"{measure.area!r} is not one of GDPR Art. 32(1)(a)-(d)."
    if not (1 <= int(measure.review_every_days or 0) <= MAX_REVIEW_DAYS):
        errors["review_every_days"] = f"Review at least every {MAX_REVIEW_DAYS} days and at most daily."
    if not owner.is_staff:
        errors["owner"] = "The owner of a measure is one of the provider's staff."
    if TechnicalMeasure.objects.filter(ref=measure.ref).exclude(pk=measure.pk).exists():
        errors["ref"] = f"A measure {measure.ref!r} already exists."
    if errors:
        raise ValidationError(errors)
    measure.full_clean(exclude=["owner", "services"])


def measure_create(
    *,
    actor: Actor,
    ref: str,
    area: str,
    title: str,
    description: str,
    owner: User,
    review_every_days: int = 365,
    next_review_on: dt.date | None = None,
    services: Iterable[Service] = (),
    title_i18n: dict[str, str] | None = None,
    description_i18n: dict[str, str] | None = None,
) -> TechnicalMeasure:
    """A measure of the catalogue (GDPR Art. 32), its title and description in English and optionally
    in the other languages."""
    ensure_writer(actor)
    with transaction.atomic():
        measure = TechnicalMeasure(
            ref=ref,
            area=area,
            title=title,
            description=description,
            owner=owner,
            review_every_days=review_every_days,
            next_review_on=next_review_on or timezone.localdate() + dt.timedelta(days=review_every_days or 0),
        )
        measure.title_i18n, measure.description_i18n = title_i18n or {}, description_i18n or {}
        _clean_measure(measure, owner)
        measure.save()
        measure.services.set(list(services))
        audit_record(actor=actor, action="records.measure.create", obj=measure, after=measure_snapshot(measure))
    return measure


def measure_update(
    *,
    actor: Actor,
    measure: TechnicalMeasure,
    owner: User | None = None,
    services: Iterable[Service] | None = None,
    **fields: Any,
) -> TechnicalMeasure:
    """Change the text, area, owner, cadence, next review date or services of a measure."""
    ensure_writer(actor)
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here."))
    with transaction.atomic():
        locked = TechnicalMeasure.objects.select_for_update(of=("self",)).select_related("owner").get(pk=measure.pk)
        before = measure_snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, (value or {}) if name.endswith("_i18n") else value)
        if owner is not None:
            locked.owner = owner
        _clean_measure(locked, locked.owner)
        locked.save()
        if services is not None:
            locked.services.set(list(services))
        audit_record(
            actor=actor, action="records.measure.update", obj=locked, before=before, after=measure_snapshot(locked)
        )
    return locked


def measure_review(
    *, actor: Actor, measure: TechnicalMeasure, note: str = "", on: dt.date | None = None
) -> TechnicalMeasure:
    """Record that the measure was reviewed (Art. 32(1)(d)): reviewed today, next review after its cadence."""
    _ensure(can_review(actor), "Only the DPO, security or an administrator records a review of a measure.")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the review note under 2,000 characters."})
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = TechnicalMeasure.objects.select_for_update().get(pk=measure.pk)
        if not locked.active:
            raise ValidationError("A retired measure is not reviewed.")
        before = {"last_reviewed_on": locked.last_reviewed_on, "next_review_on": locked.next_review_on}
        locked.last_reviewed_on = day
        locked.next_review_on = day + dt.timedelta(days=locked.review_every_days)
        locked.save(update_fields=["last_reviewed_on", "next_review_on"])
        audit_record(
            actor=actor,
            action="records.measure.review",
            obj=locked,
            before=before,
            after={"last_reviewed_on": day, "next_review_on": locked.next_review_on, "note": note},
        )
    return locked


def measure_retire(*, actor: Actor, measure: TechnicalMeasure, reason: str = "") -> TechnicalMeasure:
    """Retire a measure: it leaves the records and the DPA, its history stays."""
    ensure_writer(actor)
    with transaction.atomic():
        locked = TechnicalMeasure.objects.select_for_update().get(pk=measure.pk)
        if not locked.active:
            raise ValidationError("This measure is already retired.")
        locked.active = False
        locked.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="records.measure.retire",
            obj=locked,
            before={"active": True},
            after={"active": False, "reason": (reason or "").strip()},
        )
    return locked


# ----------------------------------------------------------------------------------------------------
# The responsibility matrix (GDPR Art. 28(3)(f), the provider page's "who does what")


def _responsibility_snapshot(line: Responsibility) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(line, name) for name in RESPONSIBILITY_FIELDS}
    data["service"] = line.service.name if line.service_id and line.service else None
    return data


def _save_responsibility(line: Responsibility) -> None:
    for name in ("topic", "customer_part", "provider_part"):
        setattr(line, name, str(getattr(line, name) or "").strip())
    errors: dict[str, str] = {}
    _clean_translations(line, RESPONSIBILITY_TRANSLATED, errors)
    if errors:
        raise ValidationError(errors)
    line.full_clean(exclude=["service"])
    clash = Responsibility.objects.filter(service=line.service, topic=line.topic).exclude(pk=line.pk)
    if clash.exists():
        raise ValidationError({"topic": "This service already has a line on this topic."})
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as exc:  # a concurrent writer took the topic meanwhile
        raise ValidationError({"topic": "This service already has a line on this topic."}) from exc


def responsibility_create(
    *,
    actor: Actor,
    service: Service | None,
    topic: str,
    customer_part: str,
    provider_part: str,
    position: int = 0,
    topic_i18n: dict[str, str] | None = None,
    customer_part_i18n: dict[str, str] | None = None,
    provider_part_i18n: dict[str, str] | None = None,
) -> Responsibility:
    """A line of one service's matrix, or of every service's (``service=None``); its texts in English and
    optionally in the other languages."""
    ensure_writer(actor)
    with transaction.atomic():
        line = Responsibility(
            service=service,
            topic=topic,
            customer_part=customer_part,
            provider_part=provider_part,
            position=position,
        )
        line.topic_i18n, line.customer_part_i18n = topic_i18n or {}, customer_part_i18n or {}
        line.provider_part_i18n = provider_part_i18n or {}
        _save_responsibility(line)
        audit_record(
            actor=actor, action="records.responsibility.create", obj=line, after=_responsibility_snapshot(line)
        )
    return line


def responsibility_update(
    *, actor: Actor, line: Responsibility, service: Service | None, **fields: Any
) -> Responsibility:
    ensure_writer(actor)
    with transaction.atomic():
        locked = Responsibility.objects.select_for_update(of=("self",)).select_related("service").get(pk=line.pk)
        before = _responsibility_snapshot(locked)
        for name in RESPONSIBILITY_FIELDS:
            if name in fields:
                setattr(locked, name, (fields[name] or {}) if name.endswith("_i18n") else fields[name])
        locked.service = service
        _save_responsibility(locked)
        audit_record(
            actor=actor,
            action="records.responsibility.update",
            obj=locked,
            before=before,
            after=_responsibility_snapshot(locked),
        )
    return locked


def responsibility_delete(*, actor: Actor, line: Responsibility) -> None:
    ensure_writer(actor)
    with transaction.atomic():
        before = _responsibility_snapshot(line)
        audit_record(actor=actor, action="records.responsibility.delete", obj=line, before=before)
        line.delete()


# ----------------------------------------------------------------------------------------------------
# The provider's own record (GDPR Art. 30(1), nFADP Art. 12(2))


def _activity_snapshot(activity: ProcessingActivity) -> dict[str, Any]:
    return {name: getattr(activity, name) for name in ACTIVITY_FIELDS}


def _save_activity(activity: ProcessingActivity) -> None:
    for name in ACTIVITY_FIELDS:
        if name != "position":
            setattr(activity, name, str(getattr(activity, name) or "").strip())
    activity.full_clean(validate_unique=False)
    if ProcessingActivity.objects.filter(name=activity.name).exclude(pk=activity.pk).exists():
        raise ValidationError({"name": f"An activity called {activity.name!r} already exists."})
    activity.save()


def activity_create(*, actor: Actor, **fields: Any) -> ProcessingActivity:
    ensure_writer(actor)
    with transaction.atomic():
        activity = ProcessingActivity(**{name: fields.get(name, "") for name in ACTIVITY_FIELDS if name in fields})
        _save_activity(activity)
        audit_record(actor=actor, action="records.activity.create", obj=activity, after=_activity_snapshot(activity))
    return activity


def activity_update(*, actor: Actor, activity: ProcessingActivity, **fields: Any) -> ProcessingActivity:
    ensure_writer(actor)
    with transaction.atomic():
        locked = ProcessingActivity.objects.select_for_update().get(pk=activity.pk)
        before = _activity_snapshot(locked)
        for name in ACTIVITY_FIELDS:
            if name in fields:
                setattr(locked, name, fields[name])
        _save_activity(locked)
        audit_record(
            actor=actor,
            action="records.activity.update",
            obj=locked,
            before=before,
            after=_activity_snapshot(locked),
        )
    return locked


def activity_delete(*, actor: Actor, activity: ProcessingActivity) -> None:
    ensure_writer(actor)
    with transaction.atomic():
        audit_record(actor=actor, action="records.activity.delete", obj=activity, before=_activity_snapshot(activity))
        activity.delete()


def staff_owner_choices() -> list[User]:
    """Who can own a measure: the provider's staff."""
    return list(User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("email"))
