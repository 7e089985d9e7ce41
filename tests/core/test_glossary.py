"""The glossary of data categories: mapping free text to terms, the staff services and their audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from art28.core.glossary import (
    CategoryMapper,
    GlossaryTexts,
    canonical_categories,
    categories_not_in_glossary,
    data_category_create,
    data_category_delete,
    data_category_update,
    glossary_names,
)
from art28.core.models import AuditEntry, CategoryKind, DataCategory
from art28.inventory.models import Asset, AssetKind, Placement
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db
DATA, SUBJECTS = CategoryKind.DATA, CategoryKind.SUBJECTS


@pytest.fixture
def mail():
    return data_category_create(
        actor=TEST_ACTOR,
        kind=DATA,
        name="e-mail addresses",
        name_i18n={"fr": "adresses e-mail", "de": "E-Mail-Adressen"},
        aliases="email addresses; E-Mail  Address",
    )


def test_names_and_aliases_map_to_the_term_whatever_the_case_and_spacing(mail):
    mapped, unknown = canonical_categories("  EMAIL   addresses ;e-mail address;E-Mail Addresses", DATA)

    assert mapped == ["e-mail addresses"]
    assert unknown == []


def test_a_term_not_in_the_glossary_is_kept_as_given_and_reported(mail):
    mapped, unknown = canonical_categories(["email addresses", " Shoe sizes "], DATA)

    assert mapped == ["Shoe sizes", "e-mail addresses"]
    assert unknown == ["Shoe sizes"]


def test_the_glossaries_are_separate(mail):
    assert canonical_categories("email addresses", SUBJECTS) == (["email addresses"], ["email addresses"])


def test_a_mapper_reads_the_glossary_once_for_any_number_of_lists(mail, django_assert_num_queries):
    with django_assert_num_queries(1):
        mapper = CategoryMapper()
        for index in range(200):
            assert mapper.stored(f"email addresses;other {index % 3}", DATA) == f"e-mail addresses;other {index % 3}"
    assert mapper.unknown[DATA] == {"other 0", "other 1", "other 2"}


def test_create_writes_an_audit_entry_and_cleans_the_aliases(mail):
    entry = AuditEntry.objects.get(action="data_category.create")

    assert mail.aliases == "E-Mail Address;email addresses"
    assert entry.after["name_i18n"] == {"de": "E-Mail-Adressen", "fr": "adresses e-mail"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "E-MAIL addresses"}, "name"),  # the same term, another case
        ({"name": "email addresses"}, "name"),  # an alias of another entry
        ({"name": "postal addresses", "aliases": "EMAIL addresses"}, "aliases"),
        ({"name": "a;b"}, "name"),
        ({"name": ""}, "name"),
        ({"name": "postal addresses", "name_i18n": {"es": "direcciones"}}, "name_i18n"),
        ({"name": "postal addresses", "kind": "pets"}, "kind"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(mail, fields, field):
    before = (DataCategory.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        data_category_create(actor=TEST_ACTOR, **{"kind": DATA, **fields})

    assert field in caught.value.message_dict
    assert (DataCategory.objects.count(), AuditEntry.objects.count()) == before


def test_update_is_audited_with_the_changed_fields_only(mail):
    data_category_update(actor=TEST_ACTOR, category=mail, name_i18n={"fr": "adresses e-mail", "it": "indirizzi e-mail"})

    entry = AuditEntry.objects.filter(action="data_category.update").get()
    assert set(entry.after) == {"name_i18n"}
    assert DataCategory.objects.get().name_i18n == {"fr": "adresses e-mail", "it": "indirizzi e-mail"}


def _placement(org, categories: str) -> Placement:
    asset = Asset.objects.create(ref=f"vol-{Placement.objects.count()}", kind=AssetKind.VOLUME)
    return Placement.objects.create(customer=org, asset=asset, data_categories=categories)


def test_a_term_in_use_is_neither_deleted_nor_renamed(mail, org_a):
    _placement(org_a, "contact details;e-mail addresses")
    audit = AuditEntry.objects.count()

    with pytest.raises(ValidationError, match="1 placements") as caught:
        data_category_delete(actor=TEST_ACTOR, category=mail)
    assert "name" in caught.value.message_dict
    for name in ("mail addresses", "E-mail addresses"):  # the stored lists hold the exact name
        with pytest.raises(ValidationError):
            data_category_update(actor=TEST_ACTOR, category=mail, name=name)
    with pytest.raises(ValidationError) as caught:
        data_category_update(actor=TEST_ACTOR, category=mail, kind=SUBJECTS)
    assert "kind" in caught.value.message_dict
    data_category_update(actor=TEST_ACTOR, category=mail, aliases="mail")  # the rest may change

    assert DataCategory.objects.get().name == "e-mail addresses"
    assert AuditEntry.objects.count() == audit + 1


def test_an_unused_term_is_deleted_with_an_audit_entry(mail):
    data_category_delete(actor=TEST_ACTOR, category=mail)

    assert not DataCategory.objects.exists()
    assert AuditEntry.objects.filter(action="data_category.delete").get().before["name"] == "e-mail addresses"


def test_terms_in_use_but_not_in_the_glossary_are_listed_once(mail, org_a):
    _placement(org_a, "contact details;email addresses")
    _placement(org_a, "contact details")

    unlisted = categories_not_in_glossary()

    assert [(u.kind, u.term, u.where) for u in unlisted] == [("data", "contact details", ["placements"])]


def test_names_in_a_language_and_the_plain_text_of_a_notice(mail):
    names = glossary_names(DATA, "fr")
    assert names["e-mail addresses"].text == "adresses e-mail"
    assert glossary_names(DATA, "it")["e-mail addresses"].missing

    texts = GlossaryTexts()
    italian = texts.text("e-mail addresses;logs", DATA, "it")  # the marker in Italian, from the catalogue
    assert italian.startswith("e-mail addresses (") and "; logs (" in italian and "taliano)" in italian
    assert texts.text("e-mail addresses", DATA, "fr") == "adresses e-mail"
    assert texts.text("E-Mail  Addresses", DATA, "fr") == "adresses e-mail"  # stored before the glossary
