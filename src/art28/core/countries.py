"""ISO 3166-1 alpha-2 country codes, the only way art28 names a country (S1 residency)."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language

ALPHA_2_CODES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)

# The European Economic Area: the EU's 27 and Iceland, Liechtenstein, Norway. Where a requester lives makes
# the GDPR apply (Art. 3(2)); with Switzerland, the countries adequate for each other (nFADP Art. 16(1)
# with Annex 1 DSV; the Commission's decision on Switzerland).
EEA_COUNTRIES: frozenset[str] = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
    ]
)


def is_country_code(value: str) -> bool:
    """True for an assigned ISO 3166-1 alpha-2 code, upper case (``CH``, ``DE``)."""
    return value in ALPHA_2_CODES


def normalise_country(value: str) -> str:
    """Upper-case and strip a code; raises ValueError naming the bad value."""
    code = (value or "").strip().upper()
    if not is_country_code(code):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def parse_country_list(value: str, separator: str = ";") -> list[str]:
    """Parse ``"CH; li"`` into ``["CH", "LI"]`` (sorted, no duplicates); raises ValueError."""
    codes = {normalise_country(part) for part in (value or "").split(separator) if part.strip()}
    return sorted(codes)


@cache
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the active language (``DE`` → "Allemagne" in French)."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return _translation((language or get_language() or "en")[:2]).gettext(country.name)
