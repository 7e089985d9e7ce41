import pytest

from art28.core.roles import Role
from tests.conftest import logged_in
from tests.records.fixtures import records_world  # noqa: F401  (fixtures)
from tests.residency.fixtures import inventory  # noqa: F401
from tests.subprocessors.fixtures import sp_world  # noqa: F401


@pytest.fixture
def dpo_client(records_world):  # noqa: F811
    return logged_in(records_world.dpo)


@pytest.fixture
def security_client(records_world):  # noqa: F811
    return logged_in(records_world.security)


@pytest.fixture
def acme_admin(make_user, records_world):  # noqa: F811
    return make_user("alice@acme.example", Role.CUSTOMER_ADMIN, records_world.acme)


@pytest.fixture
def acme_viewer(make_user, records_world):  # noqa: F811
    return make_user("victor@acme.example", Role.CUSTOMER_VIEWER, records_world.acme)


@pytest.fixture
def beta_admin_client(records_world):  # noqa: F811
    from art28.core.models import User

    return logged_in(User.objects.get(email="records-beta-admin@beta.example"))
