"""ENISA 2013 severity (SE = DPC x EI + CB): the worked examples of docs/breaches.md, the level
boundaries and monotonicity as properties (hypothesis)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from art28.breaches.severity import (
    HIGH,
    LEVELS,
    LOW,
    MEDIUM,
    VERY_HIGH,
    SeverityInput,
    SeverityInputError,
    assess,
    data_processing_context,
    level_of,
)

QUARTERS = [D(n) / 4 for n in range(-4, 5)]
EI = [D("0.25"), D("0.5"), D("0.75"), D("1")]
CB = [D("0"), D("0.25"), D("0.5")]

inputs = st.builds(
    SeverityInput,
    dpc_base=st.sampled_from([1, 2, 3, 4]),
    ease_of_identification=st.sampled_from(EI),
    dpc_adjustment=st.sampled_from(QUARTERS),
    dpc_reason=st.just("context"),
    cb_confidentiality=st.sampled_from(CB),
    cb_integrity=st.sampled_from(CB),
    cb_availability=st.sampled_from(CB),
    malicious=st.booleans(),
)


@pytest.mark.parametrize(
    ("values", "score", "level"),
    [
        # Customer e-mail addresses (simple data) readable on the internet, fully identifiable.
        (SeverityInput(dpc_base=1, ease_of_identification=D("1"), cb_confidentiality=D("0.5")), D("1.5"), LOW),
        # Location history (behavioural), significant identification, disclosed to unknown parties.
        (SeverityInput(dpc_base=2, ease_of_identification=D("0.75"), cb_confidentiality=D("0.5")), D("2"), MEDIUM),
        # Bank details (financial) stolen by an attacker and the copies encrypted (ransomware).
        (
            SeverityInput(
                dpc_base=3,
                ease_of_identification=D("0.75"),
                cb_confidentiality=D("0.5"),
                cb_availability=D("0.25"),
                malicious=True,
            ),
            D("3.5"),
            HIGH,
        ),
        # Health records (sensitive), maximum identification, leaked on purpose.
        (
            SeverityInput(dpc_base=4, ease_of_identification=D("1"), cb_confidentiality=D("0.5"), malicious=True),
            D("5"),
            VERY_HIGH,
        ),
        # Sensitive data lowered by the context (already public), hard to identify, only unavailable.
        (
            SeverityInput(
                dpc_base=4,
                dpc_adjustment=D("-1"),
                dpc_reason="the data was already published by the subjects",
                ease_of_identification=D("0.25"),
                cb_availability=D("0.25"),
            ),
            D("1"),
            LOW,
        ),
    ],
)
def test_enisa_2013_worked_examples(values, score, level):
    result = assess(values)
    assert (result.score, result.level) == (score, level)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (D("0"), LOW),
        (D("1.9999"), LOW),
        (D("2"), MEDIUM),
        (D("2.9999"), MEDIUM),
        (D("3"), HIGH),
        (D("3.9999"), HIGH),
        (D("4"), VERY_HIGH),
        (D("6"), VERY_HIGH),
    ],
)
def test_enisa_2013_level_boundaries(score, level):
    """low < 2 ≤ medium < 3 ≤ high < 4 ≤ very high."""
    assert level_of(score) == level


def test_enisa_2013_dpc_is_clamped_to_1_to_4():
    assert data_processing_context(1, D("-1")) == 1
    assert data_processing_context(4, D("1")) == 4
    assert data_processing_context(2, D("0.5")) == D("2.5")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (SeverityInput(dpc_base=5, ease_of_identification=D("1")), "DPC base score"),
        (SeverityInput(dpc_base=2, ease_of_identification=D("0.3")), "ease of identification"),
        (SeverityInput(dpc_base=2, ease_of_identification=D("1"), cb_integrity=D("1")), "integrity loss"),
        (
            SeverityInput(dpc_base=2, ease_of_identification=D("1"), dpc_adjustment=D("1.5"), dpc_reason="x"),
            "between -1 and",
        ),
        (SeverityInput(dpc_base=2, ease_of_identification=D("1"), dpc_adjustment=D("0.5")), "written reason"),
    ],
)
def test_enisa_2013_inputs_off_the_scales_are_refused(values, message):
    with pytest.raises(SeverityInputError, match=message):
        assess(values)


@given(inputs)
def test_enisa_2013_score_and_level_stay_in_range(values):
    result = assess(values)
    assert D("0.25") <= result.score <= D("6")
    assert result.level == level_of(result.score)
    assert result.level in LEVELS


def _raised(values: SeverityInput, field: str, choices: list) -> SeverityInput | None:
    current = getattr(values, field)
    higher = [c for c in choices if c > current]
    if not higher:
        return None
    data = {name: getattr(values, name) for name in SeverityInput.__slots__}
    data[field] = higher[0]
    return SeverityInput(**data)


@given(
    inputs,
    st.sampled_from(
        [
            "dpc_base",
            "dpc_adjustment",
            "ease_of_identification",
            "cb_confidentiality",
            "cb_integrity",
            "cb_availability",
            "malicious",
        ]
    ),
)
def test_enisa_2013_is_monotonic_in_every_input(values, field):
    """Making any factor worse never lowers the score or the level."""
    choices = {
        "dpc_base": [1, 2, 3, 4],
        "dpc_adjustment": QUARTERS,
        "ease_of_identification": EI,
        "cb_confidentiality": CB,
        "cb_integrity": CB,
        "cb_availability": CB,
        "malicious": [False, True],
    }[field]
    worse = _raised(values, field, choices)
    if worse is None:
        return
    before, after = assess(values), assess(worse)
    assert after.score >= before.score
    assert LEVELS.index(after.level) >= LEVELS.index(before.level)


@given(inputs)
def test_enisa_2013_malicious_intent_adds_exactly_half_a_point(values):
    data = {name: getattr(values, name) for name in SeverityInput.__slots__}
    benign = assess(SeverityInput(**(data | {"malicious": False})))
    malicious = assess(SeverityInput(**(data | {"malicious": True})))
    assert malicious.score - benign.score == D("0.5")
