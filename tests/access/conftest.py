"""One shared world for the whole role-table matrix, built once per module inside a transaction that is
rolled back at the end; each test runs in a savepoint of it (pytest-django's ``db``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.access.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    from art28.core.signing import signing_key_create

    key = tmp_path_factory.mktemp("access") / "signing-key.pem"
    signing_key_create(key)
    with (
        override_settings(
            ART28_SIGNING_KEY_FILE=key,
            ART28_STAFF_MFA_REQUIRED=False,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)
