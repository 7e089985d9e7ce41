"""When a request to the DPO must be answered: pure functions of the day of receipt, one per rule, and
``deadline_for``, the one function that decides a request's due date and its extension window.

The day of receipt does not count and a period in months ends on the same date of the last month, or
on that month's last day when it has no such date (Regulation (EEC, Euratom) No 1182/71, Art. 3(2)(c),
which the EU applies to GDPR periods): received 31 January → due 28 (29) February. A period whose last
day is a Saturday, Sunday or public holiday ends on the next working day (Reg. 1182/71 Art. 3(4); for
the nFADP, CO Art. 78(1)): see ``art28.dpo.workdays``. 31 January 2027 → 28 February 2027, a Sunday →
due Monday 1 March 2027.

Who owes the deadline matters too: the law's deadline binds the controller (GDPR Art. 12(3); nFADP Art.
25(7)). When a data subject writes about a customer's data, the provider is the processor: it owes its
own commitment (forwarding the request, GDPR Art. 28(3)(e)) and shows the controller's legal period only
as information.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from art28.core.countries import EEA_COUNTRIES
from art28.core.dates import add_months
from art28.dpo.workdays import WEEKENDS_ONLY, Calendar, Calendars


class Regime(StrEnum):
    GDPR = "gdpr"
    NFADP = "nfadp"
    BOTH = "both"
    # A data subject request neither law governs (GDPR Art. 3, nFADP Art. 3(1)): the provider's own
    # service level, shown as a commitment.
    NONE = "none"
    # No legal deadline (question, complaint, security report): the provider's own service level.
    SERVICE_LEVEL = "service"


LEGAL_REGIMES = frozenset({Regime.GDPR, Regime.NFADP, Regime.BOTH})


class ControllerKind(StrEnum):
    """Whose processing a request is about, i.e. who owes the law's answer."""

    # The provider's own processing (its customers' accounts, its marketing): it is the controller.
    PROVIDER = "provider"
    # Data the provider processes for a customer: the customer is the controller (GDPR Art. 28(3)(e)).
    CUSTOMER = "customer"
    # Not known yet: the DPO finds out, and forwards the request if it is a customer's.
    UNKNOWN = "unknown"


# Saturdays and Sundays only, for both laws: what the pure functions assume unless told the holidays.
WEEKENDS_EVERYWHERE = Calendars()

GDPR_EXTENSION_MONTHS = 2
NFADP_DAYS = 30

GDPR_BASIS = "GDPR Art. 12(3); Reg. 1182/71 Art. 3(4)"
NFADP_BASIS = "nFADP Art. 25(7), DSV Art. 18; CO Art. 78"
BOTH_BASIS = "GDPR Art. 12(3) and DSV Art. 18, the earlier; Reg. 1182/71 Art. 3(4), CO Art. 78"
SERVICE_BASIS = "provider commitment"
NONE_BASIS = "provider commitment (neither the GDPR nor the nFADP applies)"
FORWARD_BASIS = "provider commitment: forward to the controller (GDPR Art. 28(3)(e))"
TRIAGE_BASIS = "provider commitment: forward to the controller, unless the request is about the provider's own data"


def gdpr_due(received: dt.date, workdays: Calendar = WEEKENDS_ONLY) -> dt.date:
    """GDPR Art. 12(3): information on action taken "without undue delay and in any event within one
    month of receipt of the request" — the same day next month (clamped), moved to the next working day
    when it is a Saturday, Sunday or public holiday (Reg. 1182/71 Art. 3(4))."""
    return workdays.roll_forward(add_months(received, 1))


def gdpr_extended_due(received: dt.date, workdays: Calendar = WEEKENDS_ONLY) -> dt.date:
    """GDPR Art. 12(3), second sentence: the period "may be extended by two further months where
    necessary": three months from receipt in all (counted from receipt, not from the clamped first due
    day, so 31 Jan ends on 30 Apr, not on 28 Apr), then to the next working day (Reg. 1182/71 Art. 3(4))."""
    return workdays.roll_forward(add_months(received, 1 + GDPR_EXTENSION_MONTHS))


def nfadp_due(received: dt.date, workdays: Calendar = WEEKENDS_ONLY) -> dt.date:
    """nFADP Art. 25(7) ("as a rule within 30 days") with DSV Art. 18(1): the information is given
    within 30 days of receipt of the request; a last day that is a Saturday, Sunday or public holiday
    at the place of performance moves to the next working day (CO Art. 78(1), SR 173.110.3)."""
    return workdays.roll_forward(received + dt.timedelta(days=NFADP_DAYS))


def both_due(received: dt.date, calendars: Calendars = WEEKENDS_EVERYWHERE) -> dt.date:
    """Both laws apply (a Swiss provider, GDPR Art. 3(2) for an EEA requester): a controller must meet
    each law that applies, so the earlier deadline governs — the nFADP's 30 days whenever they end before
    the GDPR's month (DSV Art. 18(1), GDPR Art. 12(3)); each rolled by its own law's calendar."""
    return min(gdpr_due(received, calendars.gdpr), nfadp_due(received, calendars.nfadp))


def service_level_due(received: dt.date, days: int) -> dt.date:
    """No law sets a deadline for a question, a complaint or a security report (nor for a request that
    neither law governs): the provider's own commitment (``ART28_DPO_REPLY_DAYS``, calendar days), shown
    as a commitment, never as the law."""
    return received + dt.timedelta(days=days)


def forward_due(received: dt.date, days: int) -> dt.date:
    """The provider's commitment to pass a customer's data subject's request on to the customer, the
    controller (``ART28_DPO_FORWARD_DAYS``, calendar days; GDPR Art. 28(3)(e) sets no period)."""
    return received + dt.timedelta(days=days)


def regime_for(
    *,
    requester_country: str,
    provider_country: str,
    gdpr_establishment: bool,
    gdpr_offers_to_eea: bool,
    is_data_subject_request: bool,
) -> Regime:
    """Which law's deadline applies to a request.

    - GDPR Art. 3(1): the provider has an establishment in the Union (the EEA, by the EEA Agreement);
      Art. 3(2)(a),(b): it offers goods or services to, or monitors, people who are in the Union — the
      requester's country is where they are.
    - nFADP Art. 3(1): the Act applies to situations that have an effect in Switzerland: a provider in
      Switzerland, or a requester in Switzerland.
    - Neither: ``Regime.NONE`` (the provider's service level, not a law). Questions, complaints and
      security reports have no legal deadline at all (``Regime.SERVICE_LEVEL``).
    """
    if not is_data_subject_request:
        return Regime.SERVICE_LEVEL
    gdpr = gdpr_establishment or (gdpr_offers_to_eea and requester_country in EEA_COUNTRIES)
    nfadp = provider_country == "CH" or requester_country == "CH"
    if gdpr and nfadp:
        return Regime.BOTH
    if gdpr:
        return Regime.GDPR
    return Regime.NFADP if nfadp else Regime.NONE


@dataclass(frozen=True)
class Deadline:
    # The day the provider's clock runs to: the law's deadline when the provider is the controller,
    # else its own commitment.
    due: dt.date
    # The rule, for people: "GDPR Art. 12(3)" … or the provider's commitment.
    basis: str
    is_law: bool
    # The last day an extension may be told to the requester (None: not the provider's to extend).
    extension_window_ends: dt.date | None
    # The latest new deadline an extension may set (None: the law sets no cap, nFADP).
    extension_cap: dt.date | None
    # The law's deadline counted from the provider's receipt, where a law applies: the provider's own
    # (= ``due``), a customer's as the controller (information only, labelled as the controller's), or,
    # while it is unknown whose data it is, the provider's own if it turns out to be.
    law_due: dt.date | None = None
    law_basis: str = ""

    def extension_possible_on(self, day: dt.date) -> bool:
        """Whether an extension (GDPR Art. 12(3)) or deferral (DSV Art. 18(2)) told on ``day`` is in time:
        the page, the form and the service all ask this."""
        return self.extension_window_ends is not None and day <= self.extension_window_ends


def _legal(regime: Regime, received: dt.date, calendars: Calendars) -> Deadline | None:
    if regime == Regime.GDPR:
        due = gdpr_due(received, calendars.gdpr)
        # Art. 12(3), third sentence: the extension is told "within one month of receipt" — the same period.
        return Deadline(due, GDPR_BASIS, True, due, gdpr_extended_due(received, calendars.gdpr), due, GDPR_BASIS)
    if regime == Regime.NFADP:
        # DSV Art. 18(2),(3): a deferral is told within the 30 days; the law sets no cap on the new date.
        due = nfadp_due(received, calendars.nfadp)
        return Deadline(due, NFADP_BASIS, True, due, None, due, NFADP_BASIS)
    if regime == Regime.BOTH:
        # Told within both windows (the earlier), up to the GDPR's three months.
        due = both_due(received, calendars)
        cap = gdpr_extended_due(received, calendars.gdpr)
        return Deadline(due, BOTH_BASIS, True, due, cap, due, BOTH_BASIS)
    return None


def deadline_for(
    regime: Regime | str,
    received: dt.date,
    *,
    controller: ControllerKind | str = ControllerKind.PROVIDER,
    service_days: int,
    forward_days: int = 5,
    calendars: Calendars = WEEKENDS_EVERYWHERE,
) -> Deadline:
    """The deadline of a request received on ``received`` under ``regime``, about ``controller``'s data."""
    regime, controller = Regime(regime), ControllerKind(controller)
    if regime == Regime.SERVICE_LEVEL:
        return Deadline(service_level_due(received, service_days), SERVICE_BASIS, False, None, None)
    legal = _legal(regime, received, calendars)
    own = legal or Deadline(service_level_due(received, service_days), NONE_BASIS, False, None, None)
    if controller == ControllerKind.PROVIDER:
        return own
    law_due, law_basis = (legal.due, legal.basis) if legal else (None, "")
    forward = forward_due(received, forward_days)
    if controller == ControllerKind.CUSTOMER:
        # Art. 12(3) binds the controller, not the processor: the provider tracks its forwarding.
        return Deadline(forward, FORWARD_BASIS, False, None, None, law_due, law_basis)
    # Unknown: the earlier of what may apply — forward it in time if it is a customer's; answer in
    # time if it is the provider's own. Extending waits until the DPO knows it is the provider's.
    return Deadline(min(forward, own.due), TRIAGE_BASIS, False, None, None, law_due, law_basis)
