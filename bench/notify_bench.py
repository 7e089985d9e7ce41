"""Fan-out of a first breach notice to 10,000 organisations: the outbox worker vs a plain smtplib loop.

    DATABASE_URL=… python -m bench.notify_bench [COUNT]     (an empty database; prints one JSON line)

`python -m bench --only notify` runs it once per vendor on a fresh database. The SMTP server
(aiosmtpd, counting messages) runs in a process of its own, so that it does not share the GIL with
the sender being measured. Both senders send the same messages to the same server: the worker
(`deliver_due`) over one reused connection, recording every outcome and attempt in the database;
the baseline (smtplib, one connection) builds and sends, and records nothing.
Goal: the worker at least half the baseline's throughput, with every delivery recorded.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import smtplib
import socket
import sys
import time
from email.message import EmailMessage
from typing import Any

COUNT = 10_000


def run_sink(port: int, counter: Any, ready: Any, stop: Any) -> None:
    """The SMTP server process: accept every message, count it."""
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with counter.get_lock():
                counter.value += 1
            return "250 2.0.0 Ok: queued"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(counter: Any, value: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while counter.value < value and time.monotonic() < deadline:
        time.sleep(0.01)


def first_notice_to_new_customers(count: int, *, prefix: str, channels: list[str] | None = None) -> dict[str, float]:
    """``count`` new customers and the first notice of a breach to each, in one transaction, as an incident
    with that many affected customers would write it (the ``channels``, else each customer's own)."""
    from django.db import transaction

    from art28.core.models import Organisation
    from art28.notify.services import Draft, messages_create

    started = time.perf_counter()
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                ref=f"{prefix}{i:06d}",
                name=f"Customer {i}",
                language="fr" if i % 3 else "de",
                privacy_email=f"dpo@customer{i}.example",
                security_email=f"security@customer{i}.example",
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    created = time.perf_counter()
    with transaction.atomic():
        messages_create(
            topic="breach.notice",
            drafts=[
                Draft(
                    organisation=org,
                    subject="Personal data breach: first notice (GDPR Art. 33(2), nFADP Art. 24(3))",
                    body_text=f"Dear {org.name},\n\n" + "What happened, what it affects, what we do.\n" * 30,
                    language=org.language,
                    payload={"incident": "INC-BENCH", "phase": "initial"},
                )
                for org in orgs
            ],
            source_type="bench",
            requires_ack=True,
            **({} if channels is None else {"channels": channels}),
        )
    return {"customers_seconds": created - started, "messages_create_seconds": time.perf_counter() - created}


def baseline(port: int, count: int) -> float:
    """The same messages (recipients, subject, body with the ack link, Message-ID) by plain smtplib."""
    from django.conf import settings

    from art28.notify.mail import email_for
    from art28.notify.models import Channel, Delivery

    prepared = []
    for delivery in Delivery.objects.filter(channel=Channel.EMAIL).select_related("message__organisation"):
        email = email_for(delivery)  # the worker's text (ack link included), built before the clock starts
        prepared.append((email.to, email.subject, email.body, email.extra_headers))
    assert len(prepared) == count
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to, subject, body, headers in prepared:
            message = EmailMessage()
            message["From"] = settings.DEFAULT_FROM_EMAIL
            message["To"] = ", ".join(to)
            message["Subject"] = subject
            for name, value in headers.items():
                message[name] = value
            message.set_content(body)
            smtp.send_message(message)
    return time.perf_counter() - started


def worker(count: int) -> dict[str, Any]:
    from art28.notify.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus
    from art28.notify.worker import deliver_due

    started = time.perf_counter()
    sent = deliver_due()
    seconds = time.perf_counter() - started
    recorded = Delivery.objects.filter(channel=Channel.EMAIL, status=DeliveryStatus.SENT).count()
    attempts = DeliveryAttempt.objects.filter(ok=True).count()
    assert sent == recorded == attempts == count, (sent, recorded, attempts)
    return {"seconds": seconds, "sent": sent, "recorded": recorded, "attempt_rows": attempts}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
    os.environ.setdefault("ART28_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    context = multiprocessing.get_context("spawn")
    counter, ready, stop = context.Value("q", 0), context.Event(), context.Event()
    port = free_port()
    sink = context.Process(target=run_sink, args=(port, counter, ready, stop), daemon=True)
    sink.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the SMTP sink did not start")
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
            }
        }
        result: dict[str, Any] = {"count": count, **first_notice_to_new_customers(count, prefix="N")}
        result["baseline_seconds"] = baseline(port, count)
        wait_for(counter, count)
        assert counter.value == count, counter.value
        result["worker"] = worker(count)
        wait_for(counter, 2 * count)
        result["server_received"] = counter.value
        assert counter.value == 2 * count, counter.value
    finally:
        stop.set()
        sink.join(10)
    result["worker_per_second"] = count / result["worker"]["seconds"]
    result["baseline_per_second"] = count / result["baseline_seconds"]
    result["ratio"] = result["worker_per_second"] / result["baseline_per_second"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
