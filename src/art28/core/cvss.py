"""CVSS scores and ratings, computed by the maintained ``cvss`` library (never a formula of our own):
security updates (S7) read OSV's vectors, intrusion-test findings (S6) their testers'. v3.0/v3.1 and v4.0
vectors; the qualitative rating of a score follows the CVSS v3.1 specification §5 (the same bands as v4.0):
0.0 none, 0.1 to 3.9 low, 4.0 to 6.9 medium, 7.0 to 8.9 high, 9.0 to 10.0 critical."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from cvss import CVSS3, CVSS4  # type: ignore[import-untyped]
from cvss.exceptions import CVSSError  # type: ignore[import-untyped]


class InvalidVector(ValueError):
    """The vector is not a CVSS 3.x or 4.0 vector the library accepts; the message says why."""


@dataclass(frozen=True)
class CvssScore:
    vector: str  # as the library writes it back (metrics in the specification's order)
    version: str  # "3.0", "3.1" or "4.0"
    score: Decimal
    severity: str  # critical, high, medium, low, none


def rating(score: Decimal | float) -> str:
    """The qualitative rating of a base score (CVSS v3.1 §5; v4.0 uses the same bands)."""
    value = Decimal(str(score))
    if value >= Decimal("9.0"):
        return "critical"
    if value >= Decimal("7.0"):
        return "high"
    if value >= Decimal("4.0"):
        return "medium"
    if value > 0:
        return "low"
    return "none"


def cvss_score(vector: str) -> CvssScore:
    """The base score and rating of ``vector``; raises InvalidVector with the library's reason."""
    return _scored(vector.strip())


@lru_cache(maxsize=4096)
def _scored(vector: str) -> CvssScore:
    """Scored once per distinct vector: a report's thousands of findings share a few dozen vectors, and the
    library parses each in about 0.1 ms. Frozen results, so sharing them is safe."""
    try:
        if vector.startswith("CVSS:4.0/"):
            parsed4 = CVSS4(vector)
            score = Decimal(str(parsed4.base_score))
            return CvssScore(parsed4.clean_vector(), "4.0", score, rating(score))
        if vector.startswith(("CVSS:3.0/", "CVSS:3.1/")):
            parsed3 = CVSS3(vector)
            score = Decimal(str(parsed3.scores()[0]))
            return CvssScore(parsed3.clean_vector(), vector[5:8], score, rating(score))
    except (CVSSError, ValueError, KeyError) as exc:
        raise InvalidVector(f"{vector!r}: {exc}") from None
    raise InvalidVector(f"{vector!r} is not a CVSS 3.x or 4.0 vector (it starts with CVSS:3.1/ or CVSS:4.0/)")
