"""Security updates at a large provider's scale (issue 13): hosts' package lists and a tracker document.

    python -m bench.patching_bench DATA_DIR     (DATABASE_URL: an empty database)

Prints one JSON line:
- import: `art28 packages-import` of every host's dpkg-query list against a plain executemany of the
  same rows (the same files read and split, no checks, into one table);
- advisories: the tracker document's import (no baseline; its time);
- matching: the exposure engine's statement against a hand-written join over the same version key
  (installed period x package version x advisory, no de-duplication of pairs), each counted in the
  database; then every row of both fetched once and compared as sets of (host, package, CVE), and the
  engine's full fetch (every column an exposure has) timed.
The data (bench/out/patching-*) is generated once: a package universe with Debian-like versions (epochs,
~ pre-releases, +debNuM security updates), each host on mostly the latest version of each package.
"""

from __future__ import annotations

import json
import os
import random
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

RELEASE = "bookworm"
BATCH = 5000


def _versions(rng: random.Random, count: int) -> list[str]:
    """``count`` versions of one package, oldest first, in dpkg's order by construction."""
    epoch = "1:" if rng.random() < 0.1 else ""
    major = rng.randint(0, 12)
    versions = []
    minor = rng.randint(0, 5)
    for step in range(count):
        if step % 4 == 0:
            minor += 1
            versions.append(f"{epoch}{major}.{minor}.0~rc1-1")
        versions.append(f"{epoch}{major}.{minor}.{step}-{1 + step % 3}")
        versions.append(f"{epoch}{major}.{minor}.{step}-{1 + step % 3}+deb12u{1 + step % 11}")
    return versions[:count]


def generate(folder: Path, *, hosts: int, packages_per_host: int, universe: int, seed: int = 13) -> dict[str, Any]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    lists = folder / "lists"
    lists.mkdir(exist_ok=True)
    names = [f"pkg{n:05d}" for n in range(universe)]
    versions = {name: _versions(rng, 17) for name in names}
    common = names[: int(packages_per_host * 0.9)]
    rest = names[len(common) :]
    for index in range(hosts):
        chosen = common + rng.sample(rest, packages_per_host - len(common))
        lines = []
        for name in chosen:
            history = versions[name]
            version = history[-1] if rng.random() < 0.9 else history[rng.randrange(len(history))]
            lines.append(f"ii \t{name}\t{version}\t\t\n")
        (lists / f"host-{index:05d}.txt").write_text("".join(lines), "utf-8")
    tracker: dict[str, dict[str, Any]] = {}
    cve = 0
    for name in names:
        entries = {}
        for _ in range(10):
            cve += 1
            history = versions[name]
            state: dict[str, Any] = (
                {"status": "open", "urgency": "medium"}
                if rng.random() < 0.05
                else {"status": "resolved", "fixed_version": history[rng.randrange(1, len(history))], "urgency": "high"}
            )
            entries[f"CVE-2026-{cve:05d}"] = {"description": "", "scope": "local", "releases": {RELEASE: state}}
        tracker[name] = entries
    (folder / "tracker.json").write_text(json.dumps(tracker), "utf-8")
    inventory = folder / "inventory"
    inventory.mkdir(exist_ok=True)
    (inventory / "sites.csv").write_text("code,name,city,country,operator\nGVA1,Geneva,,CH,\n", "utf-8")
    (inventory / "assets.csv").write_text(
        "ref,kind,site,parent,service\n" + "".join(f"host-{i:05d},vm,GVA1,,\n" for i in range(hosts)), "utf-8"
    )
    distinct = len({(name, v) for name in names for v in versions[name]})
    facts = {"hosts": hosts, "packages_per_host": packages_per_host, "universe": universe,
             "tracker_entries": cve, "distinct_versions_max": distinct}  # fmt: skip
    (folder / "complete.json").write_text(json.dumps(facts))
    return facts


def baseline_import(lists: Path) -> float:
    """The same rows, read and split, executemany'd into one plain table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_rows (host varchar(64), binary_name varchar(200), version varchar(200), "
            "source varchar(200), source_version varchar(200))"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        rows: list[tuple[str, ...]] = []
        for path in sorted(lists.iterdir()):
            host = path.stem
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    _status, binary, version, source, source_version = line.rstrip("\n").split("\t")
                    rows.append((host, binary, version, source or binary, source_version or version))
            if len(rows) >= BATCH:
                cursor.executemany("INSERT INTO bench_rows VALUES (%s, %s, %s, %s, %s)", rows)
                rows = []
        if rows:
            cursor.executemany("INSERT INTO bench_rows VALUES (%s, %s, %s, %s, %s)", rows)
    return time.perf_counter() - started


BASELINE_MATCH_SQL = """
SELECT h.ref, pv.package, v.cve
FROM patching_installedperiod ip
JOIN patching_packageversion pv ON pv.id = ip.version_id
JOIN patching_advisory a ON a.package = pv.package AND a.release = ip.release
JOIN patching_vulnerability v ON v.id = a.vulnerability_id
JOIN inventory_asset h ON h.id = ip.host_id
WHERE ip.until IS NULL AND ((a.status = 'resolved' AND pv.key < a.fixed_key) OR a.status IN ('open', 'unsupported'))
"""


def matched_set(sql: str, arguments: Any, columns: tuple[int, int, int], codes: dict[str, int]) -> set[int]:
    """Every (host, package, CVE) of a statement's rows, streamed from a server-side cursor and each kept
    as one integer (its three names numbered in ``codes``): at scale 1 that is 20M rows, which as
    fetched tuples of Python objects outgrow the machine's memory."""
    number = codes.setdefault
    found: set[int] = set()
    host, package, cve = columns
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, arguments)
        while rows := cursor.fetchmany(20_000):
            for row in rows:
                found.add(
                    (number(row[host], len(codes)) << 42)
                    | (number(row[package], len(codes)) << 21)
                    | number(row[cve], len(codes))
                )
    return found


def measure_matching(repeat: int = 3) -> dict[str, Any]:
    """The matching itself, in the database (each statement counted, so that moving ~1M rows to Python,
    the same for both, does not hide the difference); then once each, every row fetched, compared as
    sets of (host, package, CVE), and the engine's full fetch timed."""
    from art28.patching.exposure import EXPOSURE_SQL

    params = {"resolved": "resolved", "open": "open", "unsupported": "unsupported"}
    engine_sql = EXPOSURE_SQL.format(where="").rsplit("ORDER BY", 1)[0]

    def count(sql: str, arguments: Any = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) matched", arguments)
            return int(cursor.fetchone()[0])

    def best(fn: Any) -> tuple[float, Any]:
        times, result = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
        return min(times), result

    engine_seconds, engine_count = best(lambda: count(engine_sql, params))
    baseline_seconds, baseline_count = best(lambda: count(BASELINE_MATCH_SQL))
    codes: dict[str, int] = {}
    started = time.perf_counter()
    engine_rows = matched_set(EXPOSURE_SQL.format(where=""), params, (0, 1, 4), codes)
    fetch_seconds = time.perf_counter() - started
    baseline_rows = matched_set(BASELINE_MATCH_SQL, None, (0, 1, 2), codes)
    return {
        "engine_seconds": engine_seconds,
        "baseline_seconds": baseline_seconds,
        "ratio": engine_seconds / baseline_seconds,
        "exposures": engine_count,
        "engine_fetch_seconds": fetch_seconds,
        "same_result": engine_rows == baseline_rows and engine_count == baseline_count == len(engine_rows),
    }


def main() -> None:
    from art28.core.audit import SystemActor
    from art28.inventory.importers import import_inventory
    from art28.patching.advisories import advisories_import
    from art28.patching.packages import packages_import

    folder = Path(sys.argv[1])
    call_command("migrate", verbosity=0)
    actor = SystemActor("bench")
    import_inventory(folder / "inventory", actor=actor)
    baseline_seconds = baseline_import(folder / "lists")
    started = time.perf_counter()
    report = packages_import(folder / "lists", actor=actor, release=RELEASE)
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    advisories_import(folder / "tracker.json", format="debian-tracker", actor=actor)
    advisories_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM patching_packageversion")
        (distinct_versions,) = cursor.fetchone()
    print(
        json.dumps(
            {
                "import_seconds": import_seconds,
                "baseline_import_seconds": baseline_seconds,
                "import_ratio": import_seconds / baseline_seconds,
                "rows": report.packages,
                "distinct_versions": distinct_versions,
                "advisories_seconds": advisories_seconds,
                "matching": measure_matching(),
            }
        )
    )


if __name__ == "__main__":
    main()
