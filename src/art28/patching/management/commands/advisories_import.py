"""`art28 advisories-import FILE --format debian-tracker|osv|kev|epss` (S7; docs/patching.md).

Bad input prints every problem as ``FILE:LINE: reason`` on stderr, changes nothing and exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from art28.core.cli import USAGE_ERROR, cli_actor, print_refused
from art28.patching.advisories import FORMATS, advisories_import
from art28.patching.readers import PackagesRefused


class Command(BaseCommand):
    help = "Import advisories: the Debian Security Tracker's JSON, OSV, the CISA KEV catalogue, EPSS scores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=FORMATS)

    def handle(self, *args: Any, file: Path, format: str, **options: Any) -> None:
        try:
            report = advisories_import(file, format=format, actor=cli_actor("advisories-import"))
        except PackagesRefused as error:
            print_refused(self, error)
            return
        except ValueError as error:
            raise CommandError(str(error), returncode=USAGE_ERROR) from None
        self.stdout.write(
            f"{format}: {report.vulnerabilities_created} CVE(s) new, {report.vulnerabilities_updated} updated; "
            f"{report.advisories_created} advisory(ies) new, {report.advisories_updated} updated, "
            f"{report.unchanged} unchanged"
            + (f"; {report.unknown} about CVEs not tracked here" if report.unknown else "")
        )
