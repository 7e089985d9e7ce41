"""Writes on organisations, users, tokens and security.txt's expiry; each writes its audit entry in the
same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, SystemActor, audit_record, changed_fields
from art28.core.countries import parse_country_list
from art28.core.display import datetime_text
from art28.core.models import AllowedCountriesPeriod, ApiToken, Organisation, SecurityTxt, User, one_year_after
from art28.core.roles import SECURITY_TXT_RENEWERS, Role
from art28.core.signals import security_txt_renewed

ORGANISATION_FIELDS = (
    "ref",
    "name",
    "country",
    "language",
    "privacy_email",
    "security_email",
    "allowed_countries",
)


def organisation_snapshot(org: Organisation) -> dict[str, Any]:
    return {name: getattr(org, name) for name in ORGANISATION_FIELDS}


def _normalise_allowed(value: str | list[str]) -> str:
    codes = value if isinstance(value, list) else parse_country_list(value)
    try:
        return ";".join(parse_country_list(";".join(codes)))
    except ValueError as exc:
        raise ValidationError({"allowed_countries": str(exc)}) from exc


def _allowed_countries_period(org: Organisation) -> None:
    """Close the open period of the organisation's allowed countries and open one with the new value."""
    now = timezone.now()
    AllowedCountriesPeriod.objects.filter(organisation=org, valid_to__isnull=True).update(valid_to=now)
    AllowedCountriesPeriod.objects.create(organisation=org, allowed_countries=org.allowed_countries, valid_from=now)


def organisation_create(*, actor: Actor, ref: str, name: str, **fields: Any) -> Organisation:
    with transaction.atomic():
        if "allowed_countries" in fields:
            fields["allowed_countries"] = _normalise_allowed(fields["allowed_countries"])
        org = Organisation(ref=ref, name=name, **fields)
        org.full_clean()
        org.save()
        _allowed_countries_period(org)
        audit_record(
            actor=actor,
            action="organisation.create",
            obj=org,
            organisation_id=org.pk,
            after=organisation_snapshot(org),
        )
    return org


def organisation_update(*, actor: Actor, organisation: Organisation, **changes: Any) -> Organisation:
    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = organisation_snapshot(org)
        if "allowed_countries" in changes:
            changes["allowed_countries"] = _normalise_allowed(changes["allowed_countries"])
        for name, value in changes.items():
            if name not in ORGANISATION_FIELDS:
                raise ValueError(f"unknown organisation field {name!r}")
            setattr(org, name, value)
        org.full_clean()
        after = organisation_snapshot(org)
        if after != before:
            org.save()
            if after["allowed_countries"] != before["allowed_countries"]:
                _allowed_countries_period(org)
            audit_record(
                actor=actor,
                action="organisation.update",
                obj=org,
                organisation_id=org.pk,
                **changed_fields(before, after),
            )
    return org


def user_create(
    *,
    actor: Actor,
    email: str,
    role: Role | str,
    password: str | None = None,
    name: str = "",
    organisation: Organisation | None = None,
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(
            email, password, role=role, name=name, organisation=organisation, is_superuser=role == Role.ADMIN
        )
        audit_record(
            actor=actor,
            action="user.create",
            obj=user,
            organisation_id=organisation.pk if organisation else None,
            after={"email": user.email, "role": user.role, "organisation": organisation.ref if organisation else None},
        )
    return user


def api_token_create(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it and its secret, which is never shown again."""
    secret, digest = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, digest=digest, hint=secret[:12])
        audit_record(
            actor=actor,
            action="api_token.create",
            obj=token,
            organisation_id=user.organisation_id,
            after={"user": user.email, "name": name, "hint": token.hint},
        )
    return token, secret


def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            organisation_id=token.user.organisation_id,
            after={"revoked_at": token.revoked_at},
        )
    return token


def security_txt_renew(*, actor: Actor, expires_at: dt.datetime, now: dt.datetime | None = None) -> SecurityTxt:
    """Set when ``/.well-known/security.txt`` goes stale (RFC 9116 §2.5.5: Expires is REQUIRED; it is
    RECOMMENDED less than a year into the future). Refuses a time not after ``now`` and one a year or
    more ahead, naming the field ``expires_at``. The trust center shows the renewal at once."""
    if isinstance(actor, User) and actor.role not in SECURITY_TXT_RENEWERS:
        raise PermissionDenied("Only the DPO, security or an administrator renews security.txt.")
    now = now or timezone.now()
    if timezone.is_naive(expires_at):
        raise ValidationError({"expires_at": "Give the expiry with its time zone."})
    expires_at = expires_at.replace(microsecond=0)
    if expires_at <= now:
        shown = datetime_text(expires_at, with_zone=True)
        raise ValidationError({"expires_at": f"{shown} is not in the future (RFC 9116 §2.5.5)."})
    latest = one_year_after(now)
    if expires_at >= latest:
        raise ValidationError(
            {
                "expires_at": f"{datetime_text(expires_at, with_zone=True)} is a year or more ahead: RFC 9116 §2.5.5 "
                f"recommends less than a year, i.e. before {datetime_text(latest, with_zone=True)}."
            }
        )
    with transaction.atomic():
        record = SecurityTxt.objects.select_for_update().filter(pk=1).first()
        before = {"expires_at": record.expires_at} if record else None
        record = record or SecurityTxt(pk=1)
        record.expires_at, record.renewed_at = expires_at, timezone.now()
        record.renewed_by = actor if isinstance(actor, User) else None
        record.renewed_by_label = str(actor.label if isinstance(actor, SystemActor) else actor.email)
        record.save()
        audit_record(
            actor=actor,
            action="security_txt.renew",
            obj=record,
            object_repr="/.well-known/security.txt",
            before=before,
            after={"expires_at": record.expires_at},
        )
        transaction.on_commit(lambda: security_txt_renewed.send(sender=SecurityTxt, record=record))
    return record
