"""Writes on organisations, users and tokens; each writes its audit entry in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.countries import parse_country_list
from art28.core.models import ApiToken, Organisation, User
from art28.core.roles import Role

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


def organisation_create(*, actor: Actor, ref: str, name: str, **fields: Any) -> Organisation:
    with transaction.atomic():
        if "allowed_countries" in fields:
            fields["allowed_countries"] = _normalise_allowed(fields["allowed_countries"])
        org = Organisation(ref=ref, name=name, **fields)
        org.full_clean()
        org.save()
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
            audit_record(
                actor=actor,
                action="organisation.update",
                obj=org,
                organisation_id=org.pk,
                before={k: v for k, v in before.items() if after[k] != v},
                after={k: v for k, v in after.items() if before[k] != v},
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
