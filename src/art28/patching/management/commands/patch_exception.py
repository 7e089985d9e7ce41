"""`art28 patch-exception --cve CVE [--host REF] --owner EMAIL --reason TEXT --expires DATE`: accept a
risk until a date (docs/patching.md, "Exceptions"); `art28 patch-exception --list` lists those in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from art28.core.cli import USAGE_ERROR, cli_actor
from art28.core.models import User
from art28.patching.exceptions import active_exceptions, patch_exception_grant


class Command(BaseCommand):
    help = "Accept the risk of a CVE (on one host or all) until a date, with an owner and a reason; or --list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="List the exceptions in force.")
        parser.add_argument("--cve", default="")
        parser.add_argument("--host", default="", help="One host's reference (default: every host).")
        parser.add_argument("--owner", default="", help="The staff member who owns the risk (e-mail).")
        parser.add_argument("--reason", default="")
        parser.add_argument("--expires", default="", help="The last day it holds (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for exception in active_exceptions().values():
                where = exception.host.ref if exception.host else "every host"
                self.stdout.write(
                    f"{exception.vulnerability.cve:<18} {where:<20} until {exception.expires_on}  "
                    f"{exception.owner.email}: {exception.reason}"
                )
            return
        try:
            expires = dt.date.fromisoformat(options["expires"])
        except ValueError:
            raise CommandError("--expires: give the last day it holds, YYYY-MM-DD", returncode=USAGE_ERROR) from None
        owner = User.objects.filter(email__iexact=options["owner"].strip()).first()
        if owner is None:
            raise CommandError(f"--owner: no user {options['owner']!r}", returncode=USAGE_ERROR)
        try:
            exception = patch_exception_grant(
                actor=cli_actor("patch-exception"),
                cve=options["cve"],
                host=options["host"],
                owner=owner,
                reason=options["reason"],
                expires_on=expires,
            )
        except ValidationError as error:
            problems = "; ".join(
                f"--{field.replace('_on', '')}: {' '.join(m)}" for field, m in error.message_dict.items()
            )
            raise CommandError(problems, returncode=USAGE_ERROR) from None
        self.stdout.write(f"exception {exception.pk}: {exception}")
