"""The public trust center under load: /trust/ and /trust/subprocessors.json vs a bare Django view.

    DATABASE_URL=… python -m bench.trust_bench      (an empty database; prints one JSON line)

`python -m bench --only trust` runs it once per vendor on a fresh database. It migrates, builds a
demo-sized register (40 sub-processors with services, chains and colocation sites, 6 sites, a few
announced changes), starts gunicorn (2 gthread workers, as in production) on a free port, and lets
`wrk` (Debian's, installed if missing) hit each URL with 50 concurrent connections, 3 interleaved
rounds of 5 s per URL (the median counts: the machine may be busy with something else). The
baseline is `/trust/_bare` (ART28_BENCH_VIEWS=1): the same middleware stack, a view that does nothing.
Goal: the trust pages at least half the bare view's throughput (they are served from the cache).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 50
DURATION_SECONDS = 5
ROUNDS = 3
WORKERS = 2
THREADS = 4
TARGETS = {"bare": "/trust/_bare", "trust_page": "/trust/", "json": "/trust/subprocessors.json"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    """Debian's wrk, installed on first use (like scripts/ensure-chromium)."""
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, capture_output=True)
    return shutil.which("wrk") or "wrk"


def build_register() -> dict[str, int]:
    """Migrate and fill a demo-sized register through the ORM (bulk, no audit: this is a fixture)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from art28.inventory.models import Service, Site
    from art28.subprocessors.models import Change, ChangeStatus, SubProcessor

    countries = ["CH", "CH;DE", "CH;FR", "DE", "CH;IE", "CH;US"]
    sites = Site.objects.bulk_create(
        [
            Site(code=f"S{i}", name=f"Site {i}", city=city, country=country, operator=operator)
            for i, (city, country, operator) in enumerate(
                [
                    ("Genève", "CH", ""),
                    ("Zürich", "CH", ""),
                    ("Lausanne", "CH", "Colo Lausanne SA"),
                    ("Basel", "CH", ""),
                    ("Frankfurt", "DE", "Mainhattan Colocation GmbH"),
                    ("Lugano", "CH", "Colo Ticino SA"),
                ]
            )
        ]
    )
    services = Service.objects.bulk_create([Service(name=f"Service {i}") for i in range(8)])
    long_ago = dt.date(2024, 1, 1)
    rows = []
    for i in range(40):
        rows.append(
            SubProcessor(
                slug=f"sp-{i:02d}",
                legal_name=f"Sub-processor {i:02d} AG",
                address=f"Strasse {i}\n8000 Zürich",
                contact_name="Private Person",
                contact_email=f"private{i}@sp.example",
                website=f"https://sp{i}.example",
                purpose=f"Processing for service {i % 8}: hosting, backup, monitoring and support.",
                data_categories="contact;logs;usage",
                countries=countries[i % len(countries)],
                transfer_safeguard="SCC with the Swiss addendum" if "US" in countries[i % len(countries)] else "",
                in_use_from=long_ago,
            )
        )
    sps = SubProcessor.objects.bulk_create(rows)
    for index, sp in enumerate(sps):
        if index % 4 == 3:  # every fourth one is engaged by the one before it (the chain, Art. 28(4))
            sp.engaged_by = sps[index - 1]
        sp.save(update_fields=["engaged_by"])
        sp.services.set([services[index % 8], services[(index + 3) % 8]])
    for sp, site in zip(sps[:3], [sites[2], sites[4], sites[5]], strict=True):
        sp.sites.set([site])
    now = timezone.now()
    for i in range(3):
        new = SubProcessor.objects.create(
            slug=f"new-{i}",
            legal_name=f"Newcomer {i} SA",
            address="Rue 1\n1200 Genève",
            purpose="New work",
            countries="CH",
        )
        change = Change.objects.create(
            kind="addition",
            subprocessor=new,
            summary=f"We add newcomer {i}.",
            status=ChangeStatus.ANNOUNCED,
            announced_at=now,
            effective_on=timezone.localdate() + dt.timedelta(days=30 + i),
        )
        change.services.set([services[i]])
    return {"subprocessors": len(sps), "sites": len(sites), "upcoming_changes": 3}


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "ART28_DEBUG": "0",
        "ART28_BENCH_VIEWS": "1",
        "ART28_LOG_LEVEL": "ERROR",
    }
    command = [
        sys.executable, "-m", "gunicorn", "art28.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
        "--log-level", "warning", "--backlog", "2048",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/trust/_bare", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not come up")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def _milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def hit(wrk: str, url: str, *, seconds: int = DURATION_SECONDS) -> dict[str, Any]:
    """wrk with 50 connections for 10 s: requests/s, p50/p99 latency, errors."""
    threads = str(min(CONNECTIONS, os.cpu_count() or 2))
    command = [wrk, "-t", threads, "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _milliseconds(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _milliseconds(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "requests_per_second": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over the rounds, and every round's requests/s."""
    figures = ("requests_per_second", "p50_ms", "p99_ms")
    merged: dict[str, Any] = {key: statistics.median(run[key] for run in runs) for key in figures}
    merged["rounds_requests_per_second"] = [run["requests_per_second"] for run in runs]
    merged["non_2xx"] = sum(run["non_2xx"] for run in runs)
    return merged


def main() -> None:
    sizes = build_register()
    wrk = ensure_wrk()
    port = free_port()
    server = start_server(port)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(WORKERS * THREADS * 2):  # every worker process fills its own cache
            for path in TARGETS.values():
                urllib.request.urlopen(base + path, timeout=10).read()  # noqa: S310
        for path in TARGETS.values():  # warm the workers' threads, caches and CPU clocks; not recorded
            hit(wrk, base + path, seconds=3)
        # Interleaved rounds, the median of each: a neighbour's load on the machine hits every URL alike.
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in TARGETS}
        for _ in range(ROUNDS):
            for name, path in TARGETS.items():
                runs[name].append(hit(wrk, base + path))
    finally:
        stop_server(server)
    results = {name: median_run(found) for name, found in runs.items()}
    bare = results["bare"]["requests_per_second"]
    for name in ("trust_page", "json"):
        results[name]["ratio_to_bare"] = results[name]["requests_per_second"] / bare
    print(
        json.dumps(
            {
                "register": sizes,
                "server": f"gunicorn, {WORKERS} gthread workers x {THREADS} threads",
                "load": f"wrk, {CONNECTIONS} connections, {ROUNDS} interleaved rounds of {DURATION_SECONDS} s per URL",
                **results,
            }
        )
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
    main()
