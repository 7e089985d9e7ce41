"""Service levels per severity, shared by security updates (S7) and intrusion-test findings (S6): how many
days the provider allows itself to remedy something of a severity (``ART28_SLA_DAYS``), the due date that
follows, and the rules every risk acceptance obeys (an owner on the staff, a reason, an expiry within
``ART28_RISK_ACCEPTANCE_MAX_DAYS``). Severities outside the levels (Debian's "unimportant", CVSS "none")
have no due date."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from art28.core.models import User

SEVERITIES_WITH_LEVELS = ("critical", "high", "medium", "low")


def service_level_days(severity: str) -> int | None:
    """Days allowed to remedy something of this severity; None outside the service levels."""
    if severity not in SEVERITIES_WITH_LEVELS:
        return None
    return int(settings.ART28_SLA_DAYS[severity])


def due_at(start: dt.datetime, severity: str) -> dt.datetime | None:
    """When something of ``severity`` whose clock started at ``start`` must be remedied; None outside the
    levels."""
    days = service_level_days(severity)
    return None if days is None else start + dt.timedelta(days=days)


def service_levels() -> dict[str, int]:
    """The published levels, most urgent first, as the pages and signed documents state them."""
    return {severity: int(settings.ART28_SLA_DAYS[severity]) for severity in SEVERITIES_WITH_LEVELS}


def risk_acceptance_errors(*, owner: User, reason: str, expires_on: dt.date, today: dt.date) -> dict[str, str]:
    """What is wrong with accepting a risk (field → reason; empty when nothing): the owner must be on the
    provider's staff (someone who can act), the reason given, the expiry after today and within
    ART28_RISK_ACCEPTANCE_MAX_DAYS, so that someone decides again."""
    errors: dict[str, str] = {}
    if not owner.is_staff:
        errors["owner"] = _(
            "%(email)s is not on the provider's staff: a risk acceptance needs an owner who can act"
        ) % {"email": owner.email}
    if not reason.strip():
        errors["reason"] = _("say why the risk is accepted")
    longest = settings.ART28_RISK_ACCEPTANCE_MAX_DAYS
    if not today < expires_on <= today + dt.timedelta(days=longest):
        errors["expires_on"] = ngettext(
            "a risk acceptance expires after today and within %(days)d day",
            "a risk acceptance expires after today and within %(days)d days",
            longest,
        ) % {"days": longest}
    return errors
