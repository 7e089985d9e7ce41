"""ENISA 2013 severity (SE = DPC x EI + CB): the worked examples of docs/breaches.md, the level
boundaries and monotonicity as properties (hypothesis)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from art28.breaches.severity import (
    HIGH,
    LEVELS,
    LOW,
    MEDIUM,
    VERY_HIGH,
    SeverityInput,
    SeverityInputError,
    adjustment_to_final,
    assess,
    data_processing_context,
    level_of,
)

# ENISA 2013: the context moves the base score in whole steps to any final DPC from 1 to 4.
WHOLE_STEPS = [D(n) for n in range(-3, 4)]
EI = [D("0.25"), D("0.5"), D("0.75"), D("1")]
CB = [D("0"), D("0.25"), D("0.5")]


# (base, whole-step adjustment) pairs that land on a final DPC from 1 to 4.
DPC_MOVES = [(base, D(final - base)) for base in (1, 2, 3, 4) for final in (1, 2, 3, 4)]
inputs = st.sampled_from(DPC_MOVES).flatmap(
    lambda move: st.builds(
        SeverityInput,
        dpc_base=st.just(move[0]),
        ease_of_identification=st.sampled_from(EI),
        dpc_adjustment=st.just(move[1]),
        dpc_reason=st.just("context"),
        cb_confidentiality=st.sampled_from(CB),
        cb_integrity=st.sampled_from(CB),
        cb_availability=st.sampled_from(CB),
        malicious=st.booleans(),
    )
)
# The house has no timing thresholds in tests (a loaded CI machine is not a failure): no deadline, and no
# "generation is slow" health check, which a machine stall trips.
no_timing = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
        # ENISA 2013's own example: a list of names (simple data) of undercover officers is scored 4.
        (
            SeverityInput(
                dpc_base=1,
                dpc_adjustment=D("3"),
                dpc_reason="the names are those of undercover police officers",
                ease_of_identification=D("1"),
                cb_confidentiality=D("0.5"),
                malicious=True,
            ),
            D("5"),
            VERY_HIGH,
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


def test_enisa_2013_context_moves_simple_data_up_to_a_final_dpc_of_4():
    """ENISA 2013: the context may raise a "simple" base score (1) to 4, e.g. names of undercover officers.
    The old rule capped the adjustment at +1 and refused this."""
    result = assess(
        SeverityInput(
            dpc_base=1,
            dpc_adjustment=adjustment_to_final(1, 4),
            dpc_reason="names of undercover officers",
            ease_of_identification=D("0.75"),
            cb_confidentiality=D("0.25"),
        )
    )
    assert result.dpc == 4
    assert (result.score, result.level) == (D("3.25"), HIGH)  # 4 x 0.75 + 0.25


def test_enisa_2013_context_moves_sensitive_data_down_to_a_final_dpc_of_1():
    """ENISA 2013: sensitive data (base 4) may end at DPC 1 when the context says so (e.g. already public)."""
    result = assess(
        SeverityInput(
            dpc_base=4,
            dpc_adjustment=adjustment_to_final(4, 1),
            dpc_reason="the subjects published the data themselves",
            ease_of_identification=D("1"),
            cb_confidentiality=D("0.5"),
        )
    )
    assert result.dpc == 1
    assert (result.score, result.level) == (D("1.5"), LOW)


@pytest.mark.parametrize(("base", "final"), [(b, f) for b in (1, 2, 3, 4) for f in (1, 2, 3, 4)])
def test_enisa_2013_every_base_may_reach_every_final_dpc_in_whole_steps(base, final):
    values = SeverityInput(
        dpc_base=base,
        dpc_adjustment=adjustment_to_final(base, final),
        dpc_reason="context",
        ease_of_identification=D("1"),
    )
    assert assess(values).dpc == final
    assert data_processing_context(base, D(final - base)) == final


@pytest.mark.parametrize("adjustment", ["0.25", "-0.25", "0.5", "1.75", "-2.5"])
def test_enisa_2013_fractional_dpc_adjustments_are_refused(adjustment):
    """ENISA 2013 moves the DPC in whole steps: quarter steps (allowed by the old rule) are refused."""
    values = SeverityInput(dpc_base=2, ease_of_identification=D("1"), dpc_adjustment=D(adjustment), dpc_reason="x")
    with pytest.raises(SeverityInputError, match="whole number"):
        assess(values)


@pytest.mark.parametrize(("base", "adjustment", "final"), [(4, 1, 5), (1, -1, 0), (2, 3, 5), (3, -3, 0), (1, 4, 5)])
def test_enisa_2013_an_adjustment_leaving_1_to_4_is_refused_not_clamped(base, adjustment, final):
    """The final DPC must be 1-4 (ENISA 2013); the old code clamped 4 + 1 to 4 silently."""
    values = SeverityInput(
        dpc_base=base, ease_of_identification=D("1"), dpc_adjustment=D(adjustment), dpc_reason="context"
    )
    with pytest.raises(SeverityInputError, match=rf"gives {final}; the final DPC must be 1 to 4"):
        assess(values)


@pytest.mark.parametrize("final", [0, 5, "2.5", "x", None])
def test_enisa_2013_a_chosen_final_dpc_must_be_a_whole_1_to_4(final):
    with pytest.raises(SeverityInputError, match="final DPC must be a whole score from 1 to 4"):
        adjustment_to_final(2, final)


@pytest.mark.parametrize("adjustment", ["3", "-1"])
def test_enisa_2013_moving_the_dpc_needs_a_written_reason(adjustment):
    values = SeverityInput(
        dpc_base=1 if adjustment == "3" else 4,
        ease_of_identification=D("1"),
        dpc_adjustment=D(adjustment),
        dpc_reason="   ",
    )
    with pytest.raises(SeverityInputError, match="written reason"):
        assess(values)


@pytest.mark.parametrize(
    ("dpc", "ei", "cb", "score", "level"),
    [
        # Scores landing exactly on each bound belong to the level above (ENISA 2013: low < 2 ≤ medium …):
        # a `>=` turned into `>` in level_of makes each of these fail.
        (2, "1", {}, D("2"), MEDIUM),
        (4, "0.5", {}, D("2"), MEDIUM),
        (3, "1", {}, D("3"), HIGH),
        (4, "0.75", {}, D("3"), HIGH),
        (4, "1", {}, D("4"), VERY_HIGH),
        (3, "1", {"cb_confidentiality": D("0.5"), "malicious": True}, D("4"), VERY_HIGH),
        # Just below each bound.
        (1, "1", {"cb_confidentiality": D("0.5"), "cb_integrity": D("0.25")}, D("1.75"), LOW),
        (2, "1", {"cb_confidentiality": D("0.5"), "cb_integrity": D("0.25")}, D("2.75"), MEDIUM),
        (3, "1", {"cb_confidentiality": D("0.5"), "cb_integrity": D("0.25")}, D("3.75"), HIGH),
    ],
)
def test_enisa_2013_scores_exactly_on_2_3_and_4_take_the_higher_level(dpc, ei, cb, score, level):
    """Reached through a context-moved DPC (base 1 → ``dpc``), so the bounds hold for adjusted scores too."""
    values = SeverityInput(
        dpc_base=1,
        dpc_adjustment=adjustment_to_final(1, dpc),
        dpc_reason="context" if dpc != 1 else "",
        ease_of_identification=D(ei),
        **cb,
    )
    result = assess(values)
    assert (result.score, result.level) == (score, level)


@no_timing
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


@no_timing
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
    """Making any factor worse never lowers the score or the level (within the final DPC's 1-4)."""
    choices = {
        "dpc_base": [b for b in (1, 2, 3, 4) if 1 <= b + values.dpc_adjustment <= 4],
        "dpc_adjustment": [a for a in WHOLE_STEPS if 1 <= values.dpc_base + a <= 4],
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


@no_timing
@given(inputs)
def test_enisa_2013_malicious_intent_adds_exactly_half_a_point(values):
    data = {name: getattr(values, name) for name in SeverityInput.__slots__}
    benign = assess(SeverityInput(**(data | {"malicious": False})))
    malicious = assess(SeverityInput(**(data | {"malicious": True})))
    assert malicious.score - benign.score == D("0.5")
