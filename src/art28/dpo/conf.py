"""The DPO desk's settings, read in one place and checked at start-up (``DpoConfig.ready``): a bad value
stops art28 with ImproperlyConfigured naming the setting and the value, rather than a wrong deadline later."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from art28.core.countries import EEA_COUNTRIES
from art28.dpo.workdays import Calendar, Calendars, check_place, normalise_place

# A commitment to forward later than the shortest legal period (DSV Art. 18(1): 30 days) would leave
# the controller no time to answer.
MAX_FORWARD_DAYS = 30


def calendars() -> Calendars:
    """Each law's public holidays: ART28_HOLIDAYS_GDPR (Reg. 1182/71 Art. 3(4)) and ART28_HOLIDAYS_NFADP
    (CO Art. 78(1))."""
    return Calendars(
        gdpr=Calendar(normalise_place(settings.ART28_HOLIDAYS_GDPR)),
        nfadp=Calendar(normalise_place(settings.ART28_HOLIDAYS_NFADP)),
    )


def provider_country() -> str:
    return (settings.ART28_PROVIDER_COUNTRY or "").strip().upper()


def gdpr_establishment() -> bool:
    """GDPR Art. 3(1): ART28_GDPR_ESTABLISHMENT, else whether ART28_PROVIDER_COUNTRY is in the EEA."""
    configured = settings.ART28_GDPR_ESTABLISHMENT
    return provider_country() in EEA_COUNTRIES if configured is None else bool(configured)


def gdpr_offers_to_eea() -> bool:
    """GDPR Art. 3(2)(a): the provider offers its services to people in the EEA."""
    return bool(settings.ART28_GDPR_OFFERS_TO_EEA)


def forward_days() -> int:
    return int(settings.ART28_DPO_FORWARD_DAYS)


def service_days() -> int:
    return int(settings.ART28_DPO_REPLY_DAYS)


def check_settings() -> None:
    """Raise ImproperlyConfigured naming the first bad setting and its value."""
    for name in ("ART28_HOLIDAYS_NFADP", "ART28_HOLIDAYS_GDPR"):
        check_place(name, getattr(settings, name))
    for name, low, high in (
        ("ART28_DPO_FORWARD_DAYS", 1, MAX_FORWARD_DAYS),
        ("ART28_DPO_REPLY_DAYS", 1, 366),
    ):
        value = getattr(settings, name)
        if not isinstance(value, int) or not low <= value <= high:
            raise ImproperlyConfigured(f"{name}={value!r}: a whole number of days from {low} to {high}.")
