"""Fake collectors for the engine's and the status's own tests (the real ones are tested in their apps):
registered for one test only, so that no other test sees them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pytest
from django.utils import timezone

from art28.core import evidence as registry
from art28.core.evidence import Collected
from art28.core.roles import Role
from art28.records.models import TechnicalMeasure
from tests.notify.conftest import smtp_down, smtp_server  # noqa: F401  (fixtures: the reminders' real SMTP peer)


@pytest.fixture
def register(monkeypatch) -> Callable[..., None]:
    """register(key, collect, valid_days=30): a collector known for this test only (the apps' real ones
    are set aside for it: they are tested in their own apps)."""
    monkeypatch.setattr(registry, "_REGISTRY", {})

    def add(key: str, collect: Callable[[dt.datetime, dt.datetime], Iterable[Collected]], valid_days: int = 30):
        registry.register_collector(key, title=f"the {key} collector", proves="a test", valid_days=valid_days)(collect)

    return add


@pytest.fixture
def measure(make_user) -> TechnicalMeasure:
    owner = make_user("owner@example-hosting.ch", Role.SECURITY)
    return TechnicalMeasure.objects.create(
        ref="tom-b-tenant-isolation",
        area="b",
        title="Tenant isolation",
        description="Per-customer VLANs.",
        owner=owner,
        review_every_days=180,
        next_review_on=timezone.localdate() + dt.timedelta(days=30),
    )


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
