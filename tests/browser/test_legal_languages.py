"""In a real Chromium (issue 11 item 2, GDPR Art. 28(9)): a customer administrator whose language is French
reads the terms in French in the trust center and in the portal (the English text is not shown), sees
the Italian page mark the text as not available in Italian, and accepts the version in French: the
acceptance records the French text."""

from __future__ import annotations

import hashlib
import os

import pytest
from playwright.sync_api import expect, sync_playwright

from art28.core.models import User
from art28.legal.models import Acceptance, DocumentKind
from art28.legal.services import version_draft, version_publish
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD, TEST_ACTOR
from tests.legal.conftest import new_document, today

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ENGLISH = "We answer every support request within two working days."
FRENCH = "Nous répondons à chaque demande de support dans les deux jours ouvrables."
GERMAN = "Wir beantworten jede Support-Anfrage innert zwei Arbeitstagen."


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_french_customer_reads_and_accepts_the_french_text(live_server, customer_a):
    User.objects.filter(pk=customer_a.pk).update(language="fr")
    terms = new_document("terms", DocumentKind.TERMS)
    terms.title_i18n = {"fr": "Conditions générales"}
    terms.save()
    draft = version_draft(
        actor=TEST_ACTOR,
        document=terms,
        body=f"# Terms\n\n{ENGLISH}\n",
        body_i18n={"fr": f"# Conditions\n\n{FRENCH}\n", "de": f"# Bedingungen\n\n{GERMAN}\n"},
    )
    version_publish(actor=TEST_ACTOR, version=draft, effective_on=today())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="fr-CH").new_page()

            # The trust center, in the reader's language: the French text, not the English one.
            page.goto(f"{live_server.url}/trust/policies/terms/")
            assert page.locator("h1").first.text_content() == "Conditions générales"
            expect(page.get_by_text(FRENCH)).to_be_visible()
            assert page.get_by_text(ENGLISH).count() == 0
            page.locator("p.text-languages a[hreflang=de]").click()
            page.wait_for_url(f"{live_server.url}/de/trust/policies/terms/")
            expect(page.get_by_text(GERMAN)).to_be_visible()
            # Italian has no text: the English one, visibly marked.
            page.goto(f"{live_server.url}/it/trust/policies/terms/")
            expect(page.get_by_text(ENGLISH)).to_be_visible()
            expect(page.locator(".untranslated[lang=it]").first).to_be_visible()

            # The portal, in the user's language: read version 1 in French and accept it.
            page.goto(f"{live_server.url}/portal/documents/")
            page.locator("input[name=login]").fill(customer_a.email)
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/portal/documents/")
            page.locator("a[href='/portal/documents/terms/v1/']").first.click()
            page.wait_for_url(f"{live_server.url}/portal/documents/terms/v1/")
            assert page.locator("html").get_attribute("lang") == "fr"
            expect(page.get_by_text(FRENCH)).to_be_visible()
            assert page.get_by_text(ENGLISH).count() == 0
            page.locator("form.actions button").click()
            page.wait_for_url(f"{live_server.url}/portal/documents/")
        finally:
            browser.close()
    acceptance = Acceptance.objects.get()
    assert acceptance.language == "fr"
    assert acceptance.text_sha256 == hashlib.sha256(f"# Conditions\n\n{FRENCH}".encode()).hexdigest()
