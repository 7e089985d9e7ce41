"""A French customer, in a real Chromium, reads the portal in French (issue 11 item 2: a page is in the
user's language): the organisation's language is French, the user's interface language is French, the
browser asks for English. The customer reads

- a published version of the terms that has a French text: the French body, not the English one;
- a sub-processor's purpose in French on the portal's sub-processor page;
- a breach notice (GDPR Art. 33(2) / nFADP Art. 24(3)) in the inbox: its French text rendered as HTML
  (French headings, no ``==`` markup, no message id).

Each French string is checked visible and its English counterpart absent; every wait is an ``expect``."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from art28.breaches.decisions import incident_decide_notify
from art28.breaches.sending import notice_create, notice_send
from art28.breaches.services import incident_declare
from art28.core.models import User
from art28.core.roles import Role
from art28.legal.models import DocumentKind
from art28.legal.services import version_draft, version_publish
from art28.subprocessors.services import subprocessor_update
from tests.breaches.fixtures import hours_ago
from tests.browser.test_customer_portal import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD, TEST_ACTOR
from tests.legal.conftest import new_document, today
from tests.residency.fixtures import inventory  # noqa: F401  (fixtures)
from tests.subprocessors.fixtures import sp_world  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
SCREENSHOTS = os.environ.get("ART28_SCREENSHOTS", "")

TERMS_EN = "We answer every support request within two working days."
TERMS_FR = "Nous répondons à chaque demande de support dans les deux jours ouvrables."
TITLE_FR = "Conditions générales"
TITLE_EN = "Terms and conditions"

PURPOSE_EN = "Support tickets"
PURPOSE_FR = "Tickets de support des clients de l’hébergement web"

# The notice's headings as the catalogues give them (breaches/notice/body.txt), French and English.
HEADINGS = [
    ("Description des faits", "What happened"),
    ("Nature de la violation", "Nature of the breach"),
    ("Vos données concernées", "Your data concerned"),
    ("Mesures prises ou proposées", "Measures taken or proposed"),
]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _terms_in_french_and_english() -> None:
    terms = new_document("terms", DocumentKind.TERMS)
    terms.title_i18n = {"fr": TITLE_FR}
    terms.save()
    draft = version_draft(
        actor=TEST_ACTOR,
        document=terms,
        body=f"# Terms\n\n{TERMS_EN}\n",
        body_i18n={"fr": f"# Conditions\n\n{TERMS_FR}\n"},
    )
    version_publish(actor=TEST_ACTOR, version=draft, effective_on=today())


def _breach_notice_sent() -> str:
    """A breach at GVA1 (where Acme's data is), decided and its first notice sent with the default texts
    (each customer's in its language); returns the incident's reference."""
    incident = incident_declare(
        actor=TEST_ACTOR,
        title="Hypervisor escape on GVA1",
        aware_at=hours_ago(2),
        started_at=hours_ago(5),
        natures=["confidentiality"],
        sites=["GVA1"],
    )
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    notice = notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")
    notice_send(actor=TEST_ACTOR, notice=notice)
    return incident.ref


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/portal/")


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_a_french_customer_reads_the_terms_the_sub_processors_and_a_breach_notice_in_french(
    live_server,
    sp_world,  # noqa: F811
    make_user,
):
    acme = sp_world.acme
    assert acme.language == "fr"
    claire = make_user("claire@acme.example", Role.CUSTOMER_ADMIN, acme)
    User.objects.filter(pk=claire.pk).update(language="fr")
    _terms_in_french_and_english()
    subprocessor_update(actor=TEST_ACTOR, subprocessor=sp_world.helpdesk, purpose_i18n={"fr": PURPOSE_FR})
    ref = _breach_notice_sent()
    base = live_server.url

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The browser asks for English: the user's own language (French) wins in the portal.
            page = browser.new_context(locale="en-GB").new_page()
            _log_in(page, base, claire.email)
            expect(page.locator("html")).to_have_attribute("lang", "fr")

            # (a) The terms, version 1: the French title and body, not the English ones.
            page.goto(f"{base}/portal/documents/")
            page.locator("a[href='/portal/documents/terms/v1/']").first.click()
            page.wait_for_url(f"{base}/portal/documents/terms/v1/")
            main = page.locator("main")
            expect(page.locator("html")).to_have_attribute("lang", "fr")
            expect(main.get_by_text(TERMS_FR)).to_be_visible()
            expect(main.get_by_text(TERMS_EN)).to_have_count(0)
            expect(main.get_by_role("heading", name=TITLE_FR).first).to_be_visible()
            expect(main.get_by_text(TITLE_EN)).to_have_count(0)
            # What is accepted names the language as French writes it inside a sentence.
            expect(main).to_contain_text("le texte ci-dessus, en français (art. 28")
            expect(main).not_to_contain_text("en Français")
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/fr-terms.png", full_page=True)

            # (b) The sub-processors: the helpdesk's purpose in French, not the English one.
            page.goto(f"{base}/portal/subprocessors/")
            row = page.get_by_role("row").filter(has_text="Helvetia Helpdesk AG")
            expect(row.get_by_text(PURPOSE_FR)).to_be_visible()
            expect(row).not_to_contain_text(PURPOSE_EN)
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/fr-subprocessors.png", full_page=True)

            # (c) The breach notice in the inbox: its French subject, then its French text as HTML.
            page.goto(f"{base}/portal/inbox/")
            subject = page.get_by_role("link", name=re.compile(rf"violation de la sécurité des données {ref}"))
            expect(subject).to_be_visible()
            expect(page.locator("main")).not_to_contain_text("personal data breach")
            subject.click()
            page.wait_for_url(f"{base}/portal/inbox/*/")
            expect(page.locator("h1")).to_contain_text("première notification")
            notice = page.locator("article.message-body")
            expect(notice).to_have_attribute("lang", "fr")
            for french, english in HEADINGS:
                expect(notice.get_by_role("heading", name=french, level=2)).to_be_visible()
                expect(notice).not_to_contain_text(english)
            expect(notice.locator("ul > li").first).to_have_text(
                "confidentialité (données divulguées ou consultées sans autorisation)"
            )
            expect(notice).not_to_contain_text("data disclosed or accessed")
            text = page.locator("main").inner_text()
            assert "==" not in text
            assert not UUID.search(text), UUID.search(text)
            assert "breach.notice" not in text
            if SCREENSHOTS:
                page.screenshot(path=f"{SCREENSHOTS}/fr-notice.png", full_page=True)
        finally:
            browser.close()
