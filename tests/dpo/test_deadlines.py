"""Each deadline rule of art28/dpo/deadlines.py, with the article it comes from in the test's name."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from art28.dpo.deadlines import (
    ControllerKind,
    Regime,
    add_months,
    both_due,
    deadline_for,
    gdpr_due,
    gdpr_extended_due,
    nfadp_due,
    service_level_due,
)
from art28.dpo.workdays import WEEKENDS_ONLY, Calendar, Calendars

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31))
GENEVA, VAUD = Calendar("CH-GE"), Calendar("CH-VD")
SWISS = Calendars(gdpr=WEEKENDS_ONLY, nfadp=GENEVA)


def test_gdpr_art_12_3_one_month_is_the_same_day_next_month():
    assert gdpr_due(dt.date(2026, 3, 14)) == dt.date(2026, 4, 14)
    assert gdpr_due(dt.date(2026, 12, 20)) == dt.date(2027, 1, 20)


def test_reg_1182_71_art_3_2_c_31_january_ends_on_the_last_day_of_february():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert gdpr_due(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)  # a Friday: stays
    assert gdpr_due(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)  # leap year, a Tuesday
    assert gdpr_due(dt.date(2026, 3, 31)) == dt.date(2026, 4, 30)


def test_reg_1182_71_art_3_4_month_end_clamp_then_sunday_rolls_to_monday_1_march_2027():
    # 31 Jan 2027 + one month → 28 Feb 2027 (clamped), a Sunday → Monday 1 March 2027.
    assert gdpr_due(dt.date(2027, 1, 31)) == dt.date(2027, 3, 1)
    # Leap year: 31 Jan 2032 → 29 Feb 2032, a Sunday → 1 March.
    assert gdpr_due(dt.date(2032, 1, 31)) == dt.date(2032, 3, 1)
    # 31 Jan 2026 → 28 Feb 2026, a Saturday → Monday 2 March.
    assert gdpr_due(dt.date(2026, 1, 31)) == dt.date(2026, 3, 2)


def test_reg_1182_71_art_3_4_an_extension_told_on_monday_1_march_2027_is_in_time():
    deadline = deadline_for(Regime.GDPR, dt.date(2027, 1, 31), service_days=30)
    assert deadline.due == deadline.extension_window_ends == dt.date(2027, 3, 1)
    assert deadline.extension_possible_on(dt.date(2027, 3, 1))
    assert not deadline.extension_possible_on(dt.date(2027, 3, 2))


def test_gdpr_art_12_3_extension_by_two_further_months_counts_from_receipt_and_rolls():
    assert gdpr_extended_due(dt.date(2026, 1, 31)) == dt.date(2026, 4, 30)
    # 30 Nov 2026 + 3 months → 28 Feb 2027, a Sunday → 1 March (Reg. 1182/71 Art. 3(4)).
    assert gdpr_extended_due(dt.date(2026, 11, 30)) == dt.date(2027, 3, 1)
    assert deadline_for(Regime.GDPR, dt.date(2026, 11, 30), service_days=30).extension_cap == dt.date(2027, 3, 1)


def test_gdpr_art_12_3_extension_must_be_told_within_the_first_month():
    deadline = deadline_for(Regime.GDPR, dt.date(2026, 3, 14), service_days=30)
    assert deadline.extension_possible_on(dt.date(2026, 4, 14))
    assert not deadline.extension_possible_on(dt.date(2026, 4, 15))


def test_dsv_art_18_1_nfadp_art_25_7_thirty_days_from_receipt():
    assert nfadp_due(dt.date(2026, 1, 31)) == dt.date(2026, 3, 2)
    assert nfadp_due(dt.date(2026, 2, 1)) == dt.date(2026, 3, 3)


def test_co_art_78_a_period_ending_on_a_saturday_or_a_sunday_ends_on_monday():
    assert nfadp_due(dt.date(2027, 2, 4), GENEVA) == dt.date(2027, 3, 8)  # 6 March 2027: a Saturday
    assert nfadp_due(dt.date(2027, 2, 5), GENEVA) == dt.date(2027, 3, 8)  # 7 March 2027: a Sunday


def test_co_art_78_the_swiss_national_day_1_august_is_a_public_holiday():
    assert nfadp_due(dt.date(2028, 7, 2), GENEVA) == dt.date(2028, 8, 2)  # 1 Aug 2028: a Tuesday
    assert nfadp_due(dt.date(2028, 7, 2), WEEKENDS_ONLY) == dt.date(2028, 8, 1)


def test_co_art_78_new_year_on_a_friday_then_the_weekend_ends_on_monday():
    assert nfadp_due(dt.date(2026, 12, 2), GENEVA) == dt.date(2027, 1, 4)  # Fri 1 Jan 2027, Sat, Sun
    assert nfadp_due(dt.date(2026, 12, 2), WEEKENDS_ONLY) == dt.date(2027, 1, 1)


def test_co_art_78_easter_good_friday_to_easter_monday_in_geneva():
    assert nfadp_due(dt.date(2027, 2, 24), GENEVA) == dt.date(2027, 3, 30)  # Good Friday … Easter Monday
    assert nfadp_due(dt.date(2027, 2, 24), WEEKENDS_ONLY) == dt.date(2027, 3, 26)


@pytest.mark.parametrize(
    ("received", "geneva", "vaud"),
    [
        # 31 Dec: Restauration de la République, Geneva only; then 1 Jan and a weekend.
        (dt.date(2026, 12, 1), dt.date(2027, 1, 4), dt.date(2026, 12, 31)),
        # Jeûne genevois, Thursday 9 Sep 2027: Geneva only.
        (dt.date(2027, 8, 10), dt.date(2027, 9, 10), dt.date(2027, 9, 9)),
        # Lundi du Jeûne, Monday 20 Sep 2027: Vaud only.
        (dt.date(2027, 8, 21), dt.date(2027, 9, 20), dt.date(2027, 9, 21)),
    ],
)
def test_co_art_78_public_holidays_are_those_of_the_place_of_performance_the_canton(received, geneva, vaud):
    assert nfadp_due(received, GENEVA) == geneva
    assert nfadp_due(received, VAUD) == vaud


def test_reg_1182_71_art_3_4_public_holidays_of_the_member_state_and_region():
    # 6 Jan 2027 (Epiphany) is a public holiday in Bavaria, not in Berlin.
    assert gdpr_due(dt.date(2026, 12, 6), Calendar("DE-BY")) == dt.date(2027, 1, 7)
    assert gdpr_due(dt.date(2026, 12, 6), Calendar("DE-BE")) == dt.date(2027, 1, 6)


def test_dsv_art_18_2_deferral_must_be_told_within_the_30_days_and_has_no_cap():
    received = dt.date(2026, 1, 1)  # + 30 days = Saturday 31 Jan 2026 → Monday 2 Feb (CO Art. 78)
    deadline = deadline_for(Regime.NFADP, received, service_days=30)
    assert deadline.extension_cap is None and deadline.extension_window_ends == dt.date(2026, 2, 2)
    assert deadline.extension_possible_on(dt.date(2026, 2, 2))
    assert not deadline.extension_possible_on(dt.date(2026, 2, 3))


def test_both_laws_gdpr_art_12_3_and_dsv_art_18_the_earlier_deadline_governs():
    # 1 March: one month → 1 April; 30 days → 31 March (the nFADP is earlier).
    assert both_due(dt.date(2026, 3, 1)) == dt.date(2026, 3, 31)
    # 1 February 2026: one month → Sunday 1 March → 2 March; 30 days → 3 March (the GDPR is earlier).
    assert both_due(dt.date(2026, 2, 1)) == dt.date(2026, 3, 2)
    # The extension must be told within both windows; it may run to the GDPR's three months.
    both = deadline_for(Regime.BOTH, dt.date(2026, 3, 1), service_days=30)
    assert not both.extension_possible_on(dt.date(2026, 4, 1))
    assert both.extension_cap == dt.date(2026, 6, 1)


def test_both_laws_each_rolls_by_its_own_calendar():
    # 2 Dec 2026: GDPR (weekends only) → Sat 2 Jan 2027 → Mon 4 Jan; nFADP (Geneva) → Fri 1 Jan → Mon 4 Jan.
    assert both_due(dt.date(2026, 12, 2), SWISS) == dt.date(2027, 1, 4)
    # 1 Dec 2026: GDPR → Fri 1 Jan 2027 (no holiday set: stays); nFADP → 31 Dec (Geneva) → 4 Jan.
    assert both_due(dt.date(2026, 12, 1), SWISS) == dt.date(2027, 1, 1)
    assert both_due(dt.date(2026, 12, 1), Calendars(gdpr=Calendar("DE"), nfadp=GENEVA)) == dt.date(2027, 1, 4)


def test_questions_complaints_and_security_reports_follow_the_provider_commitment_not_a_law():
    deadline = deadline_for(Regime.SERVICE_LEVEL, dt.date(2026, 1, 1), service_days=10)
    assert deadline.due == service_level_due(dt.date(2026, 1, 1), 10) == dt.date(2026, 1, 11)
    assert not deadline.is_law and deadline.extension_window_ends is None


def test_gdpr_art_3_nfadp_art_3_where_neither_law_applies_the_provider_commitment_is_not_law():
    deadline = deadline_for(Regime.NONE, dt.date(2026, 1, 1), service_days=10)
    assert deadline.due == dt.date(2026, 1, 11) and not deadline.is_law
    assert deadline.extension_window_ends is None and deadline.law_due is None
    assert "neither the GDPR nor the nFADP" in deadline.basis


def test_gdpr_art_12_3_binds_the_controller_a_customers_request_tracks_the_forwarding_commitment():
    received = dt.date(2027, 1, 31)
    deadline = deadline_for(Regime.BOTH, received, controller=ControllerKind.CUSTOMER, service_days=30, forward_days=5)
    assert deadline.due == dt.date(2027, 2, 5) and not deadline.is_law
    assert "forward" in deadline.basis and "Art. 28(3)(e)" in deadline.basis
    assert deadline.extension_window_ends is None  # the controller extends, not the processor
    assert deadline.law_due == dt.date(2027, 3, 1)  # the controller's, for information


def test_gdpr_art_12_3_an_unknown_controller_tracks_the_earlier_of_forwarding_and_the_legal_deadline():
    received = dt.date(2027, 1, 31)
    unknown = deadline_for(Regime.NFADP, received, controller=ControllerKind.UNKNOWN, service_days=30, forward_days=5)
    assert unknown.due == dt.date(2027, 2, 5) and not unknown.is_law and unknown.extension_window_ends is None
    assert unknown.law_due == nfadp_due(received)
    # A commitment longer than the law's period never postpones the legal deadline.
    late = deadline_for(Regime.NFADP, received, controller=ControllerKind.UNKNOWN, service_days=30, forward_days=45)
    assert late.due == nfadp_due(received)


@given(days, st.integers(min_value=0, max_value=36))
def test_gdpr_art_12_3_add_months_keeps_the_day_or_clamps_to_the_month_end(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@given(days)
def test_reg_1182_71_art_3_4_co_art_78_a_due_date_is_a_working_day_never_earlier_at_most_4_days_later(day):
    for unrolled, rolled, workdays in (
        (add_months(day, 1), gdpr_due(day, GENEVA), GENEVA),
        (add_months(day, 3), gdpr_extended_due(day, GENEVA), GENEVA),
        (day + dt.timedelta(days=30), nfadp_due(day, GENEVA), GENEVA),
        (add_months(day, 1), gdpr_due(day), WEEKENDS_ONLY),
        (day + dt.timedelta(days=30), nfadp_due(day), WEEKENDS_ONLY),
    ):
        assert rolled.weekday() < 5 and workdays.is_working_day(rolled)
        # Longest run of days off in Geneva: 31 Dec + 1 Jan + a weekend, or Good Friday to Easter Monday.
        assert 0 <= (rolled - unrolled).days <= 4
        skipped = [unrolled + dt.timedelta(days=n) for n in range((rolled - unrolled).days)]
        assert not any(workdays.is_working_day(d) for d in skipped)  # the next working day, not a later one


@given(days)
def test_gdpr_art_12_3_the_month_is_28_to_35_days_and_both_laws_take_the_earlier(day):
    due = gdpr_due(day, GENEVA)
    assert 28 <= (due - day).days <= 31 + 4
    assert both_due(day, Calendars(GENEVA, GENEVA)) == min(due, nfadp_due(day, GENEVA)) <= due


@given(days)
def test_gdpr_art_12_3_extended_deadline_is_after_the_first_and_within_three_months_and_a_few_days(day):
    assert gdpr_due(day, GENEVA) < gdpr_extended_due(day, GENEVA)
    assert 89 <= (gdpr_extended_due(day, GENEVA) - day).days <= 92 + 4


# --- Both laws (GDPR Art. 12(3) and nFADP Art. 25(7) with DSV Art. 18): the earlier date governs the due
# date AND the window in which an extension (GDPR) or a deferral (DSV Art. 18(2)) must be told; the new
# date may run to the GDPR's three months, rolled by the GDPR's calendar (the nFADP sets no cap).

BOTH_LAWS_CASES = [
    # Month lengths: 31 Jan 2025 → GDPR Fri 28 Feb 2025; 30 days → Sun 2 Mar → Mon 3 Mar. The GDPR's is earlier.
    pytest.param(dt.date(2025, 1, 31), Calendars(), "gdpr", id="february-gdpr-earlier"),
    # 1 Jul 2026 → GDPR Sat 1 Aug → Mon 3 Aug; 30 days → Fri 31 Jul. The nFADP's is earlier.
    pytest.param(dt.date(2026, 7, 1), Calendars(), "nfadp", id="31-day-month-nfadp-earlier"),
    # Holidays: 1 Dec 2026 → 30 days → Thu 31 Dec; Geneva's Restauration, 1 Jan and a weekend → Mon 4 Jan
    # (CO Art. 78(1)); GDPR (weekends only) → Fri 1 Jan 2027. Geneva's calendar makes the GDPR's earlier …
    pytest.param(dt.date(2026, 12, 1), SWISS, "gdpr", id="geneva-holidays-gdpr-earlier"),
    # … while without holidays the nFADP's 31 December is.
    pytest.param(dt.date(2026, 12, 1), Calendars(), "nfadp", id="no-holidays-nfadp-earlier"),
]


@pytest.mark.parametrize(("received", "calendars", "earlier"), BOTH_LAWS_CASES)
def test_gdpr_art_12_3_and_dsv_art_18_both_laws_due_and_extension_window_are_the_earlier_date(
    received, calendars, earlier
):
    gdpr, nfadp = gdpr_due(received, calendars.gdpr), nfadp_due(received, calendars.nfadp)
    assert gdpr != nfadp  # the two laws' deadlines differ here: the case tells which one wins
    first, later = (gdpr, nfadp) if earlier == "gdpr" else (nfadp, gdpr)
    assert first < later

    deadline = deadline_for(Regime.BOTH, received, service_days=30, calendars=calendars)
    assert both_due(received, calendars) == first
    assert deadline.due == deadline.law_due == first and deadline.is_law
    # The extension (GDPR Art. 12(3), third sentence) or deferral (DSV Art. 18(2)) is told within BOTH
    # periods: on the earlier last day, not one day after, even though the other law would still allow it.
    assert deadline.extension_window_ends == first
    assert deadline.extension_possible_on(first)
    assert not deadline.extension_possible_on(first + dt.timedelta(days=1))
    assert not deadline.extension_possible_on(later)


@pytest.mark.parametrize(("received", "calendars", "earlier"), BOTH_LAWS_CASES)
def test_gdpr_art_12_3_both_laws_the_cap_is_the_gdprs_three_months(received, calendars, earlier):
    """GDPR Art. 12(3): "extended by two further months" — three months from receipt, rolled by the GDPR's
    calendar (Reg. 1182/71 Art. 3(4)); DSV Art. 18(2) sets no cap of its own, so the GDPR's binds."""
    deadline = deadline_for(Regime.BOTH, received, service_days=30, calendars=calendars)
    assert deadline.extension_cap == gdpr_extended_due(received, calendars.gdpr)
    assert deadline.extension_cap == calendars.gdpr.roll_forward(add_months(received, 3))


def test_gdpr_art_12_3_both_laws_the_cap_rolls_by_the_gdprs_calendar_not_the_nfadps():
    # 1 Oct 2026 + 3 months = Fri 1 Jan 2027: a working day for a weekends-only GDPR calendar, a holiday
    # in Geneva (→ Mon 4 Jan). The cap is the GDPR's own: 1 January.
    received = dt.date(2026, 10, 1)
    deadline = deadline_for(Regime.BOTH, received, service_days=30, calendars=SWISS)
    assert deadline.extension_cap == dt.date(2027, 1, 1)
    assert gdpr_extended_due(received, GENEVA) == dt.date(2027, 1, 4)  # what the wrong calendar would say


@given(days)
def test_gdpr_art_12_3_and_dsv_art_18_both_laws_window_is_never_later_than_either_law(day):
    calendars = Calendars(gdpr=WEEKENDS_ONLY, nfadp=GENEVA)
    deadline = deadline_for(Regime.BOTH, day, service_days=30, calendars=calendars)
    gdpr, nfadp = gdpr_due(day, calendars.gdpr), nfadp_due(day, calendars.nfadp)
    assert deadline.due == deadline.extension_window_ends == min(gdpr, nfadp)
    assert deadline.extension_window_ends in (gdpr, nfadp)
    assert deadline.extension_cap == gdpr_extended_due(day, calendars.gdpr)
