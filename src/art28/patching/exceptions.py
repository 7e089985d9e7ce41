"""Exceptions to the patch service levels: a risk accepted, with an owner, a reason and an expiry
(docs/patching.md, "Exceptions"). Granting one is audited; it never hides an exposure, it marks it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.models import User
from art28.core.service_levels import risk_acceptance_errors
from art28.inventory.models import Asset
from art28.patching.models import HOST_KINDS, PatchException, Vulnerability


def patch_exception_grant(
    *, actor: Actor, cve: str, owner: User, reason: str, expires_on: dt.date, host: str = ""
) -> PatchException:
    """Accept the risk of ``cve`` on ``host`` (a ref; empty: every host) until ``expires_on`` (included).
    Raises ValidationError naming the field when the CVE or host is unknown, the owner is not staff, the
    reason is empty, or the expiry is not within ART28_RISK_ACCEPTANCE_MAX_DAYS from today (core.service_levels)."""
    errors: dict[str, str] = {}
    vulnerability = Vulnerability.objects.filter(cve=cve.strip().upper()).first()
    if vulnerability is None:
        errors["cve"] = f"no advisory names {cve!r}: import it first"
    asset = None
    if host:
        asset = Asset.objects.filter(ref=host, ended_at__isnull=True, kind__in=HOST_KINDS).first()
        if asset is None:
            errors["host"] = f"no current host or VM {host!r} in the inventory"
    errors |= risk_acceptance_errors(owner=owner, reason=reason, expires_on=expires_on, today=timezone.localdate())
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
