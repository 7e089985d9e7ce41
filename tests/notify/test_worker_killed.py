"""A worker killed with SIGKILL in the middle of a fan-out, then a second worker: no notice lost, and at
most the one in flight sent twice, recognisably (same Message-ID). GDPR Art. 33(2) / nFADP Art. 24(3):
every affected controller must be told; a crash may delay a notice, never drop it.

Runs in a world of its own: real `art28` processes on a scratch database (a SQLite file, or a
scratch PostgreSQL database when DATABASE_URL points to PostgreSQL), sending to an aiosmtpd server in
this test process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller

from tests.notify.conftest import SmtpSink, free_port

pytestmark = pytest.mark.xdist_group("notify-subprocess")

NOTICES = 300
CREATE_NOTICES = f"""
from django.db import transaction
from art28.core.models import Organisation
from art28.notify.services import Draft, messages_create
orgs = Organisation.objects.bulk_create(
    [Organisation(ref=f"K{{i}}", name=f"Killtest {{i}}", privacy_email=f"dpo@k{{i}}.example") for i in range({NOTICES})]
)
with transaction.atomic():
    messages_create(
        topic="breach.notice",
        drafts=[Draft(organisation=o, subject=f"Notice to {{o.ref}}", body_text="A breach.") for o in orgs],
        requires_ack=True,
    )
"""


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A scratch database: never the test database, never one that outlives the test."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'killtest.sqlite3'}"
        return
    import psycopg

    name = f"art28_killtest_{os.getpid()}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def slow_smtp() -> Iterator[tuple[int, SmtpSink]]:
    """A real SMTP server, a little slow (5 ms a message) so that the kill lands mid fan-out."""
    sink, port = SmtpSink(delay=0.005), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, sink
    controller.stop()


def test_a_worker_killed_mid_fan_out_loses_nothing_and_repeats_at_most_the_one_in_flight(
    tmp_path, database_url, slow_smtp
):
    port, sink = slow_smtp
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "art28.settings",
        "DATABASE_URL": database_url,
        "ART28_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "killtest-secret-key",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "ART28_LOG_LEVEL": "ERROR",
        # Short, so that the second worker takes the killed one's deliveries over within seconds.
        "ART28_DELIVERY_LEASE_SECONDS": "2",
    }

    def art28(*args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "art28", *args], env=env, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    art28("migrate", "--no-input", "-v0")
    art28("shell", "-c", CREATE_NOTICES)

    first = subprocess.Popen(
        [sys.executable, "-m", "art28", "outbox-drain", "--loop", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        sink.wait_for(NOTICES // 3, timeout=60)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    at_kill = len(sink.received)
    assert NOTICES // 3 <= at_kill < NOTICES, "the kill must land in the middle of the fan-out"

    art28("outbox-drain", "--loop", "--interval", "0.2", "--exit-when-empty", timeout=180)

    status = json.loads(art28("outbox-status", "--json"))
    assert status["by_channel"]["email"] == {"pending": 0, "sent": NOTICES, "failed": 0, "dead": 0}
    ids = sink.message_ids
    distinct = set(ids)
    assert len(distinct) == NOTICES, "every e-mail delivery arrived"
    assert len(ids) <= len(distinct) + 1, (
        f"at most the one delivery in flight at the kill may be sent twice: {len(ids)} received, "
        f"{len(distinct)} distinct, {at_kill} before the kill"
    )
    assert all(i.startswith("<") and i.endswith("@art28.localhost>") for i in distinct)
