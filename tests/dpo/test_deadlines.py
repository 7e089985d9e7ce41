"""Each deadline rule of art28/dpo/deadlines.py, with the article it comes from in the test's name."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from art28.dpo.deadlines import (
    Regime,
    add_months,
    both_due,
    both_extension_allowed,
    deadline_for,
    gdpr_due,
    gdpr_extended_due,
    gdpr_extension_allowed,
    nfadp_deferral_allowed,
    nfadp_due,
    regime_for,
    service_level_due,
)

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31))


def test_gdpr_art_12_3_one_month_is_the_same_day_next_month():
    assert gdpr_due(dt.date(2026, 3, 14)) == dt.date(2026, 4, 14)
    assert gdpr_due(dt.date(2026, 12, 20)) == dt.date(2027, 1, 20)


def test_gdpr_art_12_3_31_january_ends_on_the_last_day_of_february():
    assert gdpr_due(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert gdpr_due(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)  # leap year
    assert gdpr_due(dt.date(2026, 3, 31)) == dt.date(2026, 4, 30)


def test_gdpr_art_12_3_extension_by_two_further_months_counts_from_receipt():
    assert gdpr_extended_due(dt.date(2026, 1, 31)) == dt.date(2026, 4, 30)
    assert gdpr_extended_due(dt.date(2026, 11, 30)) == dt.date(2027, 2, 28)


def test_gdpr_art_12_3_extension_must_be_told_within_the_first_month():
    received = dt.date(2026, 1, 31)
    assert gdpr_extension_allowed(received, dt.date(2026, 2, 28))
    assert not gdpr_extension_allowed(received, dt.date(2026, 3, 1))


def test_dsv_art_18_1_nfadp_art_25_7_thirty_days_from_receipt():
    assert nfadp_due(dt.date(2026, 1, 31)) == dt.date(2026, 3, 2)
    assert nfadp_due(dt.date(2026, 2, 1)) == dt.date(2026, 3, 3)


def test_dsv_art_18_2_deferral_must_be_told_within_the_30_days_and_has_no_cap():
    received = dt.date(2026, 1, 1)
    assert nfadp_deferral_allowed(received, dt.date(2026, 1, 31))
    assert not nfadp_deferral_allowed(received, dt.date(2026, 2, 1))
    deadline = deadline_for(Regime.NFADP, received, service_days=30)
    assert deadline.extension_cap is None and deadline.extension_window_ends == dt.date(2026, 1, 31)


def test_both_laws_gdpr_art_12_3_and_dsv_art_18_the_earlier_deadline_governs():
    # 1 March: one month → 1 April; 30 days → 31 March (the nFADP is earlier).
    assert both_due(dt.date(2026, 3, 1)) == dt.date(2026, 3, 31)
    # 1 February: one month → 1 March; 30 days → 3 March (the GDPR is earlier).
    assert both_due(dt.date(2026, 2, 1)) == dt.date(2026, 3, 1)
    # The extension must be told within both windows; it may run to the GDPR's three months.
    assert not both_extension_allowed(dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    assert deadline_for(Regime.BOTH, dt.date(2026, 3, 1), service_days=30).extension_cap == dt.date(2026, 6, 1)


def test_questions_complaints_and_security_reports_follow_the_provider_commitment_not_a_law():
    deadline = deadline_for(Regime.SERVICE_LEVEL, dt.date(2026, 1, 1), service_days=10)
    assert deadline.due == service_level_due(dt.date(2026, 1, 1), 10) == dt.date(2026, 1, 11)
    assert not deadline.is_law and deadline.extension_window_ends is None


def test_gdpr_art_3_and_nfadp_art_3_which_law_a_swiss_provider_follows():
    def regime(country: str, dsr: bool = True) -> Regime:
        return regime_for(requester_country=country, provider_country="CH", is_data_subject_request=dsr)

    assert regime("CH") == Regime.NFADP
    assert regime("US") == Regime.NFADP
    assert regime("DE") == Regime.BOTH  # GDPR Art. 3(2): a person in the EEA
    assert regime("DE", dsr=False) == Regime.SERVICE_LEVEL
    assert regime_for(requester_country="US", provider_country="FR", is_data_subject_request=True) == Regime.GDPR


@given(days, st.integers(min_value=0, max_value=36))
def test_gdpr_art_12_3_add_months_keeps_the_day_or_clamps_to_the_month_end(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)


@given(days)
def test_gdpr_art_12_3_the_month_is_28_to_31_days_and_both_laws_take_the_earlier(day):
    due = gdpr_due(day)
    assert 28 <= (due - day).days <= 31
    assert both_due(day) == min(due, nfadp_due(day)) <= due


@given(days)
def test_gdpr_art_12_3_extended_deadline_is_after_the_first_and_within_three_months(day):
    assert gdpr_due(day) < gdpr_extended_due(day)
    assert 89 <= (gdpr_extended_due(day) - day).days <= 92
