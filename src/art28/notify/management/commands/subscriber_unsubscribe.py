"""`art28 subscriber-unsubscribe EMAIL …`: unsubscribe public subscribers by address.

For the requests that arrive by mail (the ``mailto:`` of the List-Unsubscribe header, RFC 2369):
whoever reads ART28_UNSUBSCRIBE_EMAIL runs this. It answers the same for an unknown address.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from art28.notify.models import Subscriber
from art28.notify.subscriptions import subscriber_unsubscribe


class Command(BaseCommand):
    help = "Unsubscribe public subscribers of the trust center by e-mail address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("emails", nargs="+", help="the addresses to unsubscribe")

    def handle(self, *args: Any, **options: Any) -> None:
        for email in options["emails"]:
            subscriber = Subscriber.objects.filter(email=email.strip().lower()).first()
            done = subscriber is not None and subscriber_unsubscribe(subscriber=subscriber, via="mailto")
            self.stdout.write(f"{email}: {'unsubscribed' if done else 'not subscribed (nothing to do)'}")
