"""Breach tests: the inventory of fixtures.py, staff of every role, and a declared incident."""

from __future__ import annotations

import pytest

from art28.core.roles import Role
from tests.breaches.fixtures import breach_world  # noqa: F401
from tests.conftest import logged_in
from tests.residency.fixtures import inventory  # noqa: F401


@pytest.fixture
def security_user(make_user):
    return make_user("security@provider.example", Role.SECURITY)


@pytest.fixture
def dpo_user(make_user):
    return make_user("dpo@provider.example", Role.DPO)


@pytest.fixture
def security_client(security_user):
    return logged_in(security_user)


@pytest.fixture
def dpo_client(dpo_user):
    return logged_in(dpo_user)
