import pytest

from tests.portal.fixtures import TwoCustomers, build_two_customers


@pytest.fixture
def two_customers(org_a, org_b) -> TwoCustomers:
    return build_two_customers(org_a, org_b)
