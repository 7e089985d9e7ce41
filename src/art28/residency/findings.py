"""Residency findings in plain language, for the customer's portal and the staff view of a customer."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from art28.core.countries import country_name
from art28.residency.engine import (
    FLOW_OUTSIDE,
    STORED_OUTSIDE,
    SUBPROCESSOR_OUTSIDE,
    SUBPROCESSOR_UNAUTHORISED,
    UNKNOWN_LOCATION,
    Violation,
)

REASON_TITLES = {
    STORED_OUTSIDE: gettext_lazy("Stored outside the allowed countries"),
    FLOW_OUTSIDE: gettext_lazy("Sent outside the allowed countries"),
    UNKNOWN_LOCATION: gettext_lazy("Location unknown"),
    SUBPROCESSOR_OUTSIDE: gettext_lazy("Processed by a sub-processor outside the allowed countries"),
    SUBPROCESSOR_UNAUTHORISED: gettext_lazy("Processed by a sub-processor without your recorded authorisation"),
}


@dataclass(frozen=True)
class Finding:
    violation: Violation
    title: str
    explanation: str


def _country(code: str | None) -> str:
    return f"{country_name(code)} ({code})" if code else _("an unknown country")


def explain(violation: Violation) -> Finding:
    """What the finding means for the customer, in the active language."""
    allowed = ", ".join(country_name(c) for c in violation.allowed)
    names = {
        "asset": violation.asset or "?",
        "site": violation.site or "?",
        "country": _country(violation.country),
        "destination": violation.destination or "?",
        "allowed": allowed,
    }
    if violation.reason == STORED_OUTSIDE:
        text = _(
            "Your data on %(asset)s is stored at site %(site)s in %(country)s. Your policy allows only: %(allowed)s."
        )
    elif violation.reason == FLOW_OUTSIDE:
        text = _(
            "Your data on %(asset)s is copied or sent to %(destination)s in %(country)s. "
            "Your policy allows only: %(allowed)s."
        )
    elif violation.reason == SUBPROCESSOR_OUTSIDE:
        text = _(
            "Your data on %(asset)s is processed by the sub-processor %(destination)s in %(country)s. "
            "Your policy allows only: %(allowed)s."
        )
    elif violation.reason == SUBPROCESSOR_UNAUTHORISED:
        text = _(
            "The sub-processor %(destination)s works on the data of your services, but no written authorisation "
            "of yours for sub-processors is on record (GDPR Art. 28(2), nFADP Art. 9(3))."
        )
    elif violation.destination:
        text = _(
            "Your data on %(asset)s is sent to %(destination)s, whose country is not recorded; "
            "nobody can show that it stays in: %(allowed)s."
        )
    else:
        text = _(
            "The site holding your data on %(asset)s, or its country, is not recorded; "
            "nobody can show that it stays in: %(allowed)s."
        )
    title = str(REASON_TITLES.get(violation.reason, violation.reason))
    return Finding(violation=violation, title=title, explanation=text % names)


def explain_all(violations: list[Violation]) -> list[Finding]:
    return [explain(v) for v in violations]
