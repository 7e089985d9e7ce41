"""`art28 audit-verify`: check the audit trail's hash chain; exit 1 naming the first bad entry."""

from typing import Any

from django.core.management.base import BaseCommand

from art28.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's SHA-256 chain and name the first entry that does not fit."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit trail intact: {report.checked} entries verified"))
            return
        assert report.first_break is not None
        self.stderr.write(
            f"audit trail broken at entry #{report.first_break.seq}: {report.first_break.reason} "
            f"({report.checked} entries before it verified)"
        )
        raise SystemExit(1)
