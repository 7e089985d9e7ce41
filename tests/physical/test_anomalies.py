"""The badge log checked against the authorisations (issue 16, docs/physical.md "Anomalies"): each rule, its
boundaries (dates both included, hours' end excluded, midnight-crossing windows, ten minutes inclusive), the
precedence of rules, and the site's clock across the changes of daylight saving time in Europe/Zurich."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from art28.physical.anomalies import find_anomalies

pytestmark = pytest.mark.django_db


def rules(imported, events: str) -> list[tuple[str, str, str]]:
    """(local time, badge, rule) of every anomaly of the given events."""
    imported(events)
    from zoneinfo import ZoneInfo

    zurich = ZoneInfo("Europe/Zurich")
    return [(a.at.astimezone(zurich).strftime("%Y-%m-%d %H:%M"), a.badge, a.rule) for a in find_anomalies()]


def test_an_authorised_entry_in_hours_is_no_anomaly_and_exits_and_denials_are_not_checked(imported):
    events = (
        "2026-03-27T08:00:00+01:00,GVA1,hall,H1,B1,granted,in\n"  # Friday 08:00: allowed
        "2026-03-28T08:00:00+01:00,GVA1,hall,H1,B1,granted,out\n"  # Saturday, but an exit
        "2026-03-28T08:05:00+01:00,GVA1,hall,H1,B9,denied,in\n"  # a refused unknown badge: the door did its job
    )
    assert rules(imported, events) == []


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        ("2026-03-27T18:59:00+01:00", []),  # Friday, a minute before the window's end
        ("2026-03-27T19:00:00+01:00", ["outside-hours"]),  # the end is excluded
        ("2026-03-27T07:00:00+01:00", []),  # the start is included
        ("2026-03-27T06:59:00+01:00", ["outside-hours"]),
        ("2026-03-28T10:00:00+01:00", ["outside-hours"]),  # Saturday: mon-fri only
    ],
)
def test_outside_hours_start_included_end_excluded_weekdays_on_the_sites_clock(imported, time, expected):
    found = rules(imported, f"{time},GVA1,hall,H1,B1,granted,in\n")
    assert [rule for _t, _b, rule in found] == expected


def test_the_same_utc_hour_is_inside_after_the_spring_change_and_outside_before_it(imported):
    """05:30 UTC is 06:30 in Geneva on Friday 27 March 2026 (CET) and 07:30 on Monday 30 March (CEST)."""
    events = "2026-03-27T05:30:00Z,GVA1,hall,H1,B1,granted,in\n2026-03-30T05:30:00Z,GVA1,hall,H1,B1,granted,in\n"
    assert rules(imported, events) == [("2026-03-27 06:30", "B1", "outside-hours")]


def test_a_window_across_midnight_belongs_after_midnight_to_the_previous_days_weekday(imported):
    events = (
        "2026-03-27T23:00:00+01:00,GVA1,hall,H1,B3,granted,in\n"  # Friday 23:00: Friday's night, allowed
        "2026-03-28T01:00:00+01:00,GVA1,hall,H1,B3,granted,in\n"  # Saturday 01:00: still Friday's night
        "2026-03-28T23:00:00+01:00,GVA1,hall,H1,B3,granted,in\n"  # Saturday 23:00: Saturday's night, not allowed
        "2026-03-30T01:00:00+02:00,GVA1,hall,H1,B3,granted,in\n"  # Monday 01:00: Sunday's night, not allowed
        "2026-03-31T05:59:00+02:00,GVA1,hall,H1,B3,granted,in\n"  # Tuesday 05:59: Monday's night, allowed
        "2026-03-31T06:00:00+02:00,GVA1,hall,H1,B3,granted,in\n"  # Tuesday 06:00: the window has ended
        "2026-03-31T12:00:00+02:00,GVA1,hall,H1,B3,granted,in\n"  # midday: outside the night window
    )
    assert rules(imported, events) == [
        ("2026-03-28 23:00", "B3", "outside-hours"),
        ("2026-03-30 01:00", "B3", "outside-hours"),
        ("2026-03-31 06:00", "B3", "outside-hours"),
        ("2026-03-31 12:00", "B3", "outside-hours"),
    ]


def test_the_autumn_hour_that_happens_twice_is_two_events_each_judged(imported):
    """Sunday 25 October 2026, 02:30 happens at +02:00 and again at +01:00: two instants, both Sunday
    02:30 on the site's clock, i.e. Saturday's night, which the night operator's mon-fri does not allow."""
    events = (
        "2026-10-25T02:30:00+02:00,GVA1,hall,H1,B3,granted,in\n2026-10-25T02:30:00+01:00,GVA1,hall,H1,B3,granted,in\n"
    )
    found = rules(imported, events)
    assert found == [("2026-10-25 02:30", "B3", "outside-hours")] * 2


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2026-05-31", []), ("2026-06-01", ["no-authorisation"])],  # the authorisation's until is included
)
def test_an_authorisation_covers_its_until_day_and_not_the_next(imported, day, expected):
    found = rules(imported, f"{day}T12:00:00+02:00,GVA1,hall,H1,B2,granted,in\n")
    assert [rule for _t, _b, rule in found] == expected


def test_no_authorisation_for_the_zone(imported):
    found = rules(imported, "2026-03-27T10:00:00+01:00,GVA1,cage-7,C7,B1,granted,in\n")
    assert found == [("2026-03-27 10:00", "B1", "no-authorisation")]


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2026-04-30", []), ("2026-05-01", ["unknown-badge"])],  # a badge is held through its until day
)
def test_a_badge_is_held_through_its_until_day(imported, day, expected):
    found = rules(imported, f"{day}T12:00:00+02:00,GVA1,hall,H1,B4,granted,in\n")
    assert [rule for _t, _b, rule in found] == expected


def test_an_unknown_badge_and_a_badge_not_yet_given(imported):
    events = (
        "2026-03-27T10:00:00+01:00,GVA1,hall,H1,B9,granted,in\n2025-12-31T10:00:00+01:00,GVA1,hall,H1,B1,granted,in\n"
    )
    assert [rule for _t, _b, rule in rules(imported, events)] == ["unknown-badge", "unknown-badge"]


@pytest.mark.parametrize(
    ("time", "expected"),
    [("2026-05-30T12:00:00+02:00", []), ("2026-07-01T12:00:00+02:00", ["after-leaving"])],
)
def test_after_leaving_from_the_day_after_left_on(imported, time, expected):
    """P2 left on 30 June: an entry that day is not after leaving (left_on before the event's date)."""
    found = rules(imported, f"{time},GVA1,hall,H1,B2,granted,in\n")
    assert [rule for _t, _b, rule in found] == expected


def test_on_the_day_of_leaving_the_other_rules_still_apply(imported):
    found = rules(imported, "2026-06-30T12:00:00+02:00,GVA1,hall,H1,B2,granted,in\n")  # after its until (31 May)
    assert [rule for _t, _b, rule in found] == ["no-authorisation"]


def test_the_most_specific_rule_wins(imported):
    """After leaving, and without authorisation for the cage: after-leaving is reported, once."""
    found = rules(imported, "2026-07-02T03:00:00+02:00,GVA1,cage-7,C7,B2,granted,in\n")
    assert found == [("2026-07-02 03:00", "B2", "after-leaving")]


def test_repeated_denials_third_within_ten_minutes_inclusive_then_counting_starts_again(imported):
    def denied(minute: int) -> str:
        return f"2026-03-27T10:{minute:02d}:00+01:00,GVA1,hall,H1,B1,denied,in\n"

    events = "".join(denied(m) for m in (0, 4, 10))  # the third exactly ten minutes after the first: reported
    events += "".join(denied(m) for m in (11, 12, 30))  # a new run: 11, 12; 30 is 19 minutes on: no report
    events += "".join(denied(m) for m in (40, 45))  # with 30: 30, 40 within ten minutes, 45 is fifteen after 30
    events += "2026-03-27T10:50:01+01:00,GVA1,hall,H1,B1,denied,in\n"  # 40, 45, 50:01 → 10:01 after 40: no
    found = rules(imported, events)
    assert found == [("2026-03-27 10:10", "B1", "repeated-denials")]


def test_repeated_denials_count_per_badge(imported):
    events = (
        "2026-03-27T10:00:00+01:00,GVA1,hall,H1,B1,denied,in\n"
        "2026-03-27T10:01:00+01:00,GVA1,hall,H1,B2,denied,in\n"
        "2026-03-27T10:02:00+01:00,GVA1,hall,H1,B1,denied,in\n"
        "2026-03-27T10:03:00+01:00,GVA1,hall,H1,B2,denied,in\n"
    )
    assert rules(imported, events) == []


def test_the_command_prints_the_json_keys_and_exits_1(imported, capsys):
    imported("2026-03-28T10:00:00+01:00,GVA1,hall,H1,B1,granted,in\n")
    with pytest.raises(CommandError) as failed:
        call_command("physical_anomalies", "--json")
    assert failed.value.returncode == 1
    (row,) = json.loads(capsys.readouterr().out)
    assert row == {"time": "2026-03-28T10:00:00+01:00", "site": "GVA1", "zone": "hall", "door": "H1",
                   "badge": "B1", "person": "P1", "rule": "outside-hours"}  # fmt: skip


def test_the_command_filters_by_local_date_and_exits_0_when_clean(imported, capsys):
    imported("2026-03-28T10:00:00+01:00,GVA1,hall,H1,B1,granted,in\n")
    call_command("physical_anomalies", "--since", "2026-03-29", "--site", "GVA1")
    assert "0 anomalies" in capsys.readouterr().out
    with pytest.raises(CommandError) as failed:
        call_command("physical_anomalies", "--site", "NOPE")
    assert failed.value.returncode == 2
