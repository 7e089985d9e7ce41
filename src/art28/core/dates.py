"""Calendar arithmetic the deadlines share: a request's month (GDPR Art. 12(3)) and an intrusion test's
cadence (S6) are counted in calendar months, not in 30-day blocks."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clamped to that month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class MonthEnd(NamedTuple):
    label: str  # YYYY-MM
    first: dt.date  # the month's first day
    start: dt.datetime  # its first day at 00:00, local
    end: dt.datetime  # the next month's first day at 00:00, local: when the month is over


def month_ends(since: dt.datetime, until: dt.datetime) -> Iterator[MonthEnd]:
    """Every month whose end (the first day of the next month at 00:00 in ART28_TIME_ZONE) lies in
    ``[since, until)``: the monthly evidence of intrusion-test remediation and of security updates."""
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    first = add_months(timezone.localtime(since, zone).date().replace(day=1), -1)
    while True:
        start = timezone.make_aware(dt.datetime.combine(first, dt.time()), zone)
        end = timezone.make_aware(dt.datetime.combine(add_months(first, 1), dt.time()), zone)
        if end >= until:
            return
        if end >= since:
            yield MonthEnd(f"{first:%Y-%m}", first, start, end)
        first = add_months(first, 1)
