"""Records of processing (GDPR Art. 30(2)) of every controller of the 1M-placement inventory, as CSV:
art28's generator against one hand-written SQL statement.

    python -m bench.records_bench     (DATABASE_URL: a database the art28 importer filled)

Prints one JSON line. The generator (records.generation.iter_records + records.exports.controllers_csv)
builds each of the 10,000 controllers' records from the asset tree, the placements, the sites, the
sub-processor register and the measures, and writes the CSV. The baseline is the statement a person
would write for the heaviest part only (each customer's services through the asset tree and its data
categories), written with the csv module: it leaves out the register, the transfers and the measures,
so it is a floor, not the same output. The two are compared on the services and categories they share.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
os.environ.setdefault("ART28_LOG_LEVEL", "ERROR")

import django

django.setup()

from django.db import connection  # noqa: E402

BASELINE_SQL = """
WITH RECURSIVE up(customer_id, asset_id) AS (
    SELECT customer_id, asset_id FROM inventory_placement
    UNION
    SELECT up.customer_id, a.parent_id FROM up JOIN inventory_asset a ON a.id = up.asset_id
    WHERE a.parent_id IS NOT NULL
),
services(customer_id, names) AS (
    SELECT customer_id, {concat}(DISTINCT s.name{separator}) FROM up
    JOIN inventory_asset a ON a.id = up.asset_id JOIN inventory_service s ON s.id = a.service_id
    GROUP BY customer_id
),
categories(customer_id, names) AS (
    SELECT customer_id, {concat}(DISTINCT data_categories{separator}) FROM inventory_placement
    WHERE data_categories <> '' GROUP BY customer_id
)
SELECT o.ref, o.name, o.country, o.privacy_email, services.names, categories.names
FROM core_organisation o
LEFT JOIN services ON services.customer_id = o.id
LEFT JOIN categories ON categories.customer_id = o.id
ORDER BY o.ref
"""


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({part for chunk in (value or "").split(",") for part in chunk.split(";") if part}))


def baseline() -> tuple[str, dict[str, tuple[Any, ...]]]:
    postgres = connection.vendor == "postgresql"
    # SQLite's DISTINCT aggregate takes one argument (',' joins); the bench data has no ',' in names.
    concat, separator = ("string_agg", ", ','") if postgres else ("group_concat", "")
    sql = BASELINE_SQL.format(concat=concat, separator=separator)
    out, seen = io.StringIO(), {}
    writer = csv.writer(out)
    writer.writerow(["ref", "name", "country", "contact", "services", "data_categories"])
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(5000):
            for ref, name, country, email, services, categories in batch:
                services, categories = _split(services), _split(categories)
                writer.writerow([ref, name, country, email, "; ".join(services), "; ".join(categories)])
                seen[ref] = (services, categories)
    return out.getvalue(), seen


def engine() -> tuple[str, dict[str, tuple[Any, ...]]]:
    from art28.records.exports import controllers_csv
    from art28.records.generation import iter_records

    seen: dict[str, tuple[Any, ...]] = {}

    def remember(records: Any) -> Any:
        for record in records:
            seen[record.ref] = (tuple(sorted(record.services)), tuple(sorted(record.data_categories)))
            yield record

    return "".join(controllers_csv(remember(iter_records()))), seen


def best(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    from art28.core.models import Organisation

    engine_seconds, (engine_csv, engine_seen) = best(engine)
    baseline_seconds, (_, baseline_seen) = best(baseline)
    print(
        json.dumps(
            {
                "controllers": Organisation.objects.count(),
                "engine_seconds": engine_seconds,
                "baseline_seconds": baseline_seconds,
                "ratio": engine_seconds / baseline_seconds,
                "csv_bytes": len(engine_csv.encode()),
                "same_services_and_categories": engine_seen == baseline_seen,
            }
        )
    )


if __name__ == "__main__":
    main()
