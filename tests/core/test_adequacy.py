"""One source for adequacy, per law (issue 9, item 2): GDPR Art. 44-46 and nFADP Art. 16 with DSV Annex 1.

Adequacy (GDPR Art. 45, nFADP Art. 16(1)) and safeguards (GDPR Art. 46, nFADP Art. 16(2)) are different
grounds; inside the EEA (GDPR) or Switzerland (nFADP) there is no transfer at all; the US is adequate only
for a recipient certified under the Data Privacy Framework of that law, from the day of certification.
"""

from __future__ import annotations

import datetime as dt

import pytest

from art28.core.adequacy import (
    Certifications,
    GroundKind,
    Law,
    decision_for,
    decisions,
    ground_for,
    grounds_for,
    needs_safeguard,
)
from art28.core.countries import EEA_COUNTRIES, is_country_code

TODAY = dt.date(2026, 12, 3)


def test_the_table_is_well_formed_iso_codes_and_dates_in_order():
    rows = decisions()
    assert rows and all(is_country_code(d.country) for d in rows)
    assert all(d.valid_until is None or d.valid_from <= d.valid_until for d in rows)
    assert all(d.source for d in rows)


def test_dsv_annex_1_lists_every_eea_state():
    """nFADP Art. 16(1) with DSV Annex 1: each EEA state is listed (a transfer from Switzerland to one is
    a disclosure abroad with an adequacy ground, not 'inside the EEA')."""
    listed = {d.country for d in decisions() if d.law == Law.NFADP}
    assert listed >= EEA_COUNTRIES


def test_gdpr_art_44_inside_the_eea_is_no_transfer_and_nfadp_16_1_gives_it_adequacy():
    grounds = grounds_for("DE", on=TODAY)
    assert grounds[Law.GDPR].kind == GroundKind.EEA
    assert grounds[Law.NFADP].kind == GroundKind.ADEQUACY and "DSV Annex 1" in grounds[Law.NFADP].basis


def test_switzerland_is_adequate_for_the_gdpr_by_decision_2000_518_and_domestic_for_the_nfadp():
    grounds = grounds_for("CH", on=TODAY)
    assert grounds[Law.GDPR].kind == GroundKind.ADEQUACY and "2000/518/EC" in grounds[Law.GDPR].basis
    assert grounds[Law.NFADP].kind == GroundKind.SWITZERLAND


def test_an_art_45_adequacy_is_not_called_a_safeguard_even_when_a_safeguard_is_also_recorded():
    """GDPR Art. 45 vs 46: where a decision covers the state, the ground is adequacy."""
    ground = ground_for(Law.GDPR, "JP", on=TODAY, safeguard="SCC")
    assert ground.kind == GroundKind.ADEQUACY and "2019/419" in ground.basis


def test_without_adequacy_a_recorded_safeguard_is_the_ground_and_without_one_there_is_none():
    """GDPR Art. 46 / nFADP Art. 16(2): India has no adequacy finding under either law."""
    assert ground_for(Law.GDPR, "IN", on=TODAY, safeguard="SCC (EU 2021/914)").kind == GroundKind.SAFEGUARD
    assert ground_for(Law.NFADP, "IN", on=TODAY, safeguard="SCC with the Swiss addendum").basis == (
        "SCC with the Swiss addendum"
    )
    none = ground_for(Law.GDPR, "IN", on=TODAY)
    assert none.kind == GroundKind.NONE and none.is_problem


def test_the_us_is_adequate_only_for_a_dpf_certified_recipient_of_that_law_from_its_certification():
    """Implementing Decision (EU) 2023/1795 (EU-US DPF, from 10 July 2023); DSV Annex 1 since 15 September
    2024 (Swiss-US DPF). Certification under one framework does not cover the other law."""
    eu_only = Certifications(eu_us_dpf_since=dt.date(2024, 3, 1))
    assert ground_for(Law.GDPR, "US", on=TODAY, certifications=eu_only).kind == GroundKind.ADEQUACY
    assert "2023/1795" in ground_for(Law.GDPR, "US", on=TODAY, certifications=eu_only).basis
    assert ground_for(Law.NFADP, "US", on=TODAY, certifications=eu_only).kind == GroundKind.NONE
    # Certified on a day: adequate from that day on, not the day before.
    assert ground_for(Law.GDPR, "US", on=dt.date(2024, 3, 1), certifications=eu_only).kind == GroundKind.ADEQUACY
    assert ground_for(Law.GDPR, "US", on=dt.date(2024, 2, 29), certifications=eu_only).kind == GroundKind.NONE
    # Nothing before the decision, whatever the certification.
    early = Certifications(eu_us_dpf_since=dt.date(2020, 1, 1), swiss_us_dpf_since=dt.date(2020, 1, 1))
    assert ground_for(Law.GDPR, "US", on=dt.date(2023, 7, 9), certifications=early).kind == GroundKind.NONE
    assert ground_for(Law.GDPR, "US", on=dt.date(2023, 7, 10), certifications=early).kind == GroundKind.ADEQUACY
    assert ground_for(Law.NFADP, "US", on=dt.date(2024, 9, 14), certifications=early).kind == GroundKind.NONE
    assert ground_for(Law.NFADP, "US", on=dt.date(2024, 9, 15), certifications=early).kind == GroundKind.ADEQUACY


def test_a_decision_with_an_end_date_stops_covering_the_day_after_it():
    """The UK decisions have end dates (Implementing Decision (EU) 2021/1772, extended to 27 December 2025;
    renewed on 19 December 2025 until 27 December 2031): the last day is covered, the next is not."""
    assert decision_for(Law.GDPR, "GB", dt.date(2025, 6, 28)) is not None
    assert "2021/1772" in decision_for(Law.GDPR, "GB", dt.date(2025, 12, 1)).source
    assert decision_for(Law.GDPR, "GB", dt.date(2031, 12, 27)) is not None
    assert decision_for(Law.GDPR, "GB", dt.date(2031, 12, 28)) is None
    assert ground_for(Law.GDPR, "GB", on=dt.date(2031, 12, 28)).kind == GroundKind.NONE
    assert decision_for(Law.GDPR, "GB", dt.date(2021, 6, 27)) is None


@pytest.mark.parametrize(
    ("country", "certifications", "needed"),
    [
        ("DE", Certifications(), False),
        ("GB", Certifications(), False),  # adequate under both laws: no safeguard needed
        ("JP", Certifications(), True),  # adequate for the EU, not in DSV Annex 1
        ("US", Certifications(), True),
        ("US", Certifications(eu_us_dpf_since=dt.date(2024, 1, 1)), True),
        ("US", Certifications(eu_us_dpf_since=dt.date(2024, 1, 1), swiss_us_dpf_since=dt.date(2024, 10, 1)), False),
    ],
)
def test_a_safeguard_is_needed_when_some_law_leaves_the_state_without_a_ground(country, certifications, needed):
    assert needs_safeguard(country, on=TODAY, certifications=certifications) is needed
