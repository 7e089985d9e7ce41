"""CVSS ratings of a base score (CVSS v3.1 specification §5, the same bands in v4.0): each boundary both
ways, so that a flipped comparison fails here; and a malformed vector names the metric."""

from decimal import Decimal

import pytest

from art28.core.cvss import InvalidVector, cvss_score, rating


@pytest.mark.parametrize(
    ("score", "expected"),
    [("10.0", "critical"), ("9.0", "critical"), ("8.9", "high"), ("7.0", "high"), ("6.9", "medium"),
     ("4.0", "medium"), ("3.9", "low"), ("0.1", "low"), ("0.0", "none")],
)  # fmt: skip
def test_rating_bands(score, expected):
    assert rating(Decimal(score)) == expected


def test_a_malformed_vector_names_the_field():
    with pytest.raises(InvalidVector, match=r'field "AV:X"'):
        cvss_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    with pytest.raises(InvalidVector, match=r"not a CVSS 3\.x or 4\.0 vector"):
        cvss_score("AV:N/AC:L/Au:N/C:P/I:P/A:P")  # CVSS v2: not accepted


def test_the_vector_is_written_back_in_the_specifications_order():
    scored = cvss_score("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H")
    assert (scored.vector, scored.version, scored.score) == (
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "3.1",
        Decimal("9.8"),
    )
