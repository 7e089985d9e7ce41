"""Writes of the assurance app: the trust center's profile and the certifications. Each service checks
its input first (a ValidationError naming the field changes nothing), writes one audit-trail entry in its
own transaction, and tells the trust center after the commit (``signals.trust_content_changed``).

A certification published on the trust center is a claim made to customers choosing a processor with
"sufficient guarantees" (GDPR Art. 28(1), nFADP Art. 9(2)); who may make it is restricted and every
change is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from art28.assurance.files import CheckedFile, check_certificate, check_logo
from art28.assurance.models import Certification, TrustCenterProfile
from art28.assurance.signals import trust_content_changed
from art28.core.audit import Actor, audit_record, changed_fields
from art28.core.models import User
from art28.core.roles import TRUST_CENTER_EDITORS as ASSURANCE_EDITORS

PROFILE_FIELDS = ("tagline", "summary", "logo_content_type", "logo_size", "logo_sha256")
CERTIFICATION_FIELDS = (
    "name",
    "issuer",
    "scope",
    "valid_from",
    "valid_until",
    "certificate_size",
    "certificate_sha256",
    "position",
    "published",
)


def _check_actor(actor: Actor) -> None:
    if isinstance(actor, User) and actor.role not in ASSURANCE_EDITORS:
        raise PermissionDenied("Only the DPO or an administrator edits the trust center's profile and certifications.")


def _changed() -> None:
    transaction.on_commit(lambda: trust_content_changed.send(sender=Certification))


def _values(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def trust_profile_update(
    *,
    actor: Actor,
    tagline: str = "",
    summary: str = "",
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> TrustCenterProfile:
    """Save the tagline and summary; replace the logo with ``logo`` (PNG, JPEG or WebP, at most 512 KB)
    or remove it. Raises ValidationError naming the field; nothing is saved then."""
    _check_actor(actor)
    checked = check_logo(logo) if logo is not None else None
    with transaction.atomic():
        profile = TrustCenterProfile.objects.select_for_update().filter(pk=1).first() or TrustCenterProfile()
        before = _values(profile, PROFILE_FIELDS) if profile.updated_at else None
        profile.tagline, profile.summary = tagline.strip(), summary.strip()
        if checked is not None:
            profile.logo, profile.logo_content_type = checked.content, checked.content_type
            profile.logo_size, profile.logo_sha256 = checked.size, checked.sha256
        elif remove_logo:
            profile.logo, profile.logo_content_type, profile.logo_size, profile.logo_sha256 = None, "", 0, ""
        profile.full_clean()
        profile.save()
        after = _values(profile, PROFILE_FIELDS)
        audit_record(
            actor=actor,
            action="assurance.trust_profile.update",
            obj=profile,
            **(changed_fields(before, after) if before is not None else {"after": after}),
        )
        _changed()
    return profile


def _set_certificate(certification: Certification, checked: CheckedFile | None, remove: bool) -> None:
    if checked is not None:
        certification.certificate = checked.content
        certification.certificate_content_type = checked.content_type
        certification.certificate_size, certification.certificate_sha256 = checked.size, checked.sha256
    elif remove:
        certification.certificate, certification.certificate_content_type = None, ""
        certification.certificate_size, certification.certificate_sha256 = 0, ""


def _fill(
    certification: Certification,
    *,
    name: str,
    issuer: str,
    scope: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    position: int,
    published: bool,
) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Name the certification, e.g. ISO/IEC 27001:2022."
    if not issuer.strip():
        errors["issuer"] = "Name the certification body that issued it."
    if valid_from is None:
        errors["valid_from"] = "Enter the first day of validity."
    if valid_until is None:
        errors["valid_until"] = "Enter the last day of validity."
    elif valid_from is not None and valid_until < valid_from:
        errors["valid_until"] = "The last day of validity is before the first."
    if position < 0:
        errors["position"] = "The position is a number from 0."
    if errors:
        raise ValidationError(errors)
    certification.name, certification.issuer, certification.scope = name.strip(), issuer.strip(), scope.strip()
    certification.valid_from, certification.valid_until = valid_from, valid_until  # type: ignore[assignment]
    certification.position, certification.published = position, published


def certification_create(
    *,
    actor: Actor,
    name: str,
    issuer: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    scope: str = "",
    certificate: bytes | None = None,
    position: int = 0,
    published: bool = True,
) -> Certification:
    """Record a certification (its certificate a PDF of at most 10 MB); ValidationError names the field."""
    _check_actor(actor)
    checked = check_certificate(certificate) if certificate is not None else None
    certification = Certification()
    _fill(
        certification,
        name=name,
        issuer=issuer,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
        position=position,
        published=published,
    )
    _set_certificate(certification, checked, remove=False)
    certification.full_clean()
    with transaction.atomic():
        certification.save()
        audit_record(
            actor=actor,
            action="assurance.certification.create",
            obj=certification,
            after=_values(certification, CERTIFICATION_FIELDS),
        )
        _changed()
    return certification


def certification_update(
    *,
    actor: Actor,
    certification: Certification,
    name: str,
    issuer: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    scope: str = "",
    certificate: bytes | None = None,
    remove_certificate: bool = False,
    position: int = 0,
    published: bool = True,
) -> Certification:
    """Change a certification; a new ``certificate`` replaces the file, ``remove_certificate`` drops it."""
    _check_actor(actor)
    checked = check_certificate(certificate) if certificate is not None else None
    with transaction.atomic():
        row = Certification.objects.select_for_update().defer("certificate").get(pk=certification.pk)
        before = _values(row, CERTIFICATION_FIELDS)
        _fill(
            row,
            name=name,
            issuer=issuer,
            scope=scope,
            valid_from=valid_from,
            valid_until=valid_until,
            position=position,
            published=published,
        )
        _set_certificate(row, checked, remove_certificate)
        row.full_clean(exclude=["certificate"])
        fields = [*CERTIFICATION_FIELDS, "certificate_content_type", "updated_at"]
        if checked is not None or remove_certificate:
            fields.append("certificate")
        row.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="assurance.certification.update",
            obj=row,
            **changed_fields(before, _values(row, CERTIFICATION_FIELDS)),
        )
        _changed()
    return row


def certification_delete(*, actor: Actor, certification: Certification) -> None:
    _check_actor(actor)
    with transaction.atomic():
        row = Certification.objects.select_for_update().defer("certificate").get(pk=certification.pk)
        before = _values(row, CERTIFICATION_FIELDS)
        audit_record(actor=actor, action="assurance.certification.delete", obj=row, before=before)
        row.delete()
        _changed()
