"""Legal documents in four languages (issue 11 item 2, S8): each version has an English text and optional
French, German and Italian ones; a page shows the reader's language, else the English text with a visible
"not available in <language>" marker; an acceptance records the language and SHA-256 of the text shown
(GDPR Art. 28(9): the proof names the text accepted); a published version's texts never change."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError

from art28.core.models import AuditEntry, User
from art28.core.services import api_token_create
from art28.legal.models import Acceptance, DocumentKind, DocumentVersion
from art28.legal.services import document_accept, version_draft, version_publish, version_update
from tests.conftest import TEST_ACTOR, logged_in
from tests.legal.conftest import new_document, today
from tests.legal.dpa_text import dpa_text

pytestmark = pytest.mark.django_db

EN_V1 = "# Terms\n\nWe answer within two days.\n"
FR_V1 = "# Conditions\n\nNous répondons dans les deux jours.\n"
DE_V1 = "# Bedingungen\n\nWir antworten innert zwei Tagen.\n"
EN_V2 = "# Terms\n\nWe answer within one day.\n"
FR_V2 = "# Conditions\n\nNous répondons dans la journée.\n"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def publish_i18n(document, body, body_i18n, *, summary="", summary_i18n=None, on=None) -> DocumentVersion:
    version = version_draft(
        actor=TEST_ACTOR,
        document=document,
        body=body,
        body_i18n=body_i18n,
        change_summary=summary,
        change_summary_i18n=summary_i18n or {},
    )
    return version_publish(actor=TEST_ACTOR, version=version, effective_on=on or today())


@pytest.fixture
def terms():
    document = new_document("terms", DocumentKind.TERMS)
    document.title_i18n = {"fr": "Conditions générales", "de": "Allgemeine Geschäftsbedingungen"}
    document.save()
    publish_i18n(document, EN_V1, {"fr": FR_V1, "de": DE_V1})
    return document


def french(user: User) -> User:
    User.objects.filter(pk=user.pk).update(language="fr")
    user.refresh_from_db()
    return user


# --- The trust center: the page's language, else the English text marked


def test_the_public_page_shows_the_text_in_the_page_language_and_links_the_others(client, terms):
    html = client.get("/fr/trust/policies/terms/").content.decode()
    assert "Nous répondons dans les deux jours." in html and "We answer within two days." not in html
    assert "<h1>Conditions générales</h1>" in html
    assert 'href="/de/trust/policies/terms/"' in html and 'href="/en/trust/policies/terms/"' in html
    assert "untranslated" not in html


def test_a_missing_translation_shows_the_english_text_with_a_visible_marker(client, terms):
    html = client.get("/it/trust/policies/terms/").content.decode()
    assert "We answer within two days." in html
    assert 'class="untranslated" lang="it"' in html
    assert '<article class="card legal-text" lang="en">' in html


# --- Acceptance: the language and the SHA-256 of the text shown (GDPR Art. 28(9))


def test_acceptance_records_the_language_and_hash_of_the_text_shown(customer_a, terms):
    v1 = terms.versions.get(number=1)
    acceptance = document_accept(actor=customer_a, organisation=customer_a.organisation, version=v1, language="fr")
    assert (acceptance.language, acceptance.text_sha256) == ("fr", sha(FR_V1.strip()))
    entry = AuditEntry.objects.get(action="legal.document.accept")
    assert entry.after["language"] == "fr" and entry.after["text_sha256"] == sha(FR_V1.strip())


def test_acceptance_records_english_when_the_version_has_no_text_in_the_page_language(customer_a):
    document = new_document("terms", DocumentKind.TERMS)
    version = publish_i18n(document, EN_V1, {"de": DE_V1})  # no French
    acceptance = document_accept(actor=customer_a, organisation=customer_a.organisation, version=version, language="fr")
    assert (acceptance.language, acceptance.text_sha256) == ("en", sha(EN_V1))


def test_an_unknown_language_is_refused_and_nothing_is_recorded(customer_a, terms):
    with pytest.raises(ValidationError) as caught:
        document_accept(
            actor=customer_a, organisation=customer_a.organisation, version=terms.versions.get(), language="xx"
        )
    assert "language" in caught.value.message_dict
    assert not Acceptance.objects.exists()


def test_the_portal_shows_the_users_language_and_accepting_records_it(customer_a, terms):
    client = logged_in(french(customer_a))
    html = client.get("/portal/documents/terms/v1/").content.decode()
    assert "Nous répondons dans les deux jours." in html and "We answer within two days." not in html
    assert 'name="language" value="fr"' in html and 'href="?lang=de"' in html
    german = client.get("/portal/documents/terms/v1/?lang=de").content.decode()
    assert "Wir antworten innert zwei Tagen." in german and 'name="language" value="de"' in german
    client.post("/portal/documents/terms/v1/accept", {"language": "de"})
    acceptance = Acceptance.objects.get()
    assert (acceptance.language, acceptance.text_sha256) == ("de", sha(DE_V1.strip()))
    assert "allemand" in client.get("/portal/documents/").content.decode().lower()  # the language, in French


def test_the_portal_marks_a_missing_translation_and_records_english(customer_a):
    document = new_document("terms", DocumentKind.TERMS)
    publish_i18n(document, EN_V1, {"de": DE_V1})
    client = logged_in(french(customer_a))
    html = client.get("/portal/documents/terms/v1/").content.decode()
    assert "We answer within two days." in html and 'class="untranslated" lang="fr"' in html
    client.post("/portal/documents/terms/v1/accept", {"language": "en"})
    assert Acceptance.objects.get().language == "en"


def test_the_documents_page_accepts_in_the_page_language(customer_a, terms):
    client = logged_in(french(customer_a))
    assert 'name="language" value="fr"' in client.get("/portal/documents/").content.decode()
    client.post("/portal/documents/terms/v1/accept", {"language": "fr"})
    assert Acceptance.objects.get().language == "fr"


# --- The diff compares the texts in the chosen language


def test_the_french_diff_compares_the_french_texts(client, terms):
    publish_i18n(terms, EN_V2, {"fr": FR_V2}, summary="One day.", summary_i18n={"fr": "Un jour."})
    html = client.get("/fr/trust/policies/terms/diff/?from=1&to=2").content.decode()
    assert "deux jours" in html and "la journée" in html and "two days" not in html
    assert "Un jour." in html and "untranslated" not in html


def test_the_diff_says_when_one_side_is_the_english_text(client, terms):
    publish_i18n(terms, EN_V2, {})  # v2 has no German text
    html = client.get("/de/trust/policies/terms/diff/?from=1&to=2").content.decode()
    assert "innert zwei Tagen" in html and "within one day" in html
    assert 'class="untranslated" lang="de"' in html


def test_the_api_diff_compares_in_the_language_asked_for(customer_a, terms):
    publish_i18n(terms, EN_V2, {"fr": FR_V2})
    from django.test import Client

    token = api_token_create(actor=customer_a, user=customer_a, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    diff = api.get("/api/v1/legal/documents/terms/diff?from=1&to=2&language=fr").json()
    assert (diff["language"], diff["from_language"], diff["to_language"]) == ("fr", "fr", "fr")
    assert "journée" in diff["redline"] and "day" not in diff["redline"]
    german = api.get("/api/v1/legal/documents/terms/diff?from=1&to=2&language=de").json()
    assert (german["from_language"], german["to_language"]) == ("de", "en")
    assert api.get("/api/v1/legal/documents/terms/diff?language=xx").status_code == 422


# --- A published version never changes, translations included


def test_a_published_versions_translations_cannot_change(terms):
    v1 = terms.versions.get(number=1)
    with pytest.raises(ValidationError, match="never changes"):
        version_update(actor=TEST_ACTOR, version=v1, body=EN_V1, body_i18n={"fr": FR_V1, "it": "# Condizioni"})
    v1.refresh_from_db()
    assert v1.body_i18n == {"de": DE_V1.strip(), "fr": FR_V1.strip()}


@pytest.mark.parametrize(
    ("body_i18n", "summary_i18n", "field", "message"),
    [
        ({"xx": "# ?"}, {}, "body_i18n", "Unknown language xx"),
        ({"en": "# Terms"}, {}, "body_i18n", "English is the field itself"),
        ({"fr": 3}, {}, "body_i18n", "must be a string"),
        ({}, {"de": ["a"]}, "change_summary_i18n", "must be a string"),
        ({"fr": "---\nauthorisation: general\n# Conditions"}, {}, "body_i18n", "fr: line 1"),
    ],
)
def test_bad_translations_are_refused_naming_the_field_and_nothing_is_saved(body_i18n, summary_i18n, field, message):
    document = new_document("terms", DocumentKind.TERMS)
    with pytest.raises(ValidationError) as caught:
        version_draft(
            actor=TEST_ACTOR, document=document, body=EN_V1, body_i18n=body_i18n, change_summary_i18n=summary_i18n
        )
    assert message in " ".join(caught.value.message_dict[field])
    assert not DocumentVersion.objects.exists()


def test_a_draft_keeps_its_translations_unless_new_ones_are_given(terms):
    draft = version_draft(actor=TEST_ACTOR, document=terms, body=EN_V2, body_i18n={"fr": FR_V2})
    version_update(actor=TEST_ACTOR, version=draft, body=EN_V2 + "\nMore.\n")
    draft.refresh_from_db()
    assert draft.body_i18n == {"fr": FR_V2.strip()}
    version_update(actor=TEST_ACTOR, version=draft, body=EN_V2, body_i18n={"fr": "", "it": "# Condizioni"})
    draft.refresh_from_db()
    assert draft.body_i18n == {"it": "# Condizioni"}


def test_gdpr_art_28_3_each_dpa_translation_carries_every_clause_and_the_same_front_matter():
    document = new_document("dpa", DocumentKind.DPA)
    lacking = version_draft(
        actor=TEST_ACTOR, document=document, body=dpa_text(), body_i18n={"fr": dpa_text(leave_out="28-3-a")}
    )
    with pytest.raises(ValidationError) as caught:
        version_publish(actor=TEST_ACTOR, version=lacking, effective_on=today())
    assert any(error.startswith("fr: The DPA lacks the clause GDPR Art. 28(3)(a)") for error in caught.value.messages)
    version_update(
        actor=TEST_ACTOR,
        version=lacking,
        body=dpa_text(),
        body_i18n={"fr": dpa_text("authorisation: specific")},
    )
    with pytest.raises(ValidationError, match="fr: the front matter differs"):
        version_publish(actor=TEST_ACTOR, version=lacking, effective_on=today())


# --- The JSON: English strings kept, every language in ``…_i18n``


def test_the_api_keeps_english_strings_and_adds_i18n_objects(customer_a, terms):
    from django.test import Client

    publish_i18n(terms, EN_V2, {"fr": FR_V2}, summary="One day.", summary_i18n={"fr": "Un jour."})
    token = api_token_create(actor=customer_a, user=customer_a, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    [document] = api.get("/api/v1/legal/documents").json()
    assert document["title"] == "Terms and conditions"
    assert document["title_i18n"] == {
        "en": "Terms and conditions",
        "fr": "Conditions générales",
        "de": "Allgemeine Geschäftsbedingungen",
    }
    text = api.get("/api/v1/legal/documents/terms/versions/2").json()
    assert text["markdown"] == EN_V2 and text["body_i18n"] == {"en": EN_V2, "fr": FR_V2.strip()}
    assert "la journée" in text["html_i18n"]["fr"]
    assert text["change_summary"] == "One day." and text["change_summary_i18n"] == {"en": "One day.", "fr": "Un jour."}
    created = api.post(
        "/api/v1/legal/my/acceptances",
        {"document": "terms", "version": 1, "language": "de"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["language"] == "de" and created.json()["text_sha256"] == sha(DE_V1.strip())


def test_staff_draft_by_api_with_translations_and_a_bad_one_names_the_field(dpo_user, terms):
    from django.test import Client

    token = api_token_create(actor=dpo_user, user=dpo_user, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    bad = api.post(
        "/api/v1/legal/documents/terms/versions",
        {"body": EN_V2, "body_i18n": {"xx": "?"}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "body_i18n" in bad.content.decode()
    good = api.post(
        "/api/v1/legal/documents/terms/versions",
        {"body": EN_V2, "body_i18n": {"it": "# Condizioni"}, "change_summary_i18n": {"it": "Un giorno."}},
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["change_summary_i18n"] == {"it": "Un giorno."}
    assert DocumentVersion.objects.get(number=2).body_i18n == {"it": "# Condizioni"}


# --- The staff editor


def test_the_staff_editor_stacks_every_language_and_names_the_missing_ones(dpo_client, terms):
    draft = version_draft(actor=TEST_ACTOR, document=terms, body=EN_V2, body_i18n={"fr": FR_V2})
    html = dpo_client.get(f"/staff/legal/terms/v{draft.number}/").content.decode()
    for name in ("body", "body__fr", "body__de", "body__it", "change_summary__it"):
        assert f'name="{name}"' in html
    assert 'class="translation-grid"' not in html and "<script>" not in html  # stacked; no inline script (CSP)
    assert "no text in:" in html
    response = dpo_client.post(
        f"/staff/legal/terms/v{draft.number}/edit/",
        {"body": EN_V2, "body__fr": FR_V2, "body__it": "# Condizioni", "change_summary__de": "Ein Tag."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body_i18n == {"fr": FR_V2.strip(), "it": "# Condizioni"}
    assert draft.change_summary_i18n == {"de": "Ein Tag."}
    preview = dpo_client.get(f"/staff/legal/terms/v{draft.number}/?lang=it").content.decode()
    assert "Condizioni" in preview


def test_staff_create_a_document_with_its_title_in_every_language(dpo_client):
    response = dpo_client.post(
        "/staff/legal/new/",
        {"slug": "terms", "kind": "terms", "title": "Terms", "title__fr": "Conditions", "position": 0},
    )
    assert response.status_code == 302
    from art28.legal.models import Document

    assert Document.objects.get().title_i18n == {"fr": "Conditions"}
    assert AuditEntry.objects.get(action="legal.document.create").after["title_i18n"] == {"fr": "Conditions"}


def test_staff_translate_an_existing_documents_title_and_it_is_audited(dpo_client, terms):
    response = dpo_client.post(
        "/staff/legal/terms/title/",
        {"title": "Terms and conditions", "title__fr": "Conditions générales", "title__it": "Condizioni generali"},
    )
    assert response.status_code == 302
    terms.refresh_from_db()
    assert terms.title_i18n == {"fr": "Conditions générales", "it": "Condizioni generali"}
    entry = AuditEntry.objects.get(action="legal.document.update")
    assert entry.before["title_i18n"] == {"de": "Allgemeine Geschäftsbedingungen", "fr": "Conditions générales"}
    assert 'name="title__de"' in dpo_client.get("/staff/legal/terms/").content.decode()
