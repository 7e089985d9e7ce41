"""The notice editor's preview: one affected customer's notice (GDPR Art. 33(3) content with its own facts,
in its language), rendered exactly as its portal inbox will show it; only for a customer the incident
affects, and writing nothing. And the editor itself: a tab per language and the placeholders explained."""

from __future__ import annotations

import re

import pytest
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.translation import gettext

from art28.breaches.decisions import incident_decide_notify
from art28.breaches.models import Notice
from art28.breaches.sending import notice_create, notice_send
from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.notify.models import Message
from tests.breaches.flows import declared
from tests.conftest import TEST_ACTOR, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(breach_world) -> Notice:
    """A first notice composed for a breach on GVA1: ACME (fr) and BETA (de) are affected, GAMMA is not."""
    incident = declared()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    return notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")


def _url(notice: Notice, what: str = "preview/") -> str:
    return f"/staff/breaches/{notice.incident.ref}/notices/{notice.sequence}/{what}"


def _article(html: str) -> str:
    match = re.search(r'<article class="card message-body notice-text".*?</article>', html, re.S)
    assert match, html
    return match.group(0)


def test_the_editor_has_a_tab_per_language_the_placeholders_and_the_affected_customers(draft, security_client):
    page = security_client.get(_url(draft, "")).text
    assert "data-tabs" in page and "art28/tabs.js" in page
    assert 'id="text-fr"' in page and 'id="text-de"' in page
    assert "<code>{subjects}</code></dt><dd>the approximate number of the customer&#x27;s data subjects" in page
    assert '<option value="ACME">' in page and '<option value="BETA">' in page
    assert 'value="GAMMA"' not in page  # not affected by a breach on GVA1
    assert not re.findall(r"<script(?![^>]*\bsrc=)", page)  # no inline script: the CSP would block it


def test_the_preview_is_the_customers_notice_in_its_language_with_its_facts(draft, security_client):
    page = security_client.get(_url(draft), {"customer": "ACME"})
    assert page.status_code == 200
    article = _article(page.text)
    assert 'lang="fr"' in article
    with translation.override("fr"):
        heading, subjects = gettext("Nature of the breach"), formats.number_format(1300, force_grouping=True)
    assert f"<h2>{heading}</h2>" in article and heading != "Nature of the breach"
    assert "<ul><li>" in article and "==" not in article
    assert "Acme Sàrl" in article and "{subjects}" not in article and "{customer_name}" not in article
    assert escape(subjects) in article  # 1,200 + 100 data subjects of ACME's on GVA1, grouped the French way


def test_a_customer_not_affected_by_the_incident_is_refused(draft, security_client):
    assert security_client.get(_url(draft), {"customer": "GAMMA"}).status_code == 404
    assert security_client.get(_url(draft), {"customer": "NOSUCH"}).status_code == 404
    assert security_client.get(_url(draft)).status_code == 400


def test_previewing_the_unsaved_screen_escapes_and_writes_nothing(draft, security_client):
    audit, texts = AuditEntry.objects.count(), dict(Notice.objects.get(pk=draft.pk).texts)
    on_screen = {
        "customer": "BETA",
        "subject_de": "Vorfall {customer_ref}",
        "body_de": "Guten Tag {customer_name} <script>alert(1)</script>\n\n== Was geschah ==\n- eins\n- zwei\n",
    }
    page = security_client.post(_url(draft), on_screen)
    assert page.status_code == 200
    article = _article(page.text)
    assert "<h2>Was geschah</h2>" in article and "<ul><li>eins</li><li>zwei</li></ul>" in article
    assert "Guten Tag Beta AG &lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert "Vorfall BETA" in page.text
    assert AuditEntry.objects.count() == audit
    assert Notice.objects.get(pk=draft.pk).texts == texts
    assert not Message.objects.exists()


def test_an_unknown_placeholder_on_screen_is_shown_as_an_error(draft, security_client):
    page = security_client.post(_url(draft), {"customer": "BETA", "subject_de": "x", "body_de": "Hallo {nope}"})
    assert page.status_code == 400 and "unknown placeholder {nope}" in page.text


def test_the_preview_is_exactly_what_the_customers_inbox_shows(draft, security_client, make_user):
    preview = _article(security_client.get(_url(draft), {"customer": "ACME"}).text)
    notice_send(actor=TEST_ACTOR, notice=draft)
    customer = logged_in(
        make_user(
            "alice@acme.example",
            Role.CUSTOMER_ADMIN,
            draft.incident.affected.get(organisation__ref="ACME").organisation,
        )
    )
    message = Message.objects.get(organisation__ref="ACME")
    inbox = _article(customer.get(f"/portal/inbox/{message.public_id}/").text)
    assert inbox == preview


def test_every_staff_role_may_preview_a_sent_notice(draft, make_user):
    notice_send(actor=TEST_ACTOR, notice=draft)
    auditor = logged_in(make_user("auditor@provider.example", Role.AUDITOR))
    assert auditor.get(_url(draft), {"customer": "BETA"}).status_code == 200
    assert 'formmethod="get"' in auditor.get(_url(draft, "")).text


@pytest.mark.parametrize("language", ["en", "fr", "de", "it"])
def test_the_default_text_in_each_language_renders_as_headings_and_lists(breach_world, language):
    """The stored template's ``== … ==`` and ``- `` conventions are the format: the eight Art. 33(3) /
    DSV Art. 15(1) sections become headings, the natures and the deadlines lists, in every language."""
    from art28.breaches.notices import render_default
    from art28.notify.rendering import to_html, to_plain

    incident = declared()
    body = render_default(incident, kind="initial", sequence=1, language=language)["body"]
    html, plain = to_html(body), to_plain(body)
    assert html.count("<h2>") == 8 and html.count("<ul>") == 2
    assert "==" not in html and "==" not in plain
