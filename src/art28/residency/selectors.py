"""Reads for residency pages and the API."""

from collections import Counter
from typing import Any

from art28.residency.engine import run_audit


def residency_summary() -> dict[str, Any]:
    """Counts for the staff dashboard: violations by reason and customers concerned."""
    violations = run_audit()
    return {
        "total": len(violations),
        "by_reason": dict(Counter(v.reason for v in violations)),
        "customers": len({v.customer for v in violations}),
    }
