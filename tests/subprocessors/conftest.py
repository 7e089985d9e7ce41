import pytest

from art28.core.roles import Role
from tests.conftest import logged_in
from tests.residency.fixtures import inventory  # noqa: F401
from tests.subprocessors.fixtures import sp_world  # noqa: F401  (fixtures)


@pytest.fixture
def dpo_user(make_user):
    return make_user("dpo@provider.example", Role.DPO)


@pytest.fixture
def dpo_client(dpo_user):
    return logged_in(dpo_user)


@pytest.fixture
def acme_admin(make_user, sp_world):  # noqa: F811
    return make_user("alice@acme.example", Role.CUSTOMER_ADMIN, sp_world.acme)


@pytest.fixture
def beta_admin(make_user, sp_world):  # noqa: F811
    return make_user("bob@beta.example", Role.CUSTOMER_ADMIN, sp_world.beta)


@pytest.fixture
def beta_viewer(make_user, sp_world):  # noqa: F811
    return make_user("vera@beta.example", Role.CUSTOMER_VIEWER, sp_world.beta)


@pytest.fixture
def gamma_admin(make_user, sp_world):  # noqa: F811
    return make_user("gina@gamma.example", Role.CUSTOMER_ADMIN, sp_world.gamma)
