"""`art28 packages-import PATH --release CODENAME [--format dpkg-query|cyclonedx|trivy] [--taken-at MOMENT]`
and `art28 packages-import --dpkg-log FILE --host REF [--tz ZONE]` (S7; docs/patching.md).

Bad input prints every problem as ``FILE:LINE: reason`` on stderr, changes nothing and exits 1; a bad
option exits 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from art28.core.cli import USAGE_ERROR, cli_actor, print_refused
from art28.inventory.as_of import parse_moment
from art28.patching.dpkglog import dpkg_log_import
from art28.patching.packages import packages_import
from art28.patching.readers import READERS, PackagesRefused


class Command(BaseCommand):
    help = "Import hosts' package lists (a file or a folder of <asset ref>.<ext>), or a host's dpkg.log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="A package list, or a folder of them.")
        parser.add_argument("--release", default="", help="The hosts' Debian release (bookworm, trixie, …).")
        parser.add_argument("--format", default="dpkg-query", choices=sorted(READERS))
        parser.add_argument(
            "--taken-at", default="", help="When the lists were made (default: the file's own, else now)."
        )
        parser.add_argument("--dpkg-log", type=Path, default=None, help="A host's /var/log/dpkg.log.")
        parser.add_argument("--host", default="", help="With --dpkg-log: the host's asset reference.")
        parser.add_argument("--tz", default="", help="With --dpkg-log: the host's time zone (default: its site's).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["dpkg_log"] is not None:
                self._dpkg_log(options)
            else:
                self._lists(options)
        except PackagesRefused as error:
            print_refused(self, error)
        except ValueError as error:
            raise CommandError(str(error), returncode=USAGE_ERROR) from None

    def _lists(self, options: dict[str, Any]) -> None:
        if options["path"] is None or not options["release"]:
            raise CommandError("give PATH and --release CODENAME (or --dpkg-log FILE --host REF)", returncode=2)
        taken_at = parse_moment(options["taken_at"]) if options["taken_at"] else None
        report = packages_import(
            options["path"],
            actor=cli_actor("packages-import"),
            release=options["release"],
            format=options["format"],
            taken_at=taken_at,
        )
        self.stdout.write(
            f"imported {report.hosts} host(s), {report.packages} source packages: {report.opened} installed "
            f"(new or changed), {report.closed} ended, {report.upgrades} upgrade(s), {report.unchanged} unchanged"
        )

    def _dpkg_log(self, options: dict[str, Any]) -> None:
        if not options["host"]:
            raise CommandError("--dpkg-log needs --host REF (the host the log comes from)", returncode=2)
        report = dpkg_log_import(
            options["dpkg_log"], host_ref=options["host"], actor=cli_actor("packages-import"), time_zone=options["tz"]
        )
        self.stdout.write(
            f"{report.lines} upgrade line(s): {report.upgrades} upgrade(s) recorded, "
            f"{report.updated} given their real time"
        )
        sys.stdout.flush()
