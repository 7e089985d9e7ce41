"""Bounded integer ids in URLs and API paths.

The primary keys are 64-bit signed integers (``BigAutoField``); a URL or API path whose id cannot be one
(beyond 2**63 - 1, negative, zero) names no object. Django's ``<int:…>`` converter passes any length of
digits on to the ORM, where SQLite answers ``OverflowError`` and the request ends in a 500; ``<id:…>``
(registered once, by ``CoreConfig.ready``) does not match such a path, so it answers 404 like any other
missing object. The API's path parameters use ``PathId``: a value outside the range is a 422 naming it.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Path

# The largest value of a PostgreSQL ``bigint`` and of an SQLite ``INTEGER``.
MAX_ID = 2**63 - 1


class IdConverter:
    """``<id:name>``: a positive integer that fits a 64-bit primary key (1 … 2**63 - 1)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(f"{value} is not an id")  # Django: this path does not match (404)
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))


PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="An object's id (1 to 2^63 - 1)")]
