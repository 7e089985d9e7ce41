"""One measurement in a fresh process, so that peak memory is the measurement's own.

    python -m bench.worker import-baseline|import-art28|audit DATA_DIR

Prints one JSON line. DATABASE_URL selects the (already empty) database.
"""

from __future__ import annotations

import contextlib
import csv
import json
import operator
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
os.environ.setdefault("ART28_LOG_LEVEL", "ERROR")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

BATCH = 5000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rows(path: Path) -> Any:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from reader


def placement_rows(path: Path) -> Any:
    """(customer, asset, data_categories, subject_categories, subjects, records), found by the header's names
    (as the importer does): data generated before the optional subject_categories column has none (empty)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        columns = ["customer", "asset", "data_categories", "subject_categories", "subjects", "records"]
        width = len(header)
        pick = operator.itemgetter(*(header.index(c) if c in header else width for c in columns))
        padded = "subject_categories" not in header
        for row in reader:
            if padded:
                row.append("")
            yield pick(row)


def _write(cursor: Any, table: str, columns: list[str], data: Any) -> None:
    """executemany in batches (SQLite) or COPY (PostgreSQL): the plainest fast bulk load."""
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in data:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"
    batch: list[Any] = []
    for row in data:
        batch.append(row)
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)


def import_baseline(folder: Path) -> dict[str, Any]:
    """The same rows into the same tables with ids assigned in Python: no validation, no merge."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        site_ids = {r[0]: i for i, r in enumerate(rows(folder / "sites.csv"), start=1)}
        _write(
            cursor,
            "inventory_site",
            ["id", "code", "name", "city", "country", "country_source", "country_source_detail", "operator"],
            ((site_ids[r[0]], r[0], r[1], r[2], r[3], "declared", "", r[4]) for r in rows(folder / "sites.csv")),
        )
        org_ids: dict[str, int] = {}
        now = "2026-01-01T00:00:00+00:00"

        def orgs() -> Any:
            for i, r in enumerate(rows(folder / "customers.csv"), start=1):
                org_ids[r[0]] = i
                yield (i, r[0], r[1], r[2], r[3] or "en", r[4], "", r[5], now, now)

        _write(
            cursor,
            "core_organisation",
            [
                "id",
                "ref",
                "name",
                "country",
                "language",
                "privacy_email",
                "security_email",
                "allowed_countries",
                "created_at",
                "updated_at",
            ],
            orgs(),
        )
        service_ids: dict[str, int] = {}
        asset_ids: dict[str, int] = {}

        def assets() -> Any:
            for i, r in enumerate(rows(folder / "assets.csv"), start=1):
                asset_ids[r[0]] = i
                if r[4] and r[4] not in service_ids:
                    service_ids[r[4]] = len(service_ids) + 1
                yield (i, r[0], r[1], site_ids.get(r[2]), asset_ids.get(r[3]), service_ids.get(r[4]), "csv")

        # Foreign keys are deferred to COMMIT (Django creates them so), so services can follow assets.
        _write(
            cursor, "inventory_asset", ["id", "ref", "kind", "site_id", "parent_id", "service_id", "source"], assets()
        )
        _write(
            cursor,
            "inventory_service",
            ["id", "name", "name_i18n", "description", "description_i18n"],
            ((i, n, "{}", "", "{}") for n, i in service_ids.items()),
        )
        _write(
            cursor,
            "inventory_placement",
            ["customer_id", "asset_id", "data_categories", "subject_categories", "subjects", "records", "source"],
            (
                (org_ids[r[0]], asset_ids[r[1]], r[2], r[3], int(r[4]), int(r[5]), "csv")
                for r in placement_rows(folder / "placements.csv")
            ),
        )
        _write(
            cursor,
            "inventory_flow",
            ["asset_id", "kind", "to_asset_id", "to_site_id", "to_country", "source"],
            (
                (asset_ids[r[0]], r[1], asset_ids.get(r[2]), site_ids.get(r[3]), r[4], "csv")
                for r in rows(folder / "flows.csv")
            ),
        )
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb()}


def import_art28(folder: Path) -> dict[str, Any]:
    from art28.core.audit import SystemActor
    from art28.inventory.importers import import_inventory

    started = time.perf_counter()
    report = import_inventory(folder, format="csv", actor=SystemActor("bench"))
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    record_authorisations()  # after the measurement: not part of the import
    return {"seconds": seconds, "peak_rss_mb": peak, "counts": report.counts}


def sync_art28(folder: Path) -> dict[str, Any]:
    """A full sync of ``folder`` as source "csv" (the source the first import gave every row)."""
    from art28.core.audit import SystemActor
    from art28.inventory.importers import import_inventory

    started = time.perf_counter()
    report = import_inventory(folder, format="csv", actor=SystemActor("bench"), sync=True, source="csv")
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb(), "counts": report.counts}


def impact_window(folder: Path) -> dict[str, Any]:
    """A breach's impact over a window spanning the whole history (every state the syncs left) against
    the impact now (one query): each state costs a copy of the inventory as of then (inventory.as_of)."""
    from art28.breaches.impact import impact_of_scope, resolve_scope, window_moments
    from bench.impact_bench import SCENARIOS

    scope = resolve_scope(**SCENARIOS["tenth"])
    impact_of_scope(scope)  # warm the caches
    started = time.perf_counter()
    now = impact_of_scope(scope)
    now_seconds = time.perf_counter() - started
    started = time.perf_counter()
    over = impact_of_scope(scope, window=(None, None))
    return {
        "now_seconds": now_seconds,
        "window_seconds": time.perf_counter() - started,
        "states": len(window_moments(None, None)),
        "customers_now": len(now.customers),
        "customers_window": len(over.customers),
    }


def record_authorisations() -> None:
    """Every customer signed a DPA with a general authorisation of sub-processors, 30 days' notice (GDPR
    Art. 28(2)): a provider's normal state, in which the audit's ``subprocessor-unauthorised`` statement
    has no customer to follow. Recorded the way a provider records its paper DPAs: one set-based service
    call (``contracts_record_signed``), one summary audit entry."""
    import datetime as dt

    from art28.core.audit import SystemActor
    from art28.core.models import Organisation
    from art28.subprocessors.services import contracts_record_signed

    contracts_record_signed(
        actor=SystemActor("bench"),
        organisations=Organisation.objects.only("pk", "ref").iterator(),
        authorisation="general",
        notice_days=30,
        signed_on=dt.date(2024, 1, 15),
    )


def audit(folder: Path, repeat: int = 3, with_baseline: bool = True) -> dict[str, Any]:
    from art28.residency.engine import iter_raw_rows, run_audit
    from bench.audit_sql import baseline_params, baseline_sql

    def best(fn: Any) -> tuple[float, Any]:
        times, result = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
        return min(times), result

    def baseline() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql(), baseline_params())
            return cursor.fetchall()

    def engine_sql_only() -> int:
        # The engine's own statements, rows fetched but not turned into objects: its Python overhead.
        return sum(1 for _ in iter_raw_rows())

    def command(*flags: str) -> Any:
        # The whole `art28 residency-audit --json|--csv`, output written (to /dev/null): what an operator runs.
        def run() -> None:
            with open(os.devnull, "w") as sink, contextlib.suppress(SystemExit):  # exit 1: violations found
                call_command("residency_audit", *flags, stdout=sink)

        return run

    engine_seconds, violations = best(run_audit)
    summary_command_seconds, _ = best(command())  # the default: the findings grouped by cause
    json_command_seconds, _ = best(command("--json"))
    csv_command_seconds, _ = best(command("--csv"))
    engine_sql_seconds, _ = best(engine_sql_only)
    if not with_baseline:
        return {
            "engine_seconds": engine_seconds,
            "engine_sql_seconds": engine_sql_seconds,
            "summary_command_seconds": summary_command_seconds,
            "json_command_seconds": json_command_seconds,
            "csv_command_seconds": csv_command_seconds,
            "violations": len(violations),
        }
    baseline_seconds, baseline_rows = best(baseline)
    engine_keys = {(v.customer, v.asset, v.reason, v.destination) for v in violations}
    baseline_keys = {(r[0], r[1], r[5], r[6]) for r in baseline_rows}
    return {
        "engine_seconds": engine_seconds,
        "engine_sql_seconds": engine_sql_seconds,
        "baseline_seconds": baseline_seconds,
        "summary_command_seconds": summary_command_seconds,
        "json_command_seconds": json_command_seconds,
        "csv_command_seconds": csv_command_seconds,
        "violations": len(violations),
        "same_result": engine_keys == baseline_keys and len(violations) == len(baseline_rows),
    }


def main() -> None:
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode in {"import-baseline", "import-art28"}:
        call_command("migrate", verbosity=0)
    modes = {
        "import-baseline": import_baseline,
        "import-art28": import_art28,
        "sync-art28": sync_art28,
        "impact-window": impact_window,
        "audit": audit,
        # Hundreds of thousands of findings: each measurement once. On PostgreSQL the hand-written statement
        # did not finish in 30 minutes in this world (its recursive joins), so there it is not run.
        "audit-heavy": lambda folder: audit(folder, repeat=1, with_baseline=connection.vendor == "sqlite"),
    }
    result = modes[mode](folder)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
