"""Working days: a legal period that would end on a Saturday, a Sunday or a public holiday ends on the
next working day.

- EU: Regulation (EEC, Euratom) No 1182/71, Art. 3(4): "Where the last day of a period expressed otherwise
  than in hours is a public holiday, Sunday or Saturday, the period shall end with the expiry of the last
  hour of the following working day"; public holidays are those of the Member State where the action is
  to be taken (Art. 2(1)).
- Switzerland: CO Art. 78(1) (a Sunday or a public holiday recognised at the place of performance; the
  Saturday by the Federal Act of 21 June 1963 on the running of periods over Saturdays, SR 173.110.3),
  which applies to the nFADP's private-law claims such as the right of access through CC Art. 7.

The public holidays come from the maintained ``holidays`` library (MIT licence), named by
``<country>[-<subdivision>]`` as that library spells them: ``CH-GE``, ``DE-BY``, ``FR``; an empty place
means Saturdays and Sundays only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass
from functools import cache

import holidays as holiday_library
from django.core.exceptions import ImproperlyConfigured

SATURDAY = 5


def normalise_place(value: str) -> str:
    """``ch-GE`` → ``CH-GE``: the country is upper case; a subdivision is kept as the library spells it."""
    country, dash, subdivision = (value or "").strip().partition("-")
    return country.upper() + dash + subdivision.strip()


@cache
def _public_holidays(place: str) -> Container[dt.date]:
    """The public holidays of ``place`` (every year: the library computes a year when first asked)."""
    if not place:
        return frozenset()
    country, _, subdivision = place.partition("-")
    # Only the library's PUBLIC category (its default): bank, school or optional days do not end a period.
    return holiday_library.country_holidays(country, subdiv=subdivision or None)


def check_place(setting: str, value: str) -> str:
    """The normalised place, or ImproperlyConfigured naming the setting and the value."""
    place = normalise_place(value)
    try:
        _public_holidays(place)
    except (NotImplementedError, KeyError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{setting}={value!r}: not a country[-subdivision] the holidays library knows ({exc}); "
            "for example CH-GE, DE-BY, FR, or empty for Saturdays and Sundays only."
        ) from exc
    return place


@dataclass(frozen=True)
class Calendar:
    """The days on which a period cannot end, at one place (``""``: Saturdays and Sundays only)."""

    place: str = ""

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < SATURDAY and day not in _public_holidays(self.place)

    def roll_forward(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the next one (Reg. 1182/71 Art. 3(4), CO Art. 78(1))."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day


WEEKENDS_ONLY = Calendar("")


@dataclass(frozen=True)
class Calendars:
    """The calendar each law's periods end by: the GDPR's (Reg. 1182/71) and the nFADP's (CO Art. 78)."""

    gdpr: Calendar = WEEKENDS_ONLY
    nfadp: Calendar = WEEKENDS_ONLY
