"""The first breach notice to 100,000 customers through 1, 2 and 4 outbox workers on PostgreSQL, against a
raw smtplib loop sending the same messages to the same SMTP server in the same run.

    DATABASE_URL=postgres://… python -m bench.fanout_bench [COUNT] [WORKERS,…]   (an empty database)

`python -m bench --only fanout [--customers N]` runs it on a fresh database and prints the table; the last
stdout line here is JSON. The SMTP server (aiosmtpd) runs in a process of its own and keeps every
Message-ID it accepts, so each run is checked at the server (each expected Message-ID exactly once) and
in the database (every delivery sent after exactly one attempt, one attempt row each). Its CPU time
(/proc/<pid>/stat) says how much of the two cores the receiver itself took.

The workers are `art28 outbox-drain --loop --exit-when-empty` processes: the same claim (SKIP LOCKED,
under a lease), send (one SMTP connection per claimed batch) and record path as the task workers.
Between runs the deliveries are put back to pending and the attempt rows deleted (then VACUUM), so every
run sends the same 100,000 messages. Wall time runs from starting the workers until the last one exits
(process start-up included). The baseline has the messages built before its clock starts and records
nothing. Goal: the best worker count at ≥ 0.7x the loop's throughput.
"""

from __future__ import annotations

import collections
import json
import multiprocessing
import os
import re
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.notify_bench import baseline as smtplib_loop
from bench.notify_bench import first_notice_to_new_customers

COUNT = 100_000
WORKER_COUNTS = (1, 2, 4)
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.M | re.I)


def run_sink(port: int, pipe: Any, ready: Any) -> None:
    """The SMTP server process: accepts every message and keeps its Message-ID until asked for a report."""
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            found = MESSAGE_ID.search(envelope.original_content or envelope.content)
            received.append(found.group(1) if found else b"")
            return "250 2.0.0 Ok: queued"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while (command := pipe.recv()) != "stop":
        assert command == "report"
        taken = received[:]
        del received[: len(taken)]
        pipe.send([value.decode() for value in taken])
    controller.stop()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc/<pid>/stat (fields 14 and 15, proc(5))."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_notice(count: int) -> dict[str, float]:
    """``count`` customers and the first notice of a breach to each (e-mail to its privacy contact)."""
    from art28.notify.models import Channel

    return first_notice_to_new_customers(count, prefix="F", channels=[Channel.EMAIL])


def expected_message_ids() -> set[str]:
    from art28.notify.models import Delivery

    return {f"<{d.external_id}>" for d in Delivery.objects.only("public_id")}


def check_server(report: list[str], expected: set[str]) -> dict[str, int]:
    counted = collections.Counter(report)
    figures = {
        "server_received": len(report),
        "server_distinct": len(counted),
        "server_repeated": sum(1 for n in counted.values() if n > 1),
        "server_unexpected": len(set(counted) - expected),
        "server_missing": len(expected - set(counted)),
    }
    assert figures["server_received"] == figures["server_distinct"] == len(expected), figures
    assert figures["server_repeated"] == figures["server_unexpected"] == figures["server_missing"] == 0, figures
    return figures


def check_database(count: int) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'sent'), min(attempts), max(attempts), "
            "(SELECT count(*) FROM notify_deliveryattempt), "
            "(SELECT count(*) FROM notify_deliveryattempt WHERE ok), "
            "(SELECT count(DISTINCT delivery_id) FROM notify_deliveryattempt) FROM notify_delivery"
        )
        row = cursor.fetchone()
    names = ["deliveries", "sent", "min_attempts", "max_attempts", "attempt_rows", "ok_attempt_rows", "attempted"]
    figures = dict(zip(names, row, strict=True))
    want = {"deliveries": count, "sent": count, "min_attempts": 1, "max_attempts": 1}
    want |= {"attempt_rows": count, "ok_attempt_rows": count, "attempted": count}
    assert figures == want, figures
    return figures


def reset_deliveries() -> None:
    """Every delivery pending again, no attempt rows: the next run sends the same messages."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notify_deliveryattempt")
        cursor.execute(
            "UPDATE notify_delivery SET status = 'pending', attempts = 0, sent_at = NULL, locked_until = NULL, "
            "next_attempt_at = now() - interval '1 second', last_error = ''"
        )
        cursor.execute("VACUUM (ANALYZE) notify_delivery, notify_deliveryattempt")


def run_workers(workers: int, port: int) -> float:
    env = os.environ | {"EMAIL_URL": f"smtp://127.0.0.1:{port}", "ART28_LOG_LEVEL": "ERROR"}
    art28 = str(Path(sys.executable).with_name("art28"))
    command = [art28, "outbox-drain", "--loop", "--exit-when-empty", "--interval", "0.1"]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(workers)
    ]
    outputs = [process.communicate() for process in processes]
    seconds = time.perf_counter() - started
    for process, (out, err) in zip(processes, outputs, strict=True):
        if process.returncode != 0:
            raise SystemExit(f"outbox-drain exited {process.returncode}:\n{out}\n{err}")
    return seconds


def measure(label: str, run: Any, sink_pid: int, pipe: Any, expected: set[str], count: int) -> dict[str, Any]:
    sink_before, children_before = cpu_seconds(sink_pid), children_cpu_seconds()
    seconds = run()
    sink_cpu, workers_cpu = cpu_seconds(sink_pid) - sink_before, children_cpu_seconds() - children_before
    pipe.send("report")
    figures: dict[str, Any] = {"label": label, "seconds": seconds, "per_second": count / seconds}
    figures |= check_server(pipe.recv(), expected)
    figures |= {"receiver_cpu_seconds": sink_cpu, "receiver_share_of_wall": sink_cpu / seconds}
    figures["workers_cpu_seconds"] = workers_cpu
    print(json.dumps({"progress": figures}), file=sys.stderr, flush=True)
    return figures


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    worker_counts = [int(n) for n in sys.argv[2].split(",")] if len(sys.argv) > 2 else list(WORKER_COUNTS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
    os.environ.setdefault("ART28_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    assert connection.vendor == "postgresql", "the fan-out bench runs on PostgreSQL (DATABASE_URL=postgres://…)"
    call_command("migrate", verbosity=0)
    result: dict[str, Any] = {"count": count, **create_notice(count)}
    expected = expected_message_ids()
    assert len(expected) == count

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    ready = context.Event()
    port = free_port()
    sink = context.Process(target=run_sink, args=(port, theirs, ready), daemon=True)
    sink.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the SMTP server did not start")
        assert sink.pid is not None
        result["raw_loop"] = measure("smtplib loop", lambda: smtplib_loop(port, count), sink.pid, ours, expected, count)
        result["workers"] = []
        for workers in worker_counts:
            reset_deliveries()
            figures = measure(
                f"{workers} worker(s)", lambda w=workers: run_workers(w, port), sink.pid, ours, expected, count
            )
            figures |= {"workers": workers, "database": check_database(count)}
            figures["ratio_to_raw_loop"] = figures["per_second"] / result["raw_loop"]["per_second"]
            result["workers"].append(figures)
        ours.send("stop")
    finally:
        sink.join(10)
        if sink.is_alive():
            sink.kill()
    best = max(result["workers"], key=lambda f: f["per_second"])
    result["best"] = {"workers": best["workers"], "ratio_to_raw_loop": best["ratio_to_raw_loop"]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
