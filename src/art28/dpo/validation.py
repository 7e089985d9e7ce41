"""Checking what a stranger typed into the contact form: every error names its field."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from art28.core.countries import is_country_code
from art28.core.models import Language
from art28.dpo.deadlines import ControllerKind
from art28.dpo.models import Kind

LIMITS = {"name": 200, "message": 10_000, "concerns": 300}


@dataclass(frozen=True)
class SubmittedRequest:
    kind: str
    name: str
    email: str
    country: str
    language: str
    message: str
    concerns: str
    controller_kind: str = ControllerKind.UNKNOWN.value


def validate_submission(
    *,
    kind: str,
    name: str,
    email: str,
    country: str,
    language: str,
    message: str,
    concerns: str,
    controller_kind: str = "",
) -> SubmittedRequest:
    errors: dict[str, str] = {}
    kind, name, concerns = (kind or "").strip(), (name or "").strip(), (concerns or "").strip()
    message = (message or "").strip()
    email, country = (email or "").strip().lower(), (country or "").strip().upper()
    if kind not in Kind.values:
        errors["kind"] = _("Choose what your message is about.")
    if not name:
        errors["name"] = _("Enter your name.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    if not is_country_code(country):
        errors["country"] = _("Choose your country of residence.")
    if language not in Language.values:
        errors["language"] = _("Choose the language for our replies.")
    if not message:
        errors["message"] = _("Write your message.")
    # Whose service it is about: not required (many people cannot tell); unknown until the DPO decides.
    controller_kind = (controller_kind or "").strip() or ControllerKind.UNKNOWN.value
    if controller_kind not in {k.value for k in ControllerKind}:
        errors["controller_kind"] = _("Choose whose service your message is about.")
    for field, value in (("name", name), ("message", message), ("concerns", concerns)):
        if len(value) > LIMITS[field] and field not in errors:
            errors[field] = _("At most %(limit)d characters.") % {"limit": LIMITS[field]}
    if errors:
        raise ValidationError(errors)
    return SubmittedRequest(kind, name, email, country, language, message, concerns, controller_kind)
