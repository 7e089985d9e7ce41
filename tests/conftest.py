"""Shared fixtures: organisations, users of every role, logged-in clients, a signing key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.evidence import Collected, collector
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.core.services import organisation_create, user_create

TEST_ACTOR = SystemActor("pytest")
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_hashing_and_no_mfa_by_default(settings: pytest.FixtureRequest) -> None:
    # Argon2 is slow on purpose; tests of login flows do not need that cost. MFA has its own tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ART28_STAFF_MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A view may activate the user's language for the rest of the request's thread (the portal does):
    in tests the next test runs in the same thread, so each test ends back on the default language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def signing_key(settings, tmp_path: Path) -> Path:
    """A fresh Ed25519 key for this test, in place of the provider's."""
    from art28.core.signing import signing_key_create

    path = tmp_path / "signing-key.pem"
    settings.ART28_SIGNING_KEY_FILE = path
    signing_key_create(path)
    return path


@pytest.fixture
def make_org(db) -> Callable[..., Organisation]:
    def make(ref: str, **fields) -> Organisation:
        fields.setdefault("name", f"Customer {ref}")
        return organisation_create(actor=TEST_ACTOR, ref=ref, **fields)

    return make


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(email: str, role: Role | str, organisation: Organisation | None = None) -> User:
        return user_create(actor=TEST_ACTOR, email=email, role=role, password=PASSWORD, organisation=organisation)

    return make


@pytest.fixture
def org_a(make_org) -> Organisation:
    return make_org("ACME", name="Acme Sàrl", language="fr", privacy_email="privacy@acme.example")


@pytest.fixture
def org_b(make_org) -> Organisation:
    return make_org("BETA", name="Beta AG", language="de", privacy_email="dsb@beta.example")


@pytest.fixture
def customer_a(make_user, org_a) -> User:
    return make_user("alice@acme.example", Role.CUSTOMER_ADMIN, org_a)


@pytest.fixture
def customer_b(make_user, org_b) -> User:
    return make_user("bob@beta.example", Role.CUSTOMER_VIEWER, org_b)


@pytest.fixture
def staff_user(make_user) -> User:
    return make_user("ops@provider.example", Role.OPERATIONS)


@pytest.fixture
def auditor(make_user) -> User:
    return make_user("auditor@provider.example", Role.AUDITOR)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def client_a(customer_a) -> Client:
    return logged_in(customer_a)


@pytest.fixture
def client_b(customer_b) -> Client:
    return logged_in(customer_b)


@pytest.fixture
def staff_client(staff_user) -> Client:
    return logged_in(staff_user)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: the trust center caches whole pages between requests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """``with clock(moment):`` — timezone.now() is ``moment`` inside the block (the evidence collectors
    read "now" to leave out what has not happened yet)."""

    @contextmanager
    def at(moment: dt.datetime) -> Iterator[None]:
        with monkeypatch.context() as patch:
            patch.setattr(timezone, "now", lambda: moment)
            yield

    return at


def run_collector(key: str, since: dt.datetime, until: dt.datetime) -> list[Collected]:
    """The registered evidence collector ``key`` over ``[since, until)`` (core.evidence)."""
    found = collector(key)
    assert found is not None, f"no evidence collector {key!r} registered"
    return list(found.collect(since, until))
