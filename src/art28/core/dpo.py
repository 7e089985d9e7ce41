"""The provider's data protection officer: the one place every output reads the DPO's contact from.

GDPR Art. 37(7): the processor publishes the DPO's contact details (and Art. 33(3)(b) / 30(2)(a) name the
DPO as the contact point in breach notices and records); nFADP Art. 10(3)(d): the same for a data
protection advisor. Pages, PDFs, mails, webhooks, JSON and feeds must therefore say the same thing, so
they all read ``dpo_profile()`` — never ``settings.ART28_DPO_EMAIL``, which is only the value used
until the DPO (or an administrator) saves the profile on ``/staff/dpo/profile/``.

The profile lives in ``core`` because every app may read ``core`` (DESIGN.md: arrows run one way).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.dispatch import Signal

from art28.core.audit import Actor, audit_record
from art28.core.models import DpoProfile, Language, User
from art28.core.roles import Role
from art28.core.translated import clean_translations

# Sent after the profile is saved (on commit): the trust center refreshes its cached pages.
dpo_profile_changed = Signal()

# Who edits the profile: the DPO and administrators (the DPO desk's writers).
PROFILE_EDITORS = frozenset({Role.ADMIN, Role.DPO})
FIELDS = ("name", "email", "phone", "postal_address", "introduction", "introduction_i18n", "languages")


def default_profile() -> DpoProfile:
    """The profile before anyone saved it: from ART28_DPO_NAME / ART28_DPO_EMAIL (not saved)."""
    return DpoProfile(name=settings.ART28_DPO_NAME, email=settings.ART28_DPO_EMAIL, languages="en;fr;de;it")


def dpo_profile() -> DpoProfile:
    """The saved profile, else the default one built from the settings. One query: callers that send to
    many recipients read it once and pass it on."""
    return DpoProfile.objects.filter(pk=1).first() or default_profile()


def dpo_contact_problem(profile: DpoProfile | None = None) -> str:
    """Why the published contact is not yet a real one ("" when it is): no profile saved, or an address
    nobody outside this machine can write to. The staff dashboard shows it until it is fixed."""
    profile = profile or dpo_profile()
    if profile.updated_at is None:
        return "not-saved"
    if profile.email.rpartition("@")[2].lower() in ("localhost", "localhost.localdomain", "example.com"):
        return "placeholder-address"
    return ""


def dpo_profile_update(
    *,
    actor: Actor,
    name: str,
    email: str,
    phone: str = "",
    postal_address: str = "",
    introduction: str = "",
    languages: list[str] | None = None,
    introduction_i18n: dict[str, str] | None = None,
) -> DpoProfile:
    """Save the profile every output shows; raises ValidationError naming the field. ``introduction_i18n``
    gives the short text in the other languages (art28.core.translated); None keeps the saved ones."""
    if isinstance(actor, User) and actor.role not in PROFILE_EDITORS:
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
    if introduction_i18n is not None:
        try:
            introduction_i18n = clean_translations(introduction_i18n, field="introduction")
        except ValidationError as exc:
            errors.update({key: " ".join(messages) for key, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile = DpoProfile.objects.select_for_update().filter(pk=1).first() or default_profile()
        before = {field: getattr(profile, field) for field in FIELDS} if profile.updated_at else None
        profile.name, profile.email, profile.phone = name.strip(), email, phone.strip()
        profile.postal_address, profile.introduction = postal_address.strip(), introduction.strip()
        profile.languages = ";".join(sorted(set(codes), key=Language.values.index))
        if introduction_i18n is not None:
            profile.introduction_i18n = introduction_i18n
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
        transaction.on_commit(lambda: dpo_profile_changed.send(sender=DpoProfile, profile=profile))
    return profile
