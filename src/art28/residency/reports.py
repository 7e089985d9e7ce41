"""The residency audit as JSON (CLI, staff download, docs) and as one summary sentence (S1).

The JSON is an array of objects with the same seven keys every time: ``customer``, ``asset``,
``site``, ``country``, ``allowed``, ``reason`` and ``destination`` (``null`` unless the violation is a
flow). A uniform shape lets consumers (jq, spreadsheets, SIEMs) read it without special cases. The
array is written object by object so that a large audit never becomes one giant string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from art28.residency.engine import REASONS, Violation
from art28.residency.selectors import AuditSummary

JSON_KEYS = ("customer", "asset", "site", "country", "allowed", "reason", "destination")
# One encoder for every row (json.dumps with options builds a new one per call).
_encode = json.JSONEncoder(ensure_ascii=False).encode


def violation_json(violation: Violation) -> str:
    """One violation as a JSON object on one line, keys in the documented order."""
    # Built field by field, not with dataclasses.asdict (a deep copy per row): the audit streams 1M rows.
    v = violation
    return _encode(
        {
            "customer": v.customer,
            "asset": v.asset,
            "site": v.site,
            "country": v.country,
            "allowed": v.allowed,
            "reason": v.reason,
            "destination": v.destination,
        }
    )


def violations_json_chunks(violations: Iterable[Violation]) -> Iterator[str]:
    """The JSON array, one object per line: ``[\\n  {...},\\n  {...}\\n]\\n`` (``[]\\n`` when empty)."""
    empty = True
    for violation in violations:
        yield ("[\n  " if empty else ",\n  ") + violation_json(violation)
        empty = False
    yield "[]\n" if empty else "\n]\n"


def summary_sentence(summary: AuditSummary) -> str:
    """``3 violations for 2 customers (stored-outside: 1, flow-outside: 1, unknown-location: 1)``."""
    if not summary.total:
        return "No violations: every placement and flow is within its customer's allowed countries."
    violations = "violation" if summary.total == 1 else "violations"
    customers = "customer" if summary.customers == 1 else "customers"
    by_reason = ", ".join(f"{reason}: {summary.by_reason.get(reason, 0)}" for reason in REASONS)
    return f"{summary.total} {violations} for {summary.customers} {customers} ({by_reason})"
