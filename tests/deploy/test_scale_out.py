"""Two task workers share one fan-out on PostgreSQL (issue 10 item 6): a breach notice to 200
organisations, two real `art28 db_worker` processes (as docs/deploy.md runs them), a real SMTP server
(aiosmtpd on loopback). Every Message-ID arrives exactly once, and every delivery and attempt is
recorded once. The server holds the first message until a second connection delivers one, so the test
proves the two workers were sending at the same time (they cannot be one after the other)."""

from __future__ import annotations

import asyncio
import collections
import json
import signal
import socket
import subprocess
import time
from email import message_from_bytes
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.deploy.postgres import ART28, environment, scratch_database, shell

ORGANISATIONS = 200

CREATE_FAN_OUT = f"""
from django.db import transaction
from art28.core.audit import SystemActor
from art28.core.models import Organisation
from art28.notify.services import Draft, messages_create
orgs = Organisation.objects.bulk_create(
    Organisation(ref=f"S{{i:03d}}", name=f"Customer {{i}}", privacy_email=f"dpo@c{{i}}.example")
    for i in range({ORGANISATIONS})
)
with transaction.atomic():
    created = messages_create(
        topic="breach.notice",
        drafts=[Draft(organisation=o, subject="Personal data breach: first notice", body_text="What happened.",
                      language="en", payload={{}}) for o in orgs],
        source_type="test",
        channels=["email"],
    )
print(created)
"""


class CountingServer:
    """Accepts every message, keeps its Message-ID and the session it came on. The first message waits
    (up to ``overlap_timeout``) until a message arrives on another connection."""

    def __init__(self, overlap_timeout: float = 120) -> None:
        self.message_ids: list[str] = []
        self.sessions: set[int] = set()
        self.overlap_timeout = overlap_timeout
        self.overlapped: asyncio.Event | None = None
        self.first_held = False
        self.overlap_seen = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.overlapped is None:
            self.overlapped = asyncio.Event()
        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        self.sessions.add(id(session))
        if len(self.sessions) >= 2:
            self.overlapped.set()
        if not self.first_held:
            self.first_held = True
            try:
                await asyncio.wait_for(self.overlapped.wait(), self.overlap_timeout)
                self.overlap_seen = True
            except TimeoutError:
                pass
        return "250 2.0.0 Ok: queued"


def counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'sent'), coalesce(max(attempts), 0), "
            "(SELECT count(*) FROM notify_deliveryattempt), "
            "(SELECT count(DISTINCT delivery_id) FROM notify_deliveryattempt) FROM notify_delivery"
        ).fetchone()
    return dict(zip(["deliveries", "sent", "max_attempts", "attempt_rows", "attempted"], row, strict=True))


@pytest.mark.xdist_group("postgres-deploy")
def test_two_workers_share_one_fan_out_and_send_each_message_once(
    migrated_template: str, data_dir: Path, tmp_path: Path
) -> None:
    handler = CountingServer()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    workers: list[subprocess.Popen[str]] = []
    try:
        with scratch_database("deploy_scale", template=migrated_template) as database_url:
            env = environment(
                database_url,
                data_dir,
                EMAIL_URL=f"smtp://127.0.0.1:{port}",
                ART28_OUTBOX_DRAINS="2",  # one drain task for each of the two workers
                ART28_OUTBOX_BATCH="20",
            )
            created = int(shell(CREATE_FAN_OUT, env=env).split()[-1])
            assert created == ORGANISATIONS
            with psycopg.connect(database_url) as conn:
                expected = {
                    f"<{public_id}@{mail_domain}>"
                    for (public_id,) in conn.execute("SELECT public_id FROM notify_delivery")
                    for mail_domain in [env.get("ART28_MAIL_DOMAIN", "art28.localhost")]
                }
                tasks = conn.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult").fetchone()[0]
            assert tasks == 2
            for i in range(2):
                log = (tmp_path / f"worker-{i}.log").open("w")
                workers.append(
                    subprocess.Popen(
                        [
                            ART28,
                            "db_worker",
                            "--queue-name",
                            "default",
                            "--no-reload",
                            "--interval",
                            "0.2",
                            "--no-startup-delay",
                            "--worker-id",
                            f"test-{i}",
                        ],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        text=True,
                    )
                )
            # Until every delivery is recorded (or a generous guard against a hung run; no timing is asserted).
            guard = time.monotonic() + 300
            while counts(database_url)["sent"] < ORGANISATIONS and time.monotonic() < guard:
                if any(w.poll() is not None for w in workers):
                    break
                time.sleep(0.5)
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(60)
            recorded = counts(database_url)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        controller.stop()

    logs = "\n".join(p.read_text() for p in sorted(tmp_path.glob("worker-*.log")))
    assert recorded == {
        "deliveries": ORGANISATIONS,
        "sent": ORGANISATIONS,
        "max_attempts": 1,
        "attempt_rows": ORGANISATIONS,
        "attempted": ORGANISATIONS,
    }, logs
    received = collections.Counter(handler.message_ids)
    assert set(received) == expected
    assert max(received.values()) == 1, [mid for mid, n in received.items() if n > 1]
    assert handler.overlap_seen, f"the two workers never sent at the same time: {json.dumps(logs)}"
