"""Exceptions to the patch service levels: a risk accepted, with an owner, a reason and an expiry
(docs/patching.md, "Exceptions"). Granting one is audited; it never hides an exposure, it marks it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.models import User
from art28.inventory.models import Asset
from art28.patching.models import HOST_KINDS, PatchException, Vulnerability


def patch_exception_grant(
    *, actor: Actor, cve: str, owner: User, reason: str, expires_on: dt.date, host: str = ""
) -> PatchException:
    """Accept the risk of ``cve`` on ``host`` (a ref; empty: every host) until ``expires_on`` (included).
    Raises ValidationError naming the field when the CVE or host is unknown, the owner is not staff, the
    reason is empty, or the expiry is not within ART28_PATCH_EXCEPTION_MAX_DAYS from today."""
    errors: dict[str, str] = {}
    vulnerability = Vulnerability.objects.filter(cve=cve.strip().upper()).first()
    if vulnerability is None:
        errors["cve"] = f"no advisory names {cve!r}: import it first"
    asset = None
    if host:
        asset = Asset.objects.filter(ref=host, ended_at__isnull=True, kind__in=HOST_KINDS).first()
        if asset is None:
            errors["host"] = f"no current host or VM {host!r} in the inventory"
    if not owner.is_staff:
        errors["owner"] = f"{owner.email} is not on the provider's staff: an exception needs an owner who can act"
    if not reason.strip():
        errors["reason"] = "say why the risk is accepted"
    today = timezone.localdate()
    longest = settings.ART28_PATCH_EXCEPTION_MAX_DAYS
    if not today < expires_on <= today + dt.timedelta(days=longest):
        errors["expires_on"] = f"an exception expires after today and within {longest} days"
    if errors:
        raise ValidationError(errors)
    assert vulnerability is not None
    with transaction.atomic():
        exception = PatchException.objects.create(
            vulnerability=vulnerability, host=asset, owner=owner, reason=reason.strip(), expires_on=expires_on
        )
        audit_record(
            actor=actor,
            action="patching.exception_grant",
            obj=exception,
            after={
                "cve": vulnerability.cve,
                "host": host or None,
                "owner": owner.email,
                "reason": exception.reason,
                "expires_on": expires_on,
            },
        )
    return exception


def active_exceptions(today: dt.date | None = None) -> dict[tuple[str, int | None], PatchException]:
    """The exceptions in force today, by (CVE, host id or None for every host): the latest expiry wins."""
    today = today or timezone.localdate()
    active: dict[tuple[str, int | None], PatchException] = {}
    for exception in PatchException.objects.filter(expires_on__gte=today).select_related(
        "vulnerability", "owner", "host"
    ):
        key = (exception.vulnerability.cve, exception.host_id)
        if key not in active or active[key].expires_on < exception.expires_on:
            active[key] = exception
    return active
