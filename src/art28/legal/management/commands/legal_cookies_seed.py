"""`art28 legal-cookies-seed` (S13): put the cookies art28 itself sets (session, CSRF, language, messages,
consent) in the cookie inventory, those missing only, so that the cookie policy lists them (ePrivacy
Art. 5(3), Swiss TCA Art. 45c: the visitor is informed). Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from art28.core.audit import cli_actor
from art28.legal.cookies import cookies_seed


class Command(BaseCommand):
    help = "Add art28's own cookies to the cookie inventory (those missing)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = cookies_seed(actor=cli_actor())
        self.stdout.write(f"{added} cookie(s) added to the inventory")
