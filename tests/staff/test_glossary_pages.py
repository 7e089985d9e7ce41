"""/staff/glossary/: every staff role reads the glossary of data categories, the DPO and administrators
change it; each change is audited, bad input changes nothing, and the terms in use that the glossary lacks
are listed with a prefilled "add to glossary"."""

from __future__ import annotations

import pytest

from art28.core.glossary import data_category_create
from art28.core.models import AuditEntry, CategoryKind, DataCategory
from art28.core.roles import Role
from tests.conftest import TEST_ACTOR, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(make_user):
    return logged_in(make_user("dpo@provider.example", Role.DPO))


@pytest.fixture
def contact(db):
    return data_category_create(
        actor=TEST_ACTOR,
        kind=CategoryKind.DATA,
        name="contact",
        name_i18n={"fr": "coordonnées"},
        aliases="contact data",
    )


def _form(**fields: str) -> dict[str, str]:
    return {
        "kind": "data",
        "name": "",
        "name__fr": "",
        "name__de": "",
        "name__it": "",
        "description": "",
        "description__fr": "",
        "description__de": "",
        "description__it": "",
        "aliases": "",
        **fields,
    }


def test_the_list_shows_missing_translations_and_terms_in_use_but_not_in_the_glossary(dpo, two_customers, contact):
    html = dpo.get("/staff/glossary/").content.decode()

    assert "coordonnées" in html and "missing" in html
    # two_customers stores "contact;customers", "documents", "patients": all but "contact" are missing.
    unlisted = html.split('id="unlisted"')[1]
    assert "documents" in unlisted and "patients" in unlisted and ">contact<" not in unlisted
    assert "/staff/glossary/new/?kind=data&amp;name=documents" in unlisted


def test_the_add_link_prefills_the_form(dpo):
    html = dpo.get("/staff/glossary/new/?kind=subjects&name=job+applicants").content.decode()

    assert 'value="job applicants"' in html and '<option value="subjects" selected>' in html


def test_a_dpo_adds_edits_and_removes_a_term_each_audited(dpo):
    response = dpo.post("/staff/glossary/new/", _form(name="orders", name__fr="commandes", aliases="Order"))
    assert response.status_code == 302
    entry = DataCategory.objects.get(name="orders")
    assert entry.name_i18n == {"fr": "commandes"} and entry.aliases == "Order"

    response = dpo.post(
        f"/staff/glossary/{entry.pk}/", _form(name="orders", name__fr="commandes", name__it="ordinazioni")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name_i18n == {"fr": "commandes", "it": "ordinazioni"} and entry.aliases == ""

    assert dpo.post(f"/staff/glossary/{entry.pk}/delete/").status_code == 302
    assert not DataCategory.objects.exists()
    actions = list(AuditEntry.objects.filter(action__startswith="data_category.").values_list("action", flat=True))
    assert actions == ["data_category.create", "data_category.update", "data_category.delete"]


def test_bad_input_is_shown_on_the_form_and_changes_nothing(dpo, contact):
    before = (list(DataCategory.objects.values()), AuditEntry.objects.count())

    response = dpo.post("/staff/glossary/new/", _form(name="Contact"))
    html = response.content.decode()
    assert response.status_code == 400 and "already in this glossary" in html
    response = dpo.post("/staff/glossary/new/", _form(name="phone", aliases="CONTACT data"))
    assert response.status_code == 400 and "Already a term or alias of another entry" in response.content.decode()

    assert (list(DataCategory.objects.values()), AuditEntry.objects.count()) == before


def test_a_term_in_use_is_not_removed(dpo, two_customers, contact):
    response = dpo.post(f"/staff/glossary/{contact.pk}/delete/", follow=True)

    assert "in use" in response.content.decode()
    assert DataCategory.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.SECURITY, Role.AUDITOR])
def test_other_staff_read_but_do_not_write(make_user, role, contact):
    client = logged_in(make_user(f"{role}@provider.example", role))

    html = client.get("/staff/glossary/").content.decode()
    assert "contact" in html and "/staff/glossary/new/" not in html
    assert client.get("/staff/glossary/new/").status_code == 403
    assert client.post("/staff/glossary/new/", _form(name="orders")).status_code == 403
    assert client.post(f"/staff/glossary/{contact.pk}/delete/").status_code == 403
    assert DataCategory.objects.count() == 1


def test_customers_do_not_see_the_glossary_pages(client_a):
    assert client_a.get("/staff/glossary/").status_code == 403
