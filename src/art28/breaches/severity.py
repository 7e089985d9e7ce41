"""ENISA 2013 severity of a personal-data breach: SE = DPC x EI + CB (pure functions).

ENISA, "Recommendations for a methodology of the assessment of severity of personal data breaches"
(December 2013):

* DPC, data processing context: a base score by the kind of data, 1 simple, 2 behavioural,
  3 financial, 4 sensitive. The context (volume, what the data reveals, whether it is already
  public …) may move any category's base score, in whole steps, to any final DPC from 1 to 4: a list
  of the names of undercover officers is "simple" data scored 4, sensitive data may end at 1. A
  non-zero adjustment needs a written reason; a fractional one, or one that leaves 1-4, is refused
  (never clamped: the assessor chose a final DPC, and the record must say which).
* EI, ease of identification of the data subjects: 0.25 negligible, 0.5 limited, 0.75 significant,
  1 maximum.
* CB, circumstances of the breach: 0, 0.25 or 0.5 for each of loss of confidentiality, integrity and
  availability, and 0.5 more for malicious intent.
* Levels: SE < 2 low, 2 ≤ SE < 3 medium, 3 ≤ SE < 4 high, SE ≥ 4 very high.

The score informs a person's decision; it never decides whether to notify (PRODUCT.md).
Decimals throughout, so that the level boundaries are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

DPC_BASES = {
    1: _("simple data (e.g. contact details, identity)"),
    2: _("behavioural data (e.g. location, traffic, habits)"),
    3: _("financial data (e.g. income, transactions, bank details)"),
    4: _("sensitive data (e.g. health, political opinions, sexual life)"),
}
EASE_OF_IDENTIFICATION = {
    Decimal("0.25"): _("negligible"),
    Decimal("0.5"): _("limited"),
    Decimal("0.75"): _("significant"),
    Decimal("1"): _("maximum"),
}
CB_STEPS = {Decimal("0"): _("none"), Decimal("0.25"): _("limited"), Decimal("0.5"): _("significant")}
MALICIOUS_INTENT = Decimal("0.5")
# ENISA 2013: the final DPC, after the context, is a whole score from 1 to 4.
DPC_MIN, DPC_MAX = 1, 4

LOW, MEDIUM, HIGH, VERY_HIGH = "low", "medium", "high", "very_high"
LEVELS = (LOW, MEDIUM, HIGH, VERY_HIGH)
LEVEL_LABELS = {LOW: _("low"), MEDIUM: _("medium"), HIGH: _("high"), VERY_HIGH: _("very high")}
# Lower bounds of each level above "low" (ENISA 2013, table "severity levels").
LEVEL_BOUNDS = ((Decimal("4"), VERY_HIGH), (Decimal("3"), HIGH), (Decimal("2"), MEDIUM))


class SeverityInputError(ValueError):
    """An input outside the ENISA 2013 scales; the message names the input."""


@dataclass(frozen=True, slots=True)
class SeverityInput:
    dpc_base: int
    ease_of_identification: Decimal
    dpc_adjustment: Decimal = Decimal("0")
    dpc_reason: str = ""
    cb_confidentiality: Decimal = Decimal("0")
    cb_integrity: Decimal = Decimal("0")
    cb_availability: Decimal = Decimal("0")
    malicious: bool = False


@dataclass(frozen=True, slots=True)
class Severity:
    dpc: Decimal
    cb: Decimal
    score: Decimal
    level: str


def validate(values: SeverityInput) -> None:
    """Raise SeverityInputError unless every input is on its ENISA 2013 scale."""
    if values.dpc_base not in DPC_BASES:
        raise SeverityInputError(
            "the DPC base score must be 1 (simple), 2 (behavioural), 3 (financial) or 4 (sensitive)"
        )
    adjustment = Decimal(values.dpc_adjustment)
    if not adjustment.is_finite() or adjustment != adjustment.to_integral_value():
        raise SeverityInputError(
            f"the DPC context adjustment must be a whole number (ENISA 2013 moves the DPC in whole steps), "
            f"not {adjustment.normalize()}"
        )
    final = values.dpc_base + int(adjustment)
    if not DPC_MIN <= final <= DPC_MAX:
        raise SeverityInputError(
            f"the DPC base {values.dpc_base} adjusted by {int(adjustment):+d} gives {final}; "
            f"the final DPC must be {DPC_MIN} to {DPC_MAX} (ENISA 2013)"
        )
    if adjustment and not values.dpc_reason.strip():
        raise SeverityInputError("adjusting the DPC score for the context needs a written reason")
    if Decimal(values.ease_of_identification) not in EASE_OF_IDENTIFICATION:
        raise SeverityInputError("the ease of identification must be 0.25, 0.5, 0.75 or 1")
    for name in ("cb_confidentiality", "cb_integrity", "cb_availability"):
        if Decimal(getattr(values, name)) not in CB_STEPS:
            raise SeverityInputError(f"{name.removeprefix('cb_')} loss must score 0, 0.25 or 0.5")


def data_processing_context(base: int, adjustment: Decimal = Decimal("0")) -> Decimal:
    """DPC: the base score for the kind of data, adjusted for the context (``validate`` keeps it 1-4)."""
    return Decimal(base) + Decimal(adjustment)


def adjustment_to_final(base: int, final: object) -> Decimal:
    """The whole-step context adjustment that takes ``base`` to the ``final`` DPC the assessor chose
    (ENISA 2013: any final DPC from 1 to 4); SeverityInputError unless ``final`` is a whole 1-4."""
    try:
        wanted = Decimal(str(final))
    except ArithmeticError:
        wanted = Decimal("NaN")
    if not wanted.is_finite() or wanted != wanted.to_integral_value() or not DPC_MIN <= wanted <= DPC_MAX:
        raise SeverityInputError(f"the final DPC must be a whole score from {DPC_MIN} to {DPC_MAX} (ENISA 2013)")
    return wanted - base


def circumstances_of_breach(
    confidentiality: Decimal, integrity: Decimal, availability: Decimal, malicious: bool
) -> Decimal:
    """CB: the sum of the three losses (0 / 0.25 / 0.5 each) and 0.5 for malicious intent."""
    return (
        Decimal(confidentiality) + Decimal(integrity) + Decimal(availability) + (MALICIOUS_INTENT if malicious else 0)
    )


def level_of(score: Decimal) -> str:
    """low < 2 ≤ medium < 3 ≤ high < 4 ≤ very high (ENISA 2013)."""
    for bound, level in LEVEL_BOUNDS:
        if score >= bound:
            return level
    return LOW


def assess(values: SeverityInput) -> Severity:
    """SE = DPC x EI + CB and its level; validates the inputs first. Quarter steps times quarter steps
    need four decimals at most, so the stored score is exact."""
    validate(values)
    dpc = data_processing_context(values.dpc_base, values.dpc_adjustment)
    cb = circumstances_of_breach(
        values.cb_confidentiality, values.cb_integrity, values.cb_availability, values.malicious
    )
    score = dpc * Decimal(values.ease_of_identification) + cb
    return Severity(dpc=dpc, cb=cb, score=score.quantize(Decimal("0.0001")), level=level_of(score))
