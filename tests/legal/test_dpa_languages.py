"""The DPA's annexes in the DPA's language (GDPR Art. 28(3), nFADP Art. 9; Art. 12(1): in clear and plain
language the customer reads): a French customer's DPA names its services, the sub-processors' purposes
and its data categories in French (the services' names, the register's texts and the glossary), and a
text without French is the English one, marked "non disponible en français" (lower case inside the
sentence, as French writes it)."""

from __future__ import annotations

import pytest

from art28.core.glossary import data_category_create
from art28.core.models import CategoryKind
from art28.inventory.models import Placement, Service
from art28.inventory.services import service_texts_update
from art28.legal.dpa import dpa_for
from art28.legal.models import DocumentKind
from art28.subprocessors.services import subprocessor_update
from tests.conftest import TEST_ACTOR
from tests.legal.conftest import new_document, publish
from tests.legal.dpa_text import dpa_text
from tests.residency.fixtures import inventory  # noqa: F401  (fixtures)
from tests.subprocessors.fixtures import WEB, sp_world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_customer(sp_world):  # noqa: F811
    """Acme (French) has its data on Web hosting, for which Helvetia Helpdesk handles support tickets."""
    publish(new_document("dpa", DocumentKind.DPA), dpa_text())  # English only
    service_texts_update(
        actor=TEST_ACTOR,
        service=Service.objects.get(name=WEB),
        name_i18n={"fr": "Hébergement web", "de": "Webhosting", "it": "Hosting web"},
    )
    subprocessor_update(
        actor=TEST_ACTOR,
        subprocessor=sp_world.helpdesk,
        purpose_i18n={"fr": "Tickets de support", "de": "Support-Tickets", "it": "Ticket di assistenza"},
    )
    data_category_create(
        actor=TEST_ACTOR,
        kind=CategoryKind.DATA,
        name="contact details",
        name_i18n={"fr": "coordonnées", "de": "Kontaktdaten", "it": "dati di contatto"},
    )
    Placement.objects.filter(customer=sp_world.acme).update(data_categories="contact details;server logs")
    return sp_world.acme


def test_a_french_customers_dpa_names_services_purposes_and_categories_in_french(french_customer):
    html = dpa_for(french_customer).html
    assert "Hébergement web" in html and "Web hosting" not in html
    assert "Tickets de support" in html and "Support tickets" not in html
    assert "coordonnées" in html and "contact details" not in html
    # "server logs" is not in the glossary: the English term, marked in French.
    marker = '<span class="untranslated" lang="fr">non disponible en français</span>'
    assert f'<span lang="en">server logs</span> {marker}' in html
    # The context is made in the DPA's language too: the sub-processor's country in French.
    assert "Suisse (CH)" in html and "Switzerland (CH)" not in html


def test_the_same_customers_dpa_in_german_names_them_in_german(french_customer):
    html = dpa_for(french_customer, language="de").html
    assert "Webhosting" in html and "Support-Tickets" in html and "Kontaktdaten" in html
    assert "Hébergement web" not in html and "coordonnées" not in html
    # German writes a language's name capitalised inside a sentence too.
    assert '<span class="untranslated" lang="de">nicht verfügbar auf Deutsch</span>' in html


def test_the_note_on_the_dpas_language_writes_the_language_in_lower_case_in_french(french_customer):
    html = dpa_for(french_customer).html
    assert "il n&#x27;est pas disponible en français." in html or "il n'est pas disponible en français." in html
    assert "en Français" not in html
