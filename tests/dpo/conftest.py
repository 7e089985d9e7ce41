"""The DPO desk's fixtures: staff of each role, a way to file a request as the public form does, and the
real SMTP peer of the outbox tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from art28.core.roles import Role
from art28.core.services import api_token_create
from art28.dpo.models import Request
from art28.dpo.services import request_submit
from tests.conftest import TEST_ACTOR, logged_in
from tests.notify.conftest import SmtpServer, smtp_down, smtp_server  # noqa: F401 (fixtures)


@pytest.fixture
def dpo_user(make_user):
    return make_user("dpo@provider.example", Role.DPO)


@pytest.fixture
def dpo_client(dpo_user) -> Client:
    return logged_in(dpo_user)


@pytest.fixture
def security_user(make_user):
    return make_user("sec@provider.example", Role.SECURITY)


def token_client(user) -> Client:
    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def submit(db) -> Callable[..., Request]:
    """File a request as the contact form does; ``days_ago`` moves its receipt into the past. By default
    about the provider's own processing (the provider owes the legal deadline); pass
    ``controller_kind="customer"`` or ``"unknown"`` for the others."""

    def make(*, days_ago: int = 0, received_at: dt.datetime | None = None, **fields) -> Request:
        values = {
            "kind": "access",
            "name": "Petra Muster",
            "email": "petra@example.net",
            "country": "CH",
            "language": "de",
            "message": "Welche Daten haben Sie über mich?",
            "concerns": "shop.acme.example",
            "controller_kind": "provider",
        } | fields
        received_at = received_at or timezone.now() - dt.timedelta(days=days_ago)
        return request_submit(received_at=received_at, **values)

    return make


def at_noon(day: dt.date) -> dt.datetime:
    """Noon of ``day`` in the desk's time zone: a receipt time whose local day is ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def today_is(monkeypatch) -> Callable[[dt.date], None]:
    """Sets the day that the desk's pages, forms and services take as today (``timezone.localdate()``
    without an argument); a local date of a given time is still computed for real."""
    real_localdate = timezone.localdate

    def set_today(day: dt.date) -> None:
        def localdate(value=None, timezone=None):
            return day if value is None else real_localdate(value, timezone)

        monkeypatch.setattr(timezone, "localdate", localdate)

    return set_today
