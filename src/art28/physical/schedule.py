"""The written forms of an authorisation's weekdays and hours, and of a badge event's time on the site's
clock (docs/physical.md, "Formats")."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from art28.physical.models import EVERY_DAY, MINUTES_PER_DAY

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def parse_days(text: str) -> int:
    """``mon-fri`` (a range, which may wrap: ``sat-mon``) or ``mon;wed;sat``, or both (``mon-wed;sat``);
    empty = every day. Returns the bits (Monday = bit 0). Raises ValueError."""
    text = text.strip().lower()
    if not text:
        return EVERY_DAY
    bits = 0
    for part in text.split(";"):
        names = [name.strip() for name in part.split("-")]
        if any(name not in WEEKDAYS for name in names) or len(names) > 2:
            raise ValueError(f"{part.strip()!r} is not a weekday or a range of weekdays (mon, tue … sun; mon-fri)")
        first, last = WEEKDAYS.index(names[0]), WEEKDAYS.index(names[-1])
        day = first
        while True:
            bits |= 1 << day
            if day == last:
                break
            day = (day + 1) % 7
    return bits


def format_days(bits: int) -> str:
    """The written form ``parse_days`` reads back: runs of three days or more as ranges (``mon-fri``,
    ``mon-wed;sat``); every day is empty."""
    if bits == EVERY_DAY:
        return ""
    parts: list[str] = []
    day = 0
    while day < 7:
        if not bits & (1 << day):
            day += 1
            continue
        end = day
        while end + 1 < 7 and bits & (1 << (end + 1)):
            end += 1
        if end - day >= 2:
            parts.append(f"{WEEKDAYS[day]}-{WEEKDAYS[end]}")
        else:
            parts.extend(WEEKDAYS[d] for d in range(day, end + 1))
        day = end + 1
    return ";".join(parts)


def parse_hours(text: str) -> tuple[int, int] | None:
    """``07:00-19:00`` (start included, end excluded; ``24:00`` may end a window) or ``22:00-06:00``
    (across midnight); empty = any hour. Returns (start, end) in minutes of the day. Raises ValueError."""
    text = text.strip()
    if not text:
        return None
    match = HOURS.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a window of hours such as 07:00-19:00")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"{text!r}: hours are 00:00 to 23:59 (24:00 may end a window)")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end % MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is an empty window: leave hours empty for any hour")
    return start, end


def format_hours(start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return ""
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 time with its offset (``2026-03-29T03:30:00+02:00`` or ``…Z``); raises ValueError for a
    time without one: the site's clock is ambiguous once a year."""
    moment = dt.datetime.fromisoformat(text.strip())
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{text.strip()!r} has no offset (write it as 2026-03-29T03:30:00+02:00 or …Z)")
    return moment


def on_site_clock(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> tuple[dt.date, int, int]:
    """(local date, weekday with Monday = 0, minute of the day) of ``moment`` in the site's time zone."""
    local = moment.astimezone(zone)
    return local.date(), local.weekday(), local.hour * 60 + local.minute
