"""`art28 outbox-status [--json]`: deliveries by channel and status, and the oldest one still waiting."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from art28.notify.selectors import outbox_counts


class Command(BaseCommand):
    help = "Print the outbox's deliveries by channel and status, and the oldest waiting delivery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = outbox_counts()
        oldest = counts.oldest_waiting
        oldest_info = (
            {
                "delivery": str(oldest.public_id),
                "channel": oldest.channel,
                "status": oldest.status,
                "organisation": oldest.message.organisation.ref if oldest.message.organisation is not None else None,
                "subscriber": oldest.message.subscriber_id,
                "created_at": oldest.created_at.isoformat(),
                "age_seconds": round((timezone.now() - oldest.created_at).total_seconds()),
                "attempts": oldest.attempts,
                "last_error": oldest.last_error,
            }
            if oldest
            else None
        )
        if options["json"]:
            data = {"by_channel": counts.by_channel, "totals": counts.totals, "oldest_waiting": oldest_info}
            self.stdout.write(json.dumps(data, indent=2))
            return
        statuses = list(counts.totals)
        self.stdout.write(f"{'channel':<10}" + "".join(f"{s:>10}" for s in statuses))
        for channel, row in counts.by_channel.items():
            self.stdout.write(f"{channel:<10}" + "".join(f"{row.get(s, 0):>10}" for s in statuses))
        self.stdout.write(f"{'total':<10}" + "".join(f"{counts.totals[s]:>10}" for s in statuses))
        if oldest_info is None:
            self.stdout.write("nothing is waiting")
        else:
            self.stdout.write(
                f"oldest waiting: {oldest_info['channel']} to "
                f"{oldest_info['organisation'] or 'subscriber ' + str(oldest_info['subscriber'])}, "
                f"{oldest_info['age_seconds']} s old, {oldest_info['attempts']} attempts"
                + (f", last error: {oldest_info['last_error']}" if oldest_info["last_error"] else "")
            )
