"""The ``?at=`` of the residency pages and API: the moment asked for, checked, in words people can act on.

``requested_moment("")`` is None (the inventory now, exactly as without the parameter); otherwise a date
(the end of that day in ART28_TIME_ZONE) or a date-time, from the day the inventory's history begins up to
today, else ``MomentRefused`` with a message for the page or the API's 400. The caller then reads inside
``as_of(moment)`` (art28.inventory.as_of.inventory_as_of, or nothing for None). See docs/residency-audit.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from art28.core.display import date_text, datetime_text
from art28.inventory.as_of import earliest_history, inventory_as_of, parse_moment

# The first synchronisation's moment never changes once there is one (history is never pruned), so it is
# kept once known (by the first "as of" answer): the current-time pages then show the date picker's first
# day without a query, and their query counts stay what they were without the picker.
_EARLIEST_KEY = "inventory:earliest-history"


class MomentRefused(ValueError):
    """``at`` is not a moment, is in the future, or is before the inventory's history begins."""


def history_begins() -> dt.datetime | None:
    """When the inventory's history begins (its first synchronisation), or None when there is none yet."""
    earliest: dt.datetime | None = cache.get(_EARLIEST_KEY)
    if earliest is None:
        earliest = earliest_history()
        if earliest is not None:
            cache.set(_EARLIEST_KEY, earliest, None)
    return earliest


def picker_bounds(*, query: bool = True) -> dict[str, str]:
    """The date input's ``min`` (the day the history begins, when known) and ``max`` (today). Without
    ``query``, the first day only when already known (no query: for the current-time pages)."""
    bounds = {"max": timezone.localdate().isoformat()}
    earliest = history_begins() if query else cache.get(_EARLIEST_KEY)
    if earliest is not None:
        bounds["min"] = timezone.localdate(earliest).isoformat()
    return bounds


def requested_moment(text: str) -> dt.datetime | None:
    """The moment ``text`` names (None for none), never after now; raises MomentRefused."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = parse_moment(text)
        future = timezone.localdate(moment) > timezone.localdate()
    except (ValueError, OverflowError):
        raise MomentRefused(
            _("“%(value)s” is not a date (2026-03-14) or a date-time (2026-03-14T09:30).") % {"value": text[:40]}
        ) from None
    if future:
        raise MomentRefused(_("%(date)s is in the future: choose a day up to today.") % {"date": date_text(moment)})
    earliest = history_begins()
    if earliest is None:
        raise MomentRefused(_("The inventory has no history yet: it begins with its first synchronisation."))
    if moment < earliest:
        raise MomentRefused(
            _("The inventory's history begins on %(earliest)s: there is no answer for %(at)s.")
            % {"earliest": datetime_text(earliest), "at": datetime_text(moment)}
        )
    return min(moment, timezone.now())  # "today" means up to now


@contextmanager
def as_of(moment: dt.datetime | None) -> Iterator[None]:
    """Within the block, this connection reads the inventory as it was at ``moment`` (None: as it is)."""
    if moment is None:
        yield
        return
    with inventory_as_of(moment):
        yield
