import datetime as dt

import pytest
from django.utils import timezone

from art28.core.roles import Role
from art28.legal.models import Document, DocumentKind, DocumentVersion
from art28.legal.services import document_accept, document_create, version_draft, version_publish
from tests.conftest import TEST_ACTOR, logged_in
from tests.notify.conftest import smtp_down, smtp_server  # noqa: F401  (fixtures)


def today() -> dt.date:
    return timezone.localdate()


def new_document(slug: str = "terms", kind: str = DocumentKind.TERMS, *, accept: bool | None = None) -> Document:
    title = {"terms": "Terms and conditions", "cookies": "Cookie policy"}.get(slug, slug.title())
    requires = accept if accept is not None else kind in (DocumentKind.TERMS, DocumentKind.DPA)
    return document_create(actor=TEST_ACTOR, slug=slug, kind=kind, title=title, requires_acceptance=requires)


def publish(document: Document, body: str, *, on: dt.date | None = None, summary: str = "") -> DocumentVersion:
    version = version_draft(actor=TEST_ACTOR, document=document, body=body, change_summary=summary)
    return version_publish(actor=TEST_ACTOR, version=version, effective_on=on or today())


def accept(user, version: DocumentVersion):
    return document_accept(actor=user, organisation=user.organisation, version=version)


@pytest.fixture
def dpo_user(make_user):
    return make_user("dpo@provider.example", Role.DPO)


@pytest.fixture
def dpo_client(dpo_user):
    return logged_in(dpo_user)


@pytest.fixture
def viewer_a(make_user, org_a):
    return make_user("victor@acme.example", Role.CUSTOMER_VIEWER, org_a)


@pytest.fixture
def admin_b(make_user, org_b):
    return make_user("berta@beta.example", Role.CUSTOMER_ADMIN, org_b)
