"""Customers read the data categories in their language from the glossary (core.glossary): a term without
a translation (or outside the glossary) in English with a visible "not available in <language>" marker.
The public register's JSON keeps the English list and adds ``data_categories_i18n``."""

from __future__ import annotations

import json

import pytest

from art28.core.glossary import data_category_create
from art28.core.models import CategoryKind
from art28.core.roles import Role
from tests.conftest import TEST_ACTOR, logged_in
from tests.records.fixtures import records_world  # noqa: F401  (fixtures)
from tests.residency.fixtures import inventory  # noqa: F401
from tests.subprocessors.fixtures import sp_world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def glossary(db):
    data_category_create(
        actor=TEST_ACTOR,
        kind=CategoryKind.DATA,
        name="contact",
        name_i18n={"fr": "coordonnées", "de": "Kontaktdaten", "it": "dati di contatto"},
    )
    data_category_create(
        actor=TEST_ACTOR, kind=CategoryKind.DATA, name="documents", name_i18n={"fr": "documents", "de": "Dokumente"}
    )


def _residency_table(html: str) -> str:
    return html.split('id="placements"')[1].split('id="flows"')[0]


def test_a_french_customer_reads_the_french_terms(client_a, customer_a, two_customers, glossary):
    customer_a.language = "fr"
    customer_a.save()
    table = _residency_table(client_a.get("/portal/").content.decode())

    assert "coordonnées" in table and ">documents<" in table
    # "customers" is in no glossary: English, marked, never passed off as French.
    assert '<span lang="en">customers</span> <span class="untranslated" lang="fr">' in table


def test_an_italian_customer_reads_english_marked_where_italian_is_missing(make_org, make_user, glossary):
    from tests.portal.fixtures import build_two_customers

    italian = make_org("ITAL", name="Italia SA", language="it")
    other = make_org("OTHER", name="Other AG", language="de")
    build_two_customers(italian, other)
    luca = make_user("luca@italia.example", Role.CUSTOMER_VIEWER, italian)
    luca.language = "it"
    luca.save()
    client = logged_in(luca)

    table = _residency_table(client.get("/portal/").content.decode())

    assert "dati di contatto" in table
    assert '<span lang="en">documents</span> <span class="untranslated" lang="it">' in table


def test_the_page_reads_the_glossary_once_however_many_placements(client_a, two_customers, glossary):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client_a.get("/portal/")
    assert sum('"core_datacategory"' in q["sql"] for q in queries.captured_queries) == 1


def test_the_public_json_keeps_english_and_adds_the_translations(client, glossary):
    from tests.trust.conftest import add_subprocessor

    add_subprocessor("mailer", data_categories="Contact;documents;shoe sizes")

    document = json.loads(client.get("/trust/subprocessors.json").content)
    (row,) = [sp for sp in document["subprocessors"] if sp["id"] == "mailer"]

    assert row["data_categories"] == ["contact", "documents", "shoe sizes"]  # "Contact": the glossary's term
    assert row["data_categories_i18n"] == {
        "contact": {"en": "contact", "fr": "coordonnées", "de": "Kontaktdaten", "it": "dati di contatto"},
        "documents": {"en": "documents", "fr": "documents", "de": "Dokumente"},
        "shoe sizes": {"en": "shoe sizes"},
    }


def test_the_trust_center_lists_the_categories_in_the_page_language(client, glossary):
    from tests.trust.conftest import add_subprocessor

    add_subprocessor("mailer", data_categories="contact;documents")

    html = client.get("/it/trust/").content.decode()

    assert "dati di contatto" in html and '<span lang="en">documents</span>' in html


def test_the_art_30_2_record_lists_the_categories_in_the_customers_language(records_world, make_user):  # noqa: F811
    """GDPR Art. 30(2)(b): the record generated for the customer names the categories of processing in
    its language (the PDF is rendered in the organisation's language the same way)."""
    data_category_create(actor=TEST_ACTOR, kind=CategoryKind.DATA, name="invoices", name_i18n={"fr": "factures"})
    viewer = make_user("victor@acme.example", Role.CUSTOMER_VIEWER, records_world.acme)
    viewer.language = "fr"
    viewer.save()

    html = logged_in(viewer).get("/portal/records/").content.decode()

    assert "factures" in html
    assert '<span lang="en">contact</span> <span class="untranslated" lang="fr">' in html


def test_a_glossary_change_refreshes_the_cached_trust_center(client, glossary, django_capture_on_commit_callbacks):
    from tests.trust.conftest import add_subprocessor

    add_subprocessor("mailer", data_categories="documents")
    assert "Dokumente" in client.get("/de/trust/").content.decode()

    from art28.core.glossary import data_category_update
    from art28.core.models import DataCategory

    entry = DataCategory.objects.get(name="documents")
    with django_capture_on_commit_callbacks(execute=True):
        data_category_update(actor=TEST_ACTOR, category=entry, name_i18n={"de": "Unterlagen"})

    assert "Unterlagen" in client.get("/de/trust/").content.decode()
