"""Fixtures for the portal tests; the data itself is built in tests/portal/fixtures.py."""

from __future__ import annotations

import pytest

from tests.portal.fixtures import TwoCustomers, build_two_customers


@pytest.fixture
def two_customers(org_a, org_b) -> TwoCustomers:
    return build_two_customers(org_a, org_b)
