"""The DPO's public profile (S11): read with defaults from the settings, edited by the DPO or an admin."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction

from art28.core.audit import Actor, audit_record
from art28.core.models import Language, User
from art28.dpo.models import DpoProfile, default_profile
from art28.dpo.roles import DPO_WRITERS
from art28.dpo.signals import profile_changed

FIELDS = ("name", "email", "phone", "postal_address", "introduction", "languages")


def dpo_profile() -> DpoProfile:
    """The saved profile, else the one built from ART28_DPO_NAME / ART28_DPO_EMAIL."""
    return DpoProfile.objects.filter(pk=1).first() or default_profile()


def profile_update(
    *,
    actor: Actor,
    name: str,
    email: str,
    phone: str = "",
    postal_address: str = "",
    introduction: str = "",
    languages: list[str] | None = None,
) -> DpoProfile:
    """Save the profile shown on the trust center; raises ValidationError naming the field."""
    if isinstance(actor, User) and actor.role not in DPO_WRITERS:
        raise PermissionDenied("Only the DPO or an administrator edits the DPO profile.")
    errors: dict[str, str] = {}
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter a valid e-mail address."
    codes = [code for code in (languages or []) if code]
    if unknown := [code for code in codes if code not in Language.values]:
        errors["languages"] = f"Unknown language code(s): {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile = DpoProfile.objects.select_for_update().filter(pk=1).first() or default_profile()
        before = {field: getattr(profile, field) for field in FIELDS} if profile.pk and profile.updated_at else None
        profile.name, profile.email, profile.phone = name.strip(), email, phone.strip()
        profile.postal_address, profile.introduction = postal_address.strip(), introduction.strip()
        profile.languages = ";".join(sorted(set(codes), key=Language.values.index))
        profile.full_clean()
        profile.save()
        # The DPO's contact is published on purpose (GDPR Art. 37(7)): it may be in the audit trail.
        audit_record(
            actor=actor,
            action="dpo.profile.update",
            obj=profile,
            before=before,
            after={field: getattr(profile, field) for field in FIELDS},
        )
        transaction.on_commit(lambda: profile_changed.send(sender=DpoProfile, profile=profile))
    return profile
