"""The time zone a site's clocks run in: what its local times (a host's dpkg.log, a badge reader's events) mean.

A site may name its zone (``Site.time_zone``, an IANA name); most never need to, since a country has one
zone or a main one. The tz database says which: ``zone.tab`` lists each country's zones, the most
populous first (DE: Europe/Berlin before Europe/Busingen; US: America/New_York first). This module is
the one place that reads it.
"""

from __future__ import annotations

import functools
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from art28.inventory.models import Site

ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")


@functools.cache
def _main_zones() -> dict[str, str]:
    """ISO country code → its first zone in zone.tab; empty when the system has no tz database files."""
    try:
        text = ZONE_TAB.read_text("utf-8")
    except OSError:
        return {}
    zones: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            zones.setdefault(columns[0].strip().upper(), columns[2].strip())
    return zones


def country_main_zone(country: str) -> str | None:
    """The main zone of an ISO 3166-1 alpha-2 country (CH: Europe/Zurich, DE: Europe/Berlin), or None when
    the tz database lists none for it (or zone.tab is missing)."""
    return _main_zones().get(country.strip().upper()) if country else None


@functools.cache
def _known() -> dict[str, str]:
    """Every IANA name the tz database here knows, by its case-folded spelling."""
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def time_zone_name(name: str) -> str | None:
    """``name`` spelt as the tz database spells it (``europe/zurich`` → ``Europe/Zurich``, as a country
    code's case does not matter either), or None when it is no IANA time zone known here."""
    return _known().get(name.strip().casefold())


def valid_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone known here (Europe/Zurich, UTC; not "CET+1" nor a file path)."""
    return _known().get(name.casefold()) == name


def site_zone(site: Site) -> zoneinfo.ZoneInfo:
    """The zone a site's local times are in: its own ``time_zone`` when the inventory names one (a country with
    several zones, a site near a border), else its country's main zone (nearly always right, and what a
    provider would assume), else the provider's own (``settings.TIME_ZONE``, ART28_TIME_ZONE) for a site
    whose country is unknown: a guess, but the one the provider's staff read every other time in."""
    name = site.time_zone or country_main_zone(site.country) or settings.TIME_ZONE
    return zoneinfo.ZoneInfo(name)
