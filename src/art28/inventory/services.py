"""Writes on the provider's services (products): the texts customers read. A service's ``name`` is its
English name and its key (imports create services by it, URLs and the register's JSON name it), so it is
not changed here; its translations and its description are (art28.core.translated).

Who writes: the DPO and administrators, who keep the other customer-facing texts (the matrix, the TOMs).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from art28.core import access
from art28.core.audit import Actor, SystemActor, audit_record, changed_fields
from art28.core.translated import clean_translations
from art28.inventory.models import Service

SERVICE_WRITERS = access.RECORDS_WRITERS  # the role table
TEXT_FIELDS = ("name_i18n", "description", "description_i18n")


def can_write(actor: Actor) -> bool:
    return isinstance(actor, SystemActor) or actor.role in SERVICE_WRITERS


def service_snapshot(service: Service) -> dict[str, Any]:
    return {"name": service.name, **{name: getattr(service, name) for name in TEXT_FIELDS}}


def service_texts_update(
    *,
    actor: Actor,
    service: Service,
    name_i18n: dict[str, str] | None = None,
    description: str | None = None,
    description_i18n: dict[str, str] | None = None,
) -> Service:
    """Set the name's translations, the description and its translations (None: unchanged). A bad
    translations object raises ValidationError naming ``name_i18n`` / ``description_i18n``; nothing is
    saved. The audit entry keeps what changed, before and after."""
    if not can_write(actor):
        raise PermissionDenied("Only the provider's DPO or an administrator changes the texts of a service.")
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for field, value in (("name", name_i18n), ("description", description_i18n)):
        if value is None:
            continue
        try:
            cleaned[f"{field}_i18n"] = clean_translations(value, field=field)
        except ValidationError as exc:
            errors.update({key: " ".join(messages) for key, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    if description is not None:
        cleaned["description"] = description.strip()
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        before = service_snapshot(locked)
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=list(TEXT_FIELDS))
        after = service_snapshot(locked)
        if after != before:
            audit_record(actor=actor, action="inventory.service.update", obj=locked, **changed_fields(before, after))
    return locked
