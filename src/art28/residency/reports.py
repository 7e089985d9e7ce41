"""The residency audit as JSON (CLI, staff download, docs) and as one summary sentence (S1).

The JSON is an array of objects with the same seven keys every time: ``customer``, ``asset``,
``site``, ``country``, ``allowed``, ``reason`` and ``destination`` (``null`` unless the violation is a
flow). A uniform shape lets consumers (jq, spreadsheets, SIEMs) read it without special cases. The
array is written object by object so that a large audit never becomes one giant string.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from art28.residency.engine import REASONS, Violation
from art28.residency.selectors import AuditSummary

JSON_KEYS = ("customer", "asset", "site", "country", "allowed", "reason", "destination")


def _string(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


@cache
def _allowed_json(allowed: tuple[str, ...]) -> str:
    return "[" + ", ".join(encode_basestring(code) for code in allowed) + "]"


def json_line(
    customer: str,
    asset: str | None,
    site: str | None,
    country: str | None,
    allowed: tuple[str, ...],
    reason: str,
    destination: str | None,
) -> str:
    """One finding as a JSON object on one line, keys in the documented order; what json.dumps writes,
    built by hand because the command streams up to a million of them (policies repeat: cached)."""
    return (
        f'{{"customer": {_string(customer)}, "asset": {_string(asset)}, "site": {_string(site)}, '
        f'"country": {_string(country)}, "allowed": {_allowed_json(allowed)}, "reason": {_string(reason)}, '
        f'"destination": {_string(destination)}}}'
    )


def violation_json(violation: Violation) -> str:
    """One violation as a JSON object on one line, keys in the documented order."""
    v = violation
    return json_line(v.customer, v.asset, v.site, v.country, tuple(v.allowed), v.reason, v.destination)


def raw_row_json(row: tuple[Any, ...]) -> str:
    """One row of engine.iter_raw_rows (allowed still as ';CH;LI;') as violation_json writes it."""
    customer, asset, site, country, allowed, reason, destination = row
    return json_line(customer, asset, site, country, _split_allowed(allowed), reason, destination)


@cache
def _split_allowed(allowed: str) -> tuple[str, ...]:
    return tuple(code for code in allowed.split(";") if code)


def allowed_text(allowed: str) -> str:
    """A raw row's ';CH;LI;' as the policies write it: 'CH;LI'."""
    return ";".join(_split_allowed(allowed))


def json_array_chunks(lines: Iterable[str]) -> Iterator[str]:
    """``[\n  {...},\n  {...}\n]\n`` (``[]\n`` when empty) around JSON objects of one line each."""
    empty = True
    for line in lines:
        yield ("[\n  " if empty else ",\n  ") + line
        empty = False
    yield "[]\n" if empty else "\n]\n"


def violations_json_chunks(violations: Iterable[Violation]) -> Iterator[str]:
    """The JSON array, one object per line: ``[\\n  {...},\\n  {...}\\n]\\n`` (``[]\\n`` when empty)."""
    return json_array_chunks(violation_json(v) for v in violations)


def summary_sentence(summary: AuditSummary) -> str:
    """``3 violations for 2 customers (stored-outside: 1, flow-outside: 1, unknown-location: 1)``."""
    if not summary.total:
        return "No violations: every placement and flow is within its customer's allowed countries."
    violations = "violation" if summary.total == 1 else "violations"
    customers = "customer" if summary.customers == 1 else "customers"
    by_reason = ", ".join(f"{reason}: {summary.by_reason.get(reason, 0)}" for reason in REASONS)
    return f"{summary.total} {violations} for {summary.customers} {customers} ({by_reason})"
