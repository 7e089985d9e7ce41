"""core.dates.month_ends: the months whose end (the next month's first day at 00:00, local time) lies in
[since, until) — a month ending exactly at ``since`` is in, one ending exactly at ``until`` is not."""

import datetime as dt

from django.utils import timezone

from art28.core.dates import month_ends


def local(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def test_a_month_ending_at_since_is_in_and_one_ending_at_until_is_not():
    months = list(month_ends(local(dt.date(2026, 10, 1)), local(dt.date(2026, 12, 1))))
    assert [m.label for m in months] == ["2026-09", "2026-10"]
    assert months[1].first == dt.date(2026, 10, 1) and months[1].start == local(dt.date(2026, 10, 1))
    assert months[1].end == local(dt.date(2026, 11, 1))  # the summer-time change inside does not shift it


def test_a_window_inside_one_month_holds_no_month_end():
    assert list(month_ends(local(dt.date(2026, 11, 2)), local(dt.date(2026, 11, 30)))) == []
