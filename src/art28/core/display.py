"""Dates, times and numbers written into human-readable text, in the active language's format (art28.formats).

Messages built in Python (validation errors, command output, e-mails) use these instead of strftime or
f"{n:,}", so that they read like the pages: "3 Dec 2026, 11:23" and "5’207" under the Swiss conventions.
Machine formats (JSON fields, CSV, feeds, file names, headers) keep ISO 8601 and do not use this module.
"""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format, number_format


def date_text(value: dt.date | dt.datetime) -> str:
    """The day `value` falls on in ART28_TIME_ZONE, e.g. "3 Dec 2026" (DATE_FORMAT)."""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return date_format(value, "DATE_FORMAT")


def datetime_text(value: dt.datetime, *, with_zone: bool = False) -> str:
    """`value` in ART28_TIME_ZONE, e.g. "3 Dec 2026, 11:23" (DATETIME_FORMAT, 24-hour clock), "… 11:23 CET"."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = date_format(local, "DATETIME_FORMAT")
    return f"{text} {local:%Z}" if with_zone and local.tzinfo else text


def number_text(value: int | float) -> str:
    """`value` with the active language's digit grouping, e.g. "5’207", even where templates would not group."""
    return number_format(value, force_grouping=True)
