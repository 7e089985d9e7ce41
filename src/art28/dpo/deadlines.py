"""When a request to the DPO must be answered: pure functions of the day of receipt, one per rule.

The day of receipt does not count and a period in months ends on the same date of the last month, or
on that month's last day when it has no such date (Regulation (EEC, Euratom) No 1182/71, Art. 3(2)(c),
which the EU applies to GDPR periods): received 31 January → due 28 (29) February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from art28.core.countries import EEA_COUNTRIES


class Regime(StrEnum):
    GDPR = "gdpr"
    NFADP = "nfadp"
    BOTH = "both"
    # No legal deadline (question, complaint, security report): the provider's own service level.
    SERVICE_LEVEL = "service"


GDPR_EXTENSION_MONTHS = 2
NFADP_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to that month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def gdpr_due(received: dt.date) -> dt.date:
    """GDPR Art. 12(3): information on action taken "without undue delay and in any event within one
    month of receipt of the request" — the same day next month (clamped)."""
    return add_months(received, 1)


def gdpr_extended_due(received: dt.date) -> dt.date:
    """GDPR Art. 12(3), second sentence: the period "may be extended by two further months where
    necessary": three months from receipt in all (counted from receipt, not from the clamped first due
    day, so 31 Jan ends on 30 Apr, not on 28 Apr)."""
    return add_months(received, 1 + GDPR_EXTENSION_MONTHS)


def gdpr_extension_allowed(received: dt.date, on: dt.date) -> bool:
    """GDPR Art. 12(3), third sentence: the controller informs the data subject of an extension
    "within one month of receipt of the request, together with the reasons for the delay"."""
    return on <= gdpr_due(received)


def nfadp_due(received: dt.date) -> dt.date:
    """nFADP Art. 25(7) ("as a rule within 30 days") with DSV Art. 18(1): the information is given
    within 30 days of receipt of the request."""
    return received + dt.timedelta(days=NFADP_DAYS)


def nfadp_deferral_allowed(received: dt.date, on: dt.date) -> bool:
    """DSV Art. 18(2): if the information cannot be given within 30 days, the controller must tell the
    person so, and by when it will be given — within those 30 days (DSV Art. 18(3): a refusal, restriction
    or deferral is communicated within the same period). The law sets no cap on the new deadline."""
    return on <= nfadp_due(received)


def both_due(received: dt.date) -> dt.date:
    """Both laws apply (a Swiss provider, GDPR Art. 3(2) for an EEA requester): a controller must meet
    each law that applies, so the earlier deadline governs — the nFADP's 30 days whenever it ends before
    the GDPR's month (DSV Art. 18(1), GDPR Art. 12(3))."""
    return min(gdpr_due(received), nfadp_due(received))


def both_extension_allowed(received: dt.date, on: dt.date) -> bool:
    """Both laws: the extension must be told within both windows (GDPR Art. 12(3), DSV Art. 18(2))."""
    return gdpr_extension_allowed(received, on) and nfadp_deferral_allowed(received, on)


def service_level_due(received: dt.date, days: int) -> dt.date:
    """No law sets a deadline for a question, a complaint or a security report: the provider's own
    commitment (``ART28_DPO_REPLY_DAYS``), shown as a commitment, never as the law."""
    return received + dt.timedelta(days=days)


def regime_for(*, requester_country: str, provider_country: str, is_data_subject_request: bool) -> Regime:
    """Which law's deadline applies to a request.

    The nFADP applies to a provider processing in Switzerland (nFADP Art. 3 and 2); the GDPR applies to
    one established in the EEA (GDPR Art. 3(1)) or, for a provider outside it, when the person is in the
    EEA (GDPR Art. 3(2)). Questions and complaints have no legal deadline.
    """
    if not is_data_subject_request:
        return Regime.SERVICE_LEVEL
    nfadp = provider_country == "CH" or requester_country == "CH"
    gdpr = provider_country in EEA_COUNTRIES or requester_country in EEA_COUNTRIES
    if nfadp and gdpr:
        return Regime.BOTH
    return Regime.GDPR if gdpr else Regime.NFADP


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    # The rule, for people: "GDPR Art. 12(3)" … or the provider's commitment.
    basis: str
    is_law: bool
    # The last day an extension may be told to the requester (None: not extendable).
    extension_window_ends: dt.date | None
    # The latest new deadline an extension may set (None: the law sets no cap, nFADP).
    extension_cap: dt.date | None


def deadline_for(regime: Regime | str, received: dt.date, *, service_days: int) -> Deadline:
    """The deadline of a request received on ``received`` under ``regime``."""
    regime = Regime(regime)
    if regime == Regime.GDPR:
        return Deadline(gdpr_due(received), "GDPR Art. 12(3)", True, gdpr_due(received), gdpr_extended_due(received))
    if regime == Regime.NFADP:
        return Deadline(nfadp_due(received), "nFADP Art. 25(7), DSV Art. 18", True, nfadp_due(received), None)
    if regime == Regime.BOTH:
        window = min(gdpr_due(received), nfadp_due(received))
        return Deadline(
            both_due(received),
            "GDPR Art. 12(3) and DSV Art. 18 (the earlier)",
            True,
            window,
            gdpr_extended_due(received),
        )
    return Deadline(service_level_due(received, service_days), "provider commitment", False, None, None)


def extension_allowed(regime: Regime | str, received: dt.date, on: dt.date) -> bool:
    regime = Regime(regime)
    if regime == Regime.GDPR:
        return gdpr_extension_allowed(received, on)
    if regime == Regime.NFADP:
        return nfadp_deferral_allowed(received, on)
    if regime == Regime.BOTH:
        return both_extension_allowed(received, on)
    return False
