"""The public trust center page (S4, S10): what a visitor reads, in EN, FR, DE and IT, without logging in."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.trust.conftest import add_subprocessor

pytestmark = pytest.mark.django_db

# The FAQ of the provider's page, rewritten for the configured provider, in each language.
FAQ_FIRST_QUESTION = {
    "en": "Am I compliant with the GDPR when I use the services of Example Hosting SA?",
    "fr": "Suis-je en conformité avec le RGPD lorsque j'utilise les services de Example Hosting SA ?",
    "de": "Bin ich DSGVO-konform, wenn ich die Dienste von Example Hosting SA nutze?",
    "it": "Sono conforme al GDPR quando utilizzo i servizi di Example Hosting SA?",
}
# The DPO heading speaks for art28's Swiss provider: nFADP Art. 10's title (tests/i18n/test_terminology.py).
HEADINGS = {
    "en": ("Trust center", "Sub-processors", "Upcoming changes", "Data protection officer"),
    "fr": (
        "Centre de confiance",
        "Sous-traitants ultérieurs",
        "Changements à venir",
        "Conseiller/conseillère à la protection des données",
    ),
    "de": ("Trust Center", "Unterauftragsbearbeiter", "Bevorstehende Änderungen", "Datenschutzberater/in"),
    "it": (
        "Centro di fiducia",
        "Sub-responsabili del trattamento",
        "Modifiche in arrivo",
        "Consulente per la protezione dei dati",
    ),
}
SWITZERLAND = {"en": "Switzerland", "fr": "Suisse", "de": "Schweiz", "it": "Svizzera"}


@pytest.fixture(autouse=True)
def _provider(settings):
    settings.ART28_PROVIDER_NAME = "Example Hosting SA"
    settings.ART28_DPO_NAME = "Anna Muster"
    settings.ART28_DPO_EMAIL = "dpo@example-hosting.ch"


@pytest.mark.parametrize("language", ["en", "fr", "de", "it"])
def test_the_page_in_each_language_from_the_url(client: Client, register, announce, language):
    announce()
    response = client.get(f"/{language}/trust/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert response["Content-Language"] == language
    for heading in HEADINGS[language]:
        assert heading in html, heading
    assert FAQ_FIRST_QUESTION[language] in html
    assert f"{SWITZERLAND[language]} (CH)" in html
    # The other languages' questions are not on the page.
    assert not [q for lang, q in FAQ_FIRST_QUESTION.items() if lang != language and q in html]


@pytest.mark.parametrize(("accept", "language"), [("fr-CH,fr;q=0.9", "fr"), ("de-CH", "de"), ("it", "it"), ("", "en")])
def test_the_unprefixed_page_follows_the_browser_and_says_it_varies(client: Client, register, accept, language):
    response = client.get("/trust/", HTTP_ACCEPT_LANGUAGE=accept)
    assert FAQ_FIRST_QUESTION[language] in response.content.decode()
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_the_language_links_need_no_javascript(client: Client, register):
    html = client.get("/de/trust/").content.decode()
    for code in ("en", "fr", "de", "it"):
        assert f'href="/{code}/trust/" hreflang="{code}"' in html
    assert 'hreflang="fr" href="http://127.0.0.1:8000/fr/trust/"' in html
    assert "<script" not in html


def test_the_register_shows_every_public_field_and_the_chain(client: Client, register):
    html = client.get("/en/trust/").content.decode()
    assert "Cloud Infra SA" in html and "Virtual machines for the web hosting" in html
    assert "https://cloud.example" in html and "Cloudstrasse 1<br>8000 Zürich" in html
    assert "contact, usage" in html
    assert "Web hosting" in html
    assert "United States (US)" in html and "SCC with the Swiss addendum" in html
    # The chain (Art. 28(4)) both ways.
    cloud_card = html.split('id="sp-cloud"')[1].split("</article>")[0]
    assert 'href="#sp-backup">Backup Vault AG</a>' in cloud_card
    backup_card = html.split('id="sp-backup"')[1].split("</article>")[0]
    assert 'href="#sp-cloud">Cloud Infra SA</a>' in backup_card


def test_a_private_contact_is_never_shown(client: Client, register):
    for path in ("/trust/", "/fr/trust/", "/trust/subprocessors.json", "/trust/subprocessors.atom"):
        body = client.get(path).content.decode()
        assert "private.person@cloud.example" not in body and "Private Person" not in body, path
        assert "dpo@cdn.example" not in body, path


def test_a_sub_processor_not_in_use_is_not_listed(client: Client, register):
    add_subprocessor("future", in_use=False, legal_name="Future Systems SA")
    assert "Future Systems SA" not in client.get("/en/trust/").content.decode()


def test_datacenters_dpo_policies_and_upcoming_changes(client: Client, register, announce):
    change = announce("newco", legal_name="New Company SA", countries="CH;DE")
    html = client.get("/en/trust/").content.decode()
    assert "<td>GVA1</td>" in html and "<td>FRA1</td>" in html
    assert 'href="#sp-colo">Colo GmbH</a>' in html  # the colocation operator is a sub-processor
    assert "Anna Muster" in html and "mailto:dpo@example-hosting.ch" in html
    assert 'id="policies"' in html and "No policy has been published yet." in html  # tests/legal: the real list
    card = html.split(f'id="change-{change.pk}"')[1].split("</article>")[0]
    assert "New sub-processor: New Company SA" in card
    assert change.effective_on is not None
    assert "Effective on" in card and str(change.effective_on.year) in card
    assert "Germany (DE)" in card


def test_the_subscribe_form_is_on_the_page_without_a_csrf_token(client: Client, register):
    html = client.get("/fr/trust/").content.decode()
    assert 'action="/fr/trust/subscribe/"' in html
    assert 'name="website"' in html  # the honeypot
    assert "csrfmiddlewaretoken" not in html


def test_the_page_is_the_same_for_a_logged_in_customer(client_a, client: Client, register):
    """Cached whole: nothing on it depends on who asks."""
    anonymous = client.get("/en/trust/").content
    assert client_a.get("/en/trust/").content == anonymous
    assert b"alice@acme.example" not in anonymous


def test_the_page_costs_a_fixed_number_of_queries(client: Client, register, django_assert_max_num_queries):
    """No query per row: 3 more sub-processors with services, a chain and sites cost no more queries."""
    with django_assert_max_num_queries(19) as small:  # +2: storefront profile, certifications; +3: physical security
        client.get("/en/trust/")
    for index in range(3):
        add_subprocessor(f"more{index}", services=["Mail"], engaged_by="cloud", sites=["GVA1"])
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/en/trust/").content.decode()
    assert "More2 AG" in html


def test_security_txt_link_and_section(client: Client, register, settings):
    settings.ART28_SECURITY_CONTACT = "security@example-hosting.ch"
    html = client.get("/en/trust/").content.decode()
    assert 'id="security"' in html and 'href="mailto:security@example-hosting.ch"' in html
