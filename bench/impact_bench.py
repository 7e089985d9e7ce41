"""Breach impact on the 1M-placement inventory: art28's engine against one hand-written SQL query.

    python -m bench.impact_bench     (DATABASE_URL: a database the art28 importer filled)

Prints one JSON line. The scope touches about 10% of the placements and uses every kind of scope:
two storage clusters (assets, with their 10,000 buckets below), every managed database (a service)
and, in the second scenario, one site. The engine (breaches.impact) computes, per customer, the
affected assets, the unions of data and of data-subject categories and the sums of subjects and records, and builds
Python objects from them; the baseline is the query a person would write for the same aggregates,
fetched as raw rows. Both results are compared customer by customer.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
os.environ.setdefault("ART28_LOG_LEVEL", "ERROR")

import django

django.setup()

from django.db import connection  # noqa: E402

SCENARIOS = {
    # About 10%: ~10,000 buckets below two clusters and ~10,500 managed databases inside VMs.
    "tenth": {"assets": ["SC0000", "SC0001"], "sites": [], "services": ["Managed databases"]},
    # The same plus a whole site (a quarter of the hosts): a larger, overlapping scope.
    "tenth+site": {"assets": ["SC0000", "SC0001"], "sites": ["ZRH2"], "services": ["Managed databases"]},
}

BASELINE_SQL = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM inventory_asset WHERE ref IN ({assets})
    UNION
    SELECT a.id FROM inventory_asset a JOIN inventory_service s ON s.id = a.service_id WHERE s.name IN ({services})
    UNION
    SELECT a.id FROM inventory_asset a JOIN tree ON a.parent_id = tree.id
),
direct(id) AS (
    SELECT id FROM tree
    UNION
    SELECT a.id FROM inventory_asset a JOIN inventory_site s ON s.id = a.location_id WHERE s.code IN ({sites})
),
landing_up(landing_id, asset_id) AS (
    SELECT DISTINCT to_asset_id, to_asset_id FROM inventory_flow WHERE to_asset_id IS NOT NULL
    UNION
    SELECT l.landing_id, a.parent_id FROM landing_up l JOIN inventory_asset a ON a.id = l.asset_id
    WHERE a.parent_id IS NOT NULL
),
into_scope(flow_id) AS (
    SELECT f.id FROM inventory_flow f JOIN direct ON direct.id = f.to_asset_id
    UNION
    SELECT f.id FROM inventory_flow f JOIN inventory_site s ON s.id = f.to_site_id WHERE s.code IN ({sites_again})
    UNION
    SELECT g.id FROM into_scope i JOIN inventory_flow f ON f.id = i.flow_id
    JOIN landing_up l ON l.asset_id = f.asset_id JOIN inventory_flow g ON g.to_asset_id = l.landing_id
),
copied(id) AS (
    SELECT f.asset_id FROM inventory_flow f JOIN into_scope i ON i.flow_id = f.id
    UNION
    SELECT a.id FROM inventory_asset a JOIN copied ON a.parent_id = copied.id
),
affected(id) AS (SELECT id FROM direct UNION SELECT id FROM copied)
SELECT o.ref, {concat}(a.ref, {newline}), {concat}(DISTINCT p.data_categories{distinct_separator}),
       {concat}(DISTINCT p.subject_categories{distinct_separator}), SUM(p.subjects), SUM(p.records)
FROM affected
JOIN inventory_placement p ON p.asset_id = affected.id
JOIN inventory_asset a ON a.id = p.asset_id
JOIN core_organisation o ON o.id = p.customer_id
GROUP BY o.ref
"""


def baseline_sql(scope: dict[str, list[str]]) -> tuple[str, list[str]]:
    params: list[str] = []

    def placeholders(values: list[str]) -> str:
        values = values or [""]  # IN ('') matches nothing, and is valid on both databases
        params.extend(values)
        return ", ".join(["%s"] * len(values))

    postgres = connection.vendor == "postgresql"
    sql = BASELINE_SQL.format(
        assets=placeholders(scope["assets"]),
        services=placeholders(scope["services"]),
        sites=placeholders(scope["sites"]),
        sites_again=placeholders(scope["sites"]),
        concat="string_agg" if postgres else "group_concat",
        newline="chr(10)" if postgres else "char(10)",
        # SQLite's DISTINCT aggregate takes one argument (',' joins); the bench data has no ',' in categories.
        distinct_separator=", chr(10)" if postgres else "",
    )
    return sql, params


def _normalise_baseline(rows: list[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    out = {}

    def union(lists: str | None) -> tuple[str, ...]:
        return tuple(
            sorted({c for chunk in (lists or "").replace(",", "\n").split("\n") for c in chunk.split(";") if c})
        )

    for ref, assets, categories, subject_categories, subjects, records in rows:
        out[ref] = (
            tuple(sorted(assets.split("\n"))),
            union(categories),
            union(subject_categories),
            int(subjects),
            int(records),
        )
    return out


def measure(scope: dict[str, list[str]], repeat: int = 5) -> dict[str, Any]:
    from art28.breaches.impact import impact_of_scope, resolve_scope

    def best(fn: Any) -> tuple[float, Any]:
        times, result = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
            if times[-1] > 10:  # a slow run is not made meaningfully faster by repeating it
                break
        return min(times), result

    def engine() -> Any:
        return impact_of_scope(resolve_scope(**scope))

    def baseline() -> list[tuple[Any, ...]]:
        sql, params = baseline_sql(scope)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    engine()  # warm the caches for both
    engine_seconds, impact = best(engine)
    baseline_seconds, rows = best(baseline)
    engine_result = {
        c.customer: (tuple(c.assets), tuple(c.data_categories), tuple(c.subject_categories), c.subjects, c.records)
        for c in impact.customers
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM inventory_placement")
        (placements,) = cursor.fetchone()
    return {
        "engine_seconds": engine_seconds,
        "baseline_seconds": baseline_seconds,
        "ratio": engine_seconds / baseline_seconds,
        "customers": impact.totals["customers"],
        "affected_placements": sum(len(c.assets) for c in impact.customers),
        "placements": placements,
        "same_result": engine_result == _normalise_baseline(rows),
    }


def main() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(json.dumps({name: measure(scope) for name, scope in SCENARIOS.items()}))


if __name__ == "__main__":
    main()
