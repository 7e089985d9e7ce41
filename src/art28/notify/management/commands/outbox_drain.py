"""`art28 outbox-drain [--loop] [--interval S] [--exit-when-empty]`: send what is due, from cron or a shell.

The task worker (`art28 db_worker`) drains the outbox on its own; this command is for cron (a safety
net when no task worker runs), for operations ("flush the outbox before maintenance") and for tests.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from art28.notify.models import Delivery
from art28.notify.worker import WAITING, deliver_due


class Command(BaseCommand):
    help = "Send every due delivery of the outbox; with --loop, keep doing so until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep draining, sleeping --interval between runs")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between runs with --loop")
        parser.add_argument(
            "--exit-when-empty",
            action="store_true",
            help="with --loop: stop once no delivery is waiting (pending or failing)",
        )
        parser.add_argument(
            "--batch", type=int, default=None, help="deliveries claimed at a time (default ART28_OUTBOX_BATCH)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        # SIGTERM/SIGINT: finish the delivery in hand, hand the rest of the batch back, exit.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        total = 0
        while not stop.is_set():
            if not connection.in_atomic_block:  # a long-running loop drops stale connections, as requests do
                close_old_connections()
            total += deliver_due(batch=options["batch"], stop=stop)
            if not options["loop"]:
                break
            if options["exit_when_empty"] and not Delivery.objects.filter(status__in=WAITING).exists():
                break
            stop.wait(options["interval"])
        self.stdout.write(f"{total} deliveries sent")
