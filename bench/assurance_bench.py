"""Intrusion tests and isolation probes at a large provider's scale (issue 14).

    python -m bench.assurance_bench     (DATABASE_URL: an empty database)

Prints one JSON line:
- import: `pentest-import` of 10,000 findings (CSV, CVSS vectors scored by the cvss library, 1 to 3 assets
  each) against a plain executemany of the same rows (the same file read and split, no checks) into the
  same findings and affected-assets tables; and, for information, into two scratch tables without indexes;
- probes: an isolation suite of 100 pairs (HTTP with two tenants' tokens against a real local server, and
  TCP against a listening and a closed port) run in parallel; goal ≤ 30 s.
"""

from __future__ import annotations

import csv
import json
import os
import random
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
os.environ.setdefault("ART28_LOG_LEVEL", "ERROR")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

FINDINGS = 10_000
PAIRS = 100
ASSETS = 1_000
VECTORS = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
]
TOKENS = {"ACME_TOKEN": "acme-bench-token", "BETA_TOKEN": "beta-bench-token"}


def write_findings(path: Path) -> None:
    rng = random.Random(14)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "title", "severity_vector", "assets", "description", "recommendation"])
        for n in range(FINDINGS):
            assets = ";".join(f"bench-{rng.randrange(ASSETS):04d}" for _ in range(rng.randint(1, 3)))
            writer.writerow([f"F-{n:05d}", f"Finding number {n}", rng.choice(VECTORS), assets,
                             "What the tester saw, in a sentence or two.", "What to change."])  # fmt: skip


def baseline_import(path: Path, campaign_id: int) -> float:
    """The same rows, read and split, executemany'd into the same two tables the import writes (the same
    columns, indexes and constraints, as the inventory import's baseline does): the findings, their ids read
    back, and each (finding, asset) pair. No checks, no CVSS scores (a constant), no audit entry; the asset
    ids come from one plain query. Rolled back afterwards, so the import then meets an empty campaign. The
    cyclic garbage collector is paused here as the import pauses it, so that the ratio compares the work."""
    from django.utils import timezone

    from art28.core.bulk import cyclic_gc_paused

    started = time.perf_counter()
    with cyclic_gc_paused(), transaction.atomic(), connection.cursor() as cursor, path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.executemany(
            "INSERT INTO assurance_finding (campaign_id, ref, reported_on, created_at, title, vector, score, "
            "severity, description, recommendation) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(campaign_id, r[0], "2026-01-01", now, r[1], r[2], "9.8", "critical", r[4], r[5]) for r in rows],
        )
        cursor.execute("SELECT ref, id FROM assurance_finding WHERE campaign_id = %s", [campaign_id])
        findings = dict(cursor.fetchall())
        cursor.execute("SELECT ref, id FROM inventory_asset")
        assets = dict(cursor.fetchall())
        pairs = {(findings[r[0]], assets[a]) for r in rows for a in r[3].split(";")}
        cursor.executemany(
            "INSERT INTO assurance_affectedasset (finding_id, asset_id, status, accepted_reason, changed_at) "
            "VALUES (%s, %s, 'open', '', %s)",
            [(f, a, now) for f, a in sorted(pairs)],
        )
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def scratch_baseline_import(path: Path) -> float:
    """For information: the same rows into two scratch tables with no index and no constraint, the least
    any database can do with them (on SQLite the real tables' indexes alone cost about three times this)."""
    from art28.core.bulk import cyclic_gc_paused

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_findings (ref varchar(200), title varchar(300), vector varchar(300), "
            "description text, recommendation text)"
        )
        cursor.execute("CREATE TABLE bench_affected (ref varchar(200), asset varchar(64))")
    started = time.perf_counter()
    with cyclic_gc_paused(), transaction.atomic(), connection.cursor() as cursor, path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
        cursor.executemany(
            "INSERT INTO bench_findings VALUES (%s, %s, %s, %s, %s)", [(r[0], r[1], r[2], r[4], r[5]) for r in rows]
        )
        cursor.executemany(
            "INSERT INTO bench_affected VALUES (%s, %s)", [(r[0], a) for r in rows for a in r[3].split(";")]
        )
    return time.perf_counter() - started


class TenantAPI(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        status = 200 if token == TOKENS["BETA_TOKEN"] else 403
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def measure_probes(folder: Path) -> dict[str, object]:
    from art28.assurance.probe_suite import load_suite
    from art28.assurance.probes import run_suite
    from art28.core.problems import Problems

    server = ThreadingHTTPServer(("127.0.0.1", 0), TenantAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(256)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    http_port, tcp_port = server.server_address[1], listening.getsockname()[1]
    lines = ["suite: bench", "timeout: 5", "pairs:"]
    for n in range(PAIRS):
        if n % 2:
            lines += [f"  - name: http {n}", "    kind: http",
                      f"    attack: {{url: 'http://127.0.0.1:{http_port}/t/beta/{n}', "
                      "headers: {Authorization: 'Bearer ${ACME_TOKEN}'}}",
                      f"    control: {{url: 'http://127.0.0.1:{http_port}/t/beta/{n}', "
                      "headers: {Authorization: 'Bearer ${BETA_TOKEN}'}}"]  # fmt: skip
        else:
            lines += [f"  - name: tcp {n}", "    kind: tcp", f"    attack: {{host: 127.0.0.1, port: {closed_port}}}",
                      f"    control: {{host: 127.0.0.1, port: {tcp_port}}}"]  # fmt: skip
    path = folder / "suite.yaml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    problems = Problems()
    suite = load_suite(path, problems, environment=TOKENS)
    assert suite is not None and not problems, problems.lines
    started = time.perf_counter()
    results = run_suite(suite, environment=TOKENS)
    seconds = time.perf_counter() - started
    server.shutdown()
    listening.close()
    outcomes = [r.outcome for r in results]
    return {"pairs": len(results), "seconds": seconds, "isolated": outcomes.count("isolated"),
            "all_isolated": outcomes.count("isolated") == PAIRS}  # fmt: skip


def main() -> None:
    from art28.assurance.models import Campaign
    from art28.assurance.pentests import pentest_import
    from art28.core.audit import SystemActor
    from art28.inventory.models import Asset, Service

    call_command("migrate", verbosity=0)
    service = Service.objects.create(name="Web hosting")
    Asset.objects.bulk_create([Asset(ref=f"bench-{n:04d}", kind="vm", service=service) for n in range(ASSETS)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "findings.csv"
        write_findings(path)
        scratch_seconds = scratch_baseline_import(path)
        campaign = Campaign.objects.create(ref="BENCH", service=service, kind="external", tester="Bench AG")
        baseline_seconds = baseline_import(path, campaign.pk)
        started = time.perf_counter()
        report = pentest_import("BENCH", path, format="csv", actor=SystemActor("bench"))
        import_seconds = time.perf_counter() - started
        probes = measure_probes(Path(folder))
    print(json.dumps({
        "findings": report.findings_created, "affected": report.assets_added,
        "import_seconds": import_seconds, "baseline_import_seconds": baseline_seconds,
        "import_ratio": import_seconds / baseline_seconds, "scratch_import_seconds": scratch_seconds,
        "scratch_ratio": import_seconds / scratch_seconds, "probes": probes,
    }))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
