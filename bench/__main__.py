"""`make bench`: each benchmark runs a baseline in the same run and prints the ratio against it.

    python -m bench [--scale 1.0] [--db sqlite,postgresql]
                    [--only import,audit,sync,notify,impact,trust,records,fanout,patching,assurance,evidence,physical]
                    [--customers 100000]

Import: art28's importer vs a plain executemany (SQLite) / COPY (PostgreSQL) of the same rows.
Audit: the residency engine vs one hand-written SQL statement over the same tables.
Notify: a breach notice fanned out to 10,000 customers by the outbox worker vs a plain smtplib loop.
Sync: a nightly full sync where 1% of the placements changed vs a plain import of the same input; an
unchanged re-sync vs the first import; the current-time audit after them.
Impact: breach impact of a scope touching ~10% of the placements vs one hand-written SQL query.
Trust: /trust/ and /trust/subprocessors.json under 50 concurrent clients (wrk, gunicorn) vs a bare Django view.
Patching: 10,000 hosts' package lists imported vs a plain executemany of the same rows; exposure matching
vs a hand-written join over the same version key (bench/patching_bench.py).
Assurance: 10,000 intrusion-test findings imported vs a plain executemany of the same rows; an isolation suite
of 100 pairs against local targets (bench/assurance_bench.py).
Physical: a year of badge events (10 million at scale 1, 5,000 people and badges, four sites in two time
zones) imported vs a plain executemany of the same rows into the same table; the anomaly pass vs hand-written
SQL for the same rules, the two results compared (bench/physical_bench.py).
Records: every controller's Art. 30(2) record as CSV vs one hand-written statement for its heaviest part.
Evidence: the auditor's evidence pack of a year of the 10,000-customer provider (40,000 attestations, ~292,000
audit entries; bench/evidence_bench.py) vs zipfile writing the same files from disk; peak RSS; its verification.
Fanout (PostgreSQL only): the first notice to 100,000 customers through 1, 2 and 4 outbox workers vs a raw
smtplib loop, each run checked at the SMTP server and in the database (bench/fanout_bench.py).
Results go to stdout and to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.data import Shape, write_changed, write_inventory

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
NOTIFY_COUNT = 10_000
FANOUT_CUSTOMERS = 100_000
FANOUT_WORKERS = "1,2,4"


def fresh_database(vendor: str, name: str) -> str:
    if vendor == "sqlite":
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_database(vendor: str, name: str) -> None:
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / name}.sqlite3{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_module(module: str, database_url: str, *args: str) -> dict[str, Any]:
    """``python -m bench.<module> ARGS`` in a fresh process on ``database_url``; its last stdout line is JSON."""
    env = os.environ | {"DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), "ART28_DEBUG": "0"}
    proc = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench {module} {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_worker(mode: str, data: Path, database_url: str) -> dict[str, Any]:
    """bench/worker.py: the importer, the baseline import, or the residency audit."""
    return run_module("worker", database_url, mode, str(data))


def dataset(scale: float, *, heavy: bool = False) -> Path:
    shape = Shape(
        customers=int(10_000 * scale), assets=int(200_000 * scale), placements=int(1_000_000 * scale), heavy=heavy
    )
    folder = OUT / f"data-{'heavy-' if heavy else ''}{shape.customers}-{shape.assets}-{shape.placements}"
    marker = folder / "complete.json"
    if not marker.exists():
        started = time.perf_counter()
        print(f"generating {shape} into {folder} …", flush=True)
        counts = write_inventory(folder, shape)
        marker.write_text(json.dumps(counts))
        print(f"  {counts} in {time.perf_counter() - started:.1f}s", flush=True)
    return folder


def bench_database(
    vendor: str, data: Path, only: set[str], customers: int = FANOUT_CUSTOMERS, scale: float = 1.0
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    print(f"\n== {vendor} ==", flush=True)
    if "import" in only or "audit" in only:
        url = fresh_database(vendor, "art28_bench_art28")
        art28 = run_worker("import-art28", data, url)
        result["import_art28"] = art28
    if "import" in only:
        baseline = run_worker("import-baseline", data, fresh_database(vendor, "art28_bench_baseline"))
        result["import_baseline"] = baseline
        ratio = art28["seconds"] / baseline["seconds"]
        result["import_ratio"] = ratio
        print(
            f"import   art28 {art28['seconds']:7.1f}s  baseline {baseline['seconds']:7.1f}s  "
            f"ratio {ratio:4.2f}x (goal ≤ 3x)  peak RSS art28 {art28['peak_rss_mb']:.0f} MB (goal < 500 MB), "
            f"baseline {baseline['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    if "audit" in only:
        audit = run_worker("audit", data, url)
        result["audit"] = audit
        ratio = audit["engine_seconds"] / audit["baseline_seconds"]
        result["audit_ratio"] = ratio
        goal = "goal ≤ 1.5x and < 2 s" if vendor == "sqlite" else "goal ≤ 1.5x"
        print(
            f"audit    engine {audit['engine_seconds']:6.2f}s  hand-written SQL {audit['baseline_seconds']:6.2f}s  "
            f"ratio {ratio:4.2f}x ({goal})  violations {audit['violations']}  same result: {audit['same_result']}\n"
            f"         (the engine's own SQL alone: {audit['engine_sql_seconds']:.2f}s; the rest is building the "
            f"findings in Python)\n"
            f"         whole command, summary by cause {audit['summary_command_seconds']:6.2f}s (goal ≤ 10 s), "
            f"--json {audit['json_command_seconds']:6.2f}s "
            f"(ratio {audit['json_command_seconds'] / audit['baseline_seconds']:4.2f}x), "
            f"--csv {audit['csv_command_seconds']:6.2f}s "
            f"(ratio {audit['csv_command_seconds'] / audit['baseline_seconds']:4.2f}x; goal ≤ 1.5x)",
            flush=True,
        )
        result["audit_json_ratio"] = audit["json_command_seconds"] / audit["baseline_seconds"]
        result["audit_csv_ratio"] = audit["csv_command_seconds"] / audit["baseline_seconds"]
    if "sync" in only:
        result["sync"] = bench_sync(vendor, data)
    if "audit-heavy" in only:
        heavy = dataset(scale, heavy=True)
        heavy_url = fresh_database(vendor, "art28_bench_heavy")
        run_worker("import-art28", heavy, heavy_url)
        audit = run_worker("audit-heavy", heavy, heavy_url)
        result["audit_heavy"] = audit
        if "baseline_seconds" in audit:
            base = audit["baseline_seconds"]
            versus = (
                f"hand-written SQL {base:6.2f}s  ratio {audit['engine_seconds'] / base:4.2f}x, same result: "
                f"{audit['same_result']}"
            )
            json_ratio = f"(ratio {audit['json_command_seconds'] / base:4.2f}x)"
            csv_ratio = f"(ratio {audit['csv_command_seconds'] / base:4.2f}x; goal ≤ 1.5x)"
        else:
            versus = "hand-written SQL not run (over 30 min on PostgreSQL in this world)"
            json_ratio = csv_ratio = ""
        print(
            f"audit, most findings from a few causes ({audit['violations']} findings)\n"
            f"         engine {audit['engine_seconds']:6.2f}s  {versus}\n"
            f"         whole command, summary by cause {audit['summary_command_seconds']:6.2f}s (goal ≤ 10 s), "
            f"--json {audit['json_command_seconds']:6.2f}s {json_ratio}, --csv {audit['csv_command_seconds']:6.2f}s "
            f"{csv_ratio}",
            flush=True,
        )
    if "impact" in only:
        # A fresh database of its own (art28_bench_impact_main on PostgreSQL), filled by the importer.
        name = "art28_bench_impact" if vendor == "sqlite" else "art28_bench_impact_main"
        impact_url = fresh_database(vendor, name)
        run_worker("import-art28", data, impact_url)
        result["impact"] = run_module("impact_bench", impact_url)
        for scenario, figures in result["impact"].items():
            print(
                f"impact   {scenario:<10} engine {figures['engine_seconds']:5.2f}s  hand-written SQL "
                f"{figures['baseline_seconds']:5.2f}s  ratio {figures['ratio']:4.2f}x (goal ≤ 1.5x, < 1 s on "
                f"PostgreSQL)  {figures['affected_placements']:,} of {figures['placements']:,} placements, "
                f"{figures['customers']:,} customers  same result: {figures['same_result']}",
                flush=True,
            )
    if "patching" in only:
        result["patching"] = bench_patching(vendor, scale)
    if "assurance" in only:
        result["assurance"] = bench_assurance(vendor)
    if "physical" in only:
        result["physical"] = bench_physical(vendor, scale)
    if "records" in only:
        name = "art28_bench_records" if vendor == "sqlite" else "art28_bench_records_main"
        records_url = fresh_database(vendor, name)
        run_worker("import-art28", data, records_url)
        records = result["records"] = run_module("records_bench", records_url)
        print(
            f"records  all {records['controllers']:,} controllers as CSV {records['engine_seconds']:5.2f}s  "
            f"hand-written SQL (services and categories only) {records['baseline_seconds']:5.2f}s  "
            f"ratio {records['ratio']:4.2f}x (goal ≤ 3x)  {records['csv_bytes'] / 1e6:.1f} MB  "
            f"same services and categories: {records['same_services_and_categories']}",
            flush=True,
        )
    if "evidence" in only:
        result["evidence"] = bench_evidence(vendor, data)
    if "notify" in only:
        # The notify bench starts its own SMTP server process; the trust bench its gunicorn and wrk.
        notify = run_module("notify_bench", fresh_database(vendor, "art28_bench_notify"), str(NOTIFY_COUNT))
        result["notify"] = notify
        print(
            f"notify   worker {notify['worker_per_second']:6.0f} msg/s  "
            f"smtplib loop {notify['baseline_per_second']:6.0f} msg/s  ratio {notify['ratio']:4.2f} (goal ≥ 0.5)\n"
            f"         {notify['worker']['recorded']:,} deliveries sent, {notify['worker']['attempt_rows']:,} attempts "
            f"recorded; messages_create for {notify['count']:,} customers {notify['messages_create_seconds']:.2f}s",
            flush=True,
        )
    if "fanout" in only and vendor == "postgresql":
        result["fanout"] = fanout = run_module(
            "fanout_bench", fresh_database(vendor, "art28_bench_fanout"), str(customers), FANOUT_WORKERS
        )
        print_fanout(fanout)
    if "trust" in only:
        trust = run_module("trust_bench", fresh_database(vendor, "art28_bench_trust"))
        result["trust"] = trust
        bare = trust["bare"]
        print(f"trust    {trust['server']}; {trust['load']}", flush=True)
        print(
            f"         {'bare view':<26} {bare['requests_per_second']:7.0f} req/s  p99 {bare['p99_ms']:6.1f} ms  "
            f"(rounds: {', '.join(f'{r:.0f}' for r in bare['rounds_requests_per_second'])})",
            flush=True,
        )
        for name, label in (("trust_page", "/trust/"), ("json", "/trust/subprocessors.json")):
            figures = trust[name]
            print(
                f"         {label:<26} {figures['requests_per_second']:7.0f} req/s  p99 {figures['p99_ms']:6.1f} ms  "
                f"ratio {figures['ratio_to_bare']:4.2f}x the bare view (goal ≥ 0.5x)"
                + (f"  non-2xx {figures['non_2xx']}" if figures["non_2xx"] else ""),
                flush=True,
            )
    return result


def bench_sync(vendor: str, data: Path) -> dict[str, Any]:
    """The nightly sync (issue 12): a first import, an unchanged re-sync, then a sync where 1% of the
    placements changed, against a plain import (executemany / COPY into empty tables) of the same input."""
    changed = data.parent / f"{data.name}-changed-1pct"
    marker = changed / "complete.json"
    if not marker.exists():
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(write_changed(data, changed)))
    url = fresh_database(vendor, "art28_bench_sync")
    first = run_worker("import-art28", data, url)
    unchanged = run_module("worker", url, "sync-art28", str(data))  # after an import: the rows are read
    # The same input again, now after a sync of it with nothing changed since: recorded without reading
    # the rows (docs/inventory-sync.md, "An unchanged input"), the nightly case of an idle inventory.
    idle = run_module("worker", url, "sync-art28", str(data))
    nightly = run_module("worker", url, "sync-art28", str(changed))
    audit = run_worker("audit", data, url)  # the current-time audit, with the history tables filled
    window = run_worker("impact-window", data, url)
    baseline = run_worker("import-baseline", changed, fresh_database(vendor, "art28_bench_sync_baseline"))
    figures = {
        "first_import_seconds": first["seconds"],
        "unchanged_sync_seconds": unchanged["seconds"],
        "nightly_sync_seconds": nightly["seconds"],
        "plain_import_seconds": baseline["seconds"],
        "nightly_counts": nightly["counts"]["placements"],
        "unchanged_ratio": unchanged["seconds"] / first["seconds"],
        "idle_sync_seconds": idle["seconds"],
        "idle_ratio": idle["seconds"] / first["seconds"],
        "nightly_ratio": nightly["seconds"] / baseline["seconds"],
        "audit_ratio_after_syncs": audit["engine_seconds"] / audit["baseline_seconds"],
        "impact_window": window,
    }
    print(
        f"sync     first import {first['seconds']:6.1f}s  unchanged re-sync {idle['seconds']:6.1f}s "
        f"(ratio {figures['idle_ratio']:4.2f}x the first import, goal ≤ 0.5x; the same input read in full "
        f"{unchanged['seconds']:6.1f}s, {figures['unchanged_ratio']:4.2f}x)\n"
        f"         nightly sync, 1% of placements changed {nightly['seconds']:6.1f}s  plain import of the same input "
        f"{baseline['seconds']:6.1f}s  ratio {figures['nightly_ratio']:4.2f}x (goal ≤ 1.5x)  "
        f"placements {nightly['counts']['placements']}\n"
        f"         current-time audit after the syncs: engine {audit['engine_seconds']:5.2f}s vs hand-written SQL "
        f"{audit['baseline_seconds']:5.2f}s, ratio {figures['audit_ratio_after_syncs']:4.2f}x "
        "(goal ≤ 1.5x, as before)\n"
        f"         breach impact over the whole history ({window['states']} states): {window['window_seconds']:6.1f}s "
        f"({window['customers_window']} customers) vs now {window['now_seconds']:5.2f}s ({window['customers_now']})",
        flush=True,
    )
    return figures


def bench_patching(vendor: str, scale: float) -> dict[str, Any]:
    """Security updates (issue 13): 10,000 hosts x 2,000 packages (at scale 1) against a tracker document
    of 30,000 (package, CVE) entries; see bench/patching_bench.py."""
    from bench.patching_bench import generate

    hosts = max(10, int(10_000 * scale))
    data = OUT / f"patching-{hosts}-2000"
    if not (data / "complete.json").exists():
        started = time.perf_counter()
        print(f"generating {hosts} hosts' package lists into {data} …", flush=True)
        facts = generate(data, hosts=hosts, packages_per_host=2000, universe=3000)
        print(f"  {facts} in {time.perf_counter() - started:.1f}s", flush=True)
    figures = run_module("patching_bench", fresh_database(vendor, "art28_bench_patching"), str(data))
    matching = figures["matching"]
    goal = "goal ≤ 1.5x and < 10 s" if vendor == "postgresql" else "goal ≤ 1.5x"
    print(
        f"patching import {figures['rows']:,} installed source packages ({figures['distinct_versions']:,} distinct "
        f"versions): art28 {figures['import_seconds']:6.1f}s  "
        f"plain executemany {figures['baseline_import_seconds']:6.1f}s"
        f"  ratio {figures['import_ratio']:4.2f}x (goal ≤ 3x)\n"
        f"         advisories (tracker document) {figures['advisories_seconds']:5.1f}s\n"
        f"         matching: engine {matching['engine_seconds']:6.2f}s  "
        f"hand-written join {matching['baseline_seconds']:6.2f}s"
        f"  ratio {matching['ratio']:4.2f}x ({goal})  exposures {matching['exposures']:,}  "
        f"same result: {matching['same_result']}\n"
        f"         (every exposure fetched with all its columns: {matching['engine_fetch_seconds']:6.2f}s)",
        flush=True,
    )
    return figures


def print_fanout(fanout: dict[str, Any]) -> None:
    raw = fanout["raw_loop"]
    print(
        f"fanout   first notice to {fanout['count']:,} customers"
        f" (messages_create {fanout['messages_create_seconds']:.1f}s)"
        f"\n         {'smtplib loop':<12} {raw['seconds']:7.1f}s {raw['per_second']:6.0f} msg/s"
        f"  receiver CPU {raw['receiver_cpu_seconds']:6.1f}s ({raw['receiver_share_of_wall']:4.0%} of the wall time)",
        flush=True,
    )
    for run in fanout["workers"]:
        db = run["database"]
        print(
            f"         {run['label']:<12} {run['seconds']:7.1f}s {run['per_second']:6.0f} msg/s"
            f"  ratio {run['ratio_to_raw_loop']:4.2f}x  receiver CPU {run['receiver_cpu_seconds']:6.1f}s"
            f" ({run['receiver_share_of_wall']:4.0%})  workers CPU {run['workers_cpu_seconds']:6.1f}s"
            f"  {db['sent']:,} sent, {db['attempt_rows']:,} attempts, max {db['max_attempts']} each;"
            f" server: {run['server_distinct']:,} Message-IDs, {run['server_repeated']} twice",
            flush=True,
        )
    best = fanout["best"]
    print(
        f"         best: {best['workers']} worker(s) at {best['ratio_to_raw_loop']:.2f}x the smtplib loop"
        " (goal ≥ 0.7x)",
        flush=True,
    )


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
        return True
    except Exception:
        return False


def bench_evidence(vendor: str, data: Path) -> dict[str, Any]:
    """The auditor's evidence pack (issue 15): a year of evidence and audit trail added to the imported
    10,000-customer provider, its pack for the year and for a quarter (each in its own process: the two peak
    RSS show how memory follows the size), the same files zipped from disk, and the pack's verification."""
    name = "art28_bench_evidence" if vendor == "sqlite" else "art28_bench_evidence_main"
    url = fresh_database(vendor, name)
    run_worker("import-art28", data, url)
    built = run_module("evidence_bench", url, "build")
    path = OUT / f"evidence-pack-{vendor}.zip"
    year = run_module("evidence_bench", url, "pack", "2025-01-01", "2025-12-31", str(path))
    quarter = run_module("evidence_bench", url, "pack", "2025-10-01", "2025-12-31", str(OUT / "evidence-pack-q.zip"))
    baseline = run_module("evidence_bench", url, "baseline", str(path), str(OUT / "evidence-baseline"))
    verified = run_module("evidence_bench", url, "verify", str(path))
    (OUT / "evidence-pack-q.zip").unlink(missing_ok=True)
    ratio = year["seconds"] / baseline["seconds"]
    print(
        f"evidence built {built['collected_items']:,} collected items, {built['attestations']:,} attestations with "
        f"their signed documents, {built['uploads']} uploads, {built['audit_entries']:,} audit entries "
        f"({built['audit_entries_in_year']:,} in 2025) in {built['seconds']:.0f}s\n"
        f"         pack of 2025: {year['seconds']:6.1f}s (goal ≤ 120 s)  {year['files']:,} files, "
        f"{year['items']:,} items, {year['audit_entries']:,} audit entries, {year['bytes'] / 1e6:.0f} MB; "
        f"zipfile from disk {baseline['seconds']:5.1f}s"
        + (f" (zip -r {baseline['zip_r_seconds']:.1f}s)" if baseline["zip_r_seconds"] else "")
        + f"  ratio {ratio:4.2f}x\n"
        f"         peak RSS {year['peak_rss_mb']:.0f} MB, {year['rss_growth_mb']:.0f} MB over the process at the "
        f"start ({year['rss_before_mb']:.0f} MB; goal < 100 MB); the last quarter's pack ({quarter['files']:,} "
        f"files, {quarter['audit_entries']:,} audit entries) {quarter['seconds']:.1f}s, "
        f"{quarter['rss_growth_mb']:.0f} MB over the start\n"
        f"         evidence-verify of the year's pack {verified['seconds']:5.1f}s, ok: {verified['ok']}, "
        f"peak RSS {verified['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    path.unlink(missing_ok=True)
    return {"build": built, "year": year, "quarter": quarter, "baseline": baseline, "verify": verified,
            "ratio": ratio}  # fmt: skip


def bench_physical(vendor: str, scale: float) -> dict[str, Any]:
    """Physical security (issue 16): a year of badge events, 10M at scale 1; see bench/physical_bench.py."""
    from bench.physical_bench import generate

    events = max(100_000, int(10_000_000 * scale))
    data = OUT / f"physical-{events}"
    if not (data / "complete.json").exists():
        started = time.perf_counter()
        print(f"generating a year of {events:,} badge events into {data} …", flush=True)
        facts = generate(data, events)
        print(f"  {facts} in {time.perf_counter() - started:.1f}s", flush=True)
    figures = run_module("physical_bench", fresh_database(vendor, "art28_bench_physical"), str(data))
    drop_database(vendor, "art28_bench_physical")  # gigabytes at scale 1
    found = figures["anomalies"]
    print(
        f"physical import {figures['events']:,} badge events ({figures['people']:,} people and their badges): "
        f"art28 {figures['import_seconds']:6.1f}s ({figures['import_rows_per_second']:,.0f} rows/s)  "
        f"plain executemany {figures['baseline_import_seconds']:6.1f}s "
        f"({figures['baseline_rows_per_second']:,.0f} rows/s)  ratio {figures['import_ratio']:4.2f}x (goal ≤ 3x)  "
        f"peak RSS {figures['peak_rss_mb']:.0f} MB ({figures['rss_before_import_mb']:.0f} MB before)\n"
        f"         anomalies: find_anomalies() {found['engine_seconds']:6.2f}s  hand-written SQL "
        f"{found['baseline_seconds']:6.2f}s  ratio {found['ratio']:4.2f}x (goal ≤ 1.5x)  {found['anomalies']:,} "
        f"anomalies {found['by_rule']}  same result: {found['same_result']}, as planted: {found['as_planted']}",
        flush=True,
    )
    return figures


def bench_assurance(vendor: str) -> dict[str, Any]:
    """Intrusion tests and isolation probes (issue 14); see bench/assurance_bench.py."""
    figures = run_module("assurance_bench", fresh_database(vendor, "art28_bench_assurance"))
    probes = figures["probes"]
    print(
        f"assurance import {figures['findings']:,} findings ({figures['affected']:,} affected assets): "
        f"art28 {figures['import_seconds']:5.2f}s  plain executemany {figures['baseline_import_seconds']:5.2f}s  "
        f"ratio {figures['import_ratio']:4.2f}x (goal ≤ 3x; {figures['scratch_ratio']:4.2f}x against scratch tables "
        f"without indexes, {figures['scratch_import_seconds']:5.2f}s)\n"
        f"         isolation suite of {probes['pairs']} pairs in {probes['seconds']:5.2f}s (goal ≤ 30 s), "
        f"all isolated: {probes['all_isolated']}",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M placements, 200k assets, 10k customers")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument(
        "--only",
        default="import,audit,sync,audit-heavy,notify,impact,trust,records,fanout,patching,assurance,evidence,physical",
    )
    parser.add_argument("--customers", type=int, default=FANOUT_CUSTOMERS, help="customers of the fan-out bench")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(","))
    # The inventory data set is only for the sections that import it (generating it takes minutes).
    data = dataset(args.scale) if only & {"import", "audit", "sync", "impact", "records", "evidence"} else OUT
    results: dict[str, Any] = {"scale": args.scale, "only": sorted(only)}
    if (data / "complete.json").exists():
        results["data"] = json.loads((data / "complete.json").read_text())
    for vendor in args.db.split(","):
        if vendor == "postgresql" and not postgres_available():
            print("\n== postgresql == not reachable on 127.0.0.1:5432; skipped", flush=True)
            continue
        results[vendor] = bench_database(vendor, data, only, args.customers, args.scale)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nresults written to {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
