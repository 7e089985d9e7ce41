"""Cookies and consent (S13). ePrivacy Art. 5(3) / Swiss TCA Art. 45c: a non-essential cookie needs
consent, so the banner appears only while one is in the inventory; GDPR Art. 7(1): each choice is
recorded with the cookie-policy version in force, and asked again when that policy changes."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.legal.cookies import CONSENT_COOKIE, cookie_save, cookies_seed
from art28.legal.models import ConsentRecord, Cookie, DocumentKind
from tests.conftest import TEST_ACTOR, logged_in
from tests.legal.conftest import new_document, publish

pytestmark = pytest.mark.django_db
BANNER = 'action="/trust/cookies/consent/"'
TRUST_BANNER = "Choose which cookies you accept"


@pytest.fixture
def cookie_policy():
    document = new_document("cookies", DocumentKind.COOKIES)
    return publish(document, "# Cookie policy\n")


def add_analytics() -> Cookie:
    return cookie_save(
        actor=TEST_ACTOR,
        name="_stats",
        purpose="Counts visits.",
        duration="13 months",
        category="analytics",
        set_by="art28 (first party)",
    )


def test_art28s_real_cookies_are_seeded_as_essential_and_listed_in_the_policy(client: Client, cookie_policy):
    assert cookies_seed(actor=TEST_ACTOR) == 5
    assert cookies_seed(actor=TEST_ACTOR) == 0  # idempotent
    names = set(Cookie.objects.values_list("name", flat=True))
    assert names == {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        "messages",
        CONSENT_COOKIE,
    }
    assert set(Cookie.objects.values_list("category", flat=True)) == {"essential"}
    html = client.get("/en/trust/policies/cookies/").content.decode()
    assert "<code>sessionid</code>" in html and "<code>csrftoken</code>" in html
    assert "strictly necessary" in html and "art28 (first party)" in html


def test_no_banner_while_every_cookie_is_essential(client: Client, client_a, cookie_policy):
    cookies_seed(actor=TEST_ACTOR)
    assert BANNER not in client_a.get("/portal/documents/").content.decode()
    assert TRUST_BANNER not in client.get("/en/trust/").content.decode()
    assert TRUST_BANNER not in client.get("/en/trust/policies/").content.decode()


def test_eprivacy_art_5_3_a_non_essential_cookie_brings_the_banner(client: Client, client_a, cookie_policy):
    cookies_seed(actor=TEST_ACTOR)
    client.get("/en/trust/")  # cached without the banner ...
    add_analytics()
    assert BANNER in client_a.get("/portal/documents/").content.decode()  # ... the inventory change shows at once
    html = client.get("/en/trust/").content.decode()
    assert TRUST_BANNER in html and "csrfmiddlewaretoken" not in html  # cached pages link to the form
    form = client.get("/en/trust/cookies/consent/").content.decode()
    assert 'name="category-analytics"' in form and "csrfmiddlewaretoken" in form


def test_gdpr_art_7_1_the_choice_is_recorded_and_remembered(client_a, customer_a, cookie_policy):
    add_analytics()
    cookie_save(actor=TEST_ACTOR, name="_pref", purpose="Layout.", duration="1 year", category="preferences")
    response = client_a.post(
        "/trust/cookies/consent/", {"choice": "selected", "category-preferences": "on", "next": "/portal/documents/"}
    )
    assert response.status_code == 302 and response["Location"] == "/portal/documents/"
    record = ConsentRecord.objects.get()
    assert record.choices == {"analytics": False, "preferences": True}
    assert record.policy_version == cookie_policy and record.user == customer_a and record.given_at
    assert response.cookies[CONSENT_COOKIE].value == str(record.consent_id)
    assert BANNER not in client_a.get("/portal/documents/").content.decode()


def test_the_banner_asks_again_when_the_cookie_policy_gets_a_new_version(client: Client, cookie_policy):
    add_analytics()
    client.post("/trust/cookies/consent/", {"choice": "all"})
    assert ConsentRecord.objects.get().choices == {"analytics": True}
    assert TRUST_BANNER not in client.get("/en/trust/").content.decode()
    publish(cookie_policy.document, "# Cookie policy v2\n")
    assert TRUST_BANNER in client.get("/en/trust/").content.decode()
    assert "has changed since your last choice" in client.get("/en/trust/cookies/consent/").content.decode()


def test_an_anonymous_refusal_is_recorded_without_a_user(client: Client, cookie_policy):
    add_analytics()
    client.post(
        "/trust/cookies/consent/", {"choice": "none", "category-analytics": "on", "next": "https://evil.example/"}
    )
    record = ConsentRecord.objects.get()
    assert record.choices == {"analytics": False} and record.user is None


def test_nothing_is_recorded_when_no_cookie_needs_consent(client: Client, cookie_policy):
    cookies_seed(actor=TEST_ACTOR)
    response = client.post("/trust/cookies/consent/", {"choice": "all"})
    assert response.status_code == 302 and not ConsentRecord.objects.exists()


def test_cookie_writes_are_audited_and_staff_edit_the_inventory(make_user, cookie_policy):
    dpo = logged_in(make_user("dpo@provider.example", Role.DPO))
    response = dpo.post(
        "/staff/legal/cookies/",
        {
            "name": "_stats",
            "purpose": "Counts visits.",
            "duration": "13 months",
            "category": "analytics",
            "set_by": "art28",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="legal.cookie.save")
    assert entry.before is None and entry.after["category"] == "analytics"
    bad = dpo.post("/staff/legal/cookies/", {"name": "_x", "purpose": "x", "duration": "1 day", "category": "nope"})
    assert bad.status_code == 400 and "nope" in bad.content.decode()
    assert not Cookie.objects.filter(name="_x").exists()
    cookie = Cookie.objects.get(name="_stats")
    assert dpo.post(f"/staff/legal/cookies/{cookie.pk}/delete/").status_code == 302
    assert AuditEntry.objects.filter(action="legal.cookie.delete").count() == 1


def test_staff_list_and_export_the_consent_records(
    make_user, client: Client, cookie_policy, django_assert_max_num_queries
):
    add_analytics()
    for choice in ("all", "none", "all"):
        Client().post("/trust/cookies/consent/", {"choice": choice})
    auditor = logged_in(make_user("auditor@provider.example", Role.AUDITOR))
    with django_assert_max_num_queries(12):
        page = auditor.get("/staff/legal/consents/")
    assert page.status_code == 200 and page.content.decode().count("<code>") == 3
    export = auditor.get("/staff/legal/consents.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0] == ["consent_id", "given_at", "cookie_policy_version", "choices", "user"]
    assert sorted(row[3] for row in rows[1:]) == ["analytics=no", "analytics=yes", "analytics=yes"]
    assert {row[2] for row in rows[1:]} == {"cookies v1"}


def test_customers_cannot_see_consent_records(client_a, cookie_policy):
    assert client_a.get("/staff/legal/consents/").status_code == 403
    assert client_a.get("/staff/legal/consents.csv").status_code == 403
    assert client_a.post("/staff/legal/cookies/", {"name": "x"}).status_code == 403


def test_the_seed_command_adds_the_missing_cookies_once():
    out = io.StringIO()
    call_command("legal_cookies_seed", stdout=out)
    call_command("legal_cookies_seed", stdout=out)
    assert out.getvalue().splitlines() == ["5 cookie(s) added to the inventory", "0 cookie(s) added to the inventory"]
    assert AuditEntry.objects.filter(action="legal.cookie.save", actor_label__startswith="cli:").count() == 5


def test_a_french_reader_sees_the_cookies_purpose_in_french_and_an_italian_one_the_marked_english(
    client: Client, cookie_policy
):
    cookie_save(
        actor=TEST_ACTOR,
        name="_stats",
        purpose="Counts visits.",
        purpose_i18n={"fr": "Compte les visites.", "de": "Zählt die Besuche."},
        duration="13 months",
        category="analytics",
    )
    french = client.get("/fr/trust/policies/cookies/").content.decode()
    assert "<td>Compte les visites.</td>" in french and "Counts visits." not in french
    assert "Zählt die Besuche." in client.get("/de/trust/policies/cookies/").content.decode()
    italian = client.get("/it/trust/policies/cookies/").content.decode()
    assert '<span lang="en">Counts visits.</span> <span class="untranslated" lang="it">non disponibile in italiano' in (
        italian
    )
    english = client.get("/en/trust/policies/cookies/").content.decode()
    assert "<td>Counts visits.</td>" in english and "untranslated" not in english


def test_the_seeded_cookies_have_their_purpose_in_four_languages(client: Client, cookie_policy):
    cookies_seed(actor=TEST_ACTOR)
    session = Cookie.objects.get(name=settings.SESSION_COOKIE_NAME)
    assert set(session.purpose_i18n) == {"fr", "de", "it"}
    for language in ("fr", "de", "it"):
        html = client.get(f"/{language}/trust/policies/cookies/").content.decode()
        table = html[html.index('<h2 id="cookies">') :]  # (the test policy's own title is English only)
        assert session.purpose_i18n[language].replace("'", "&#x27;") in table and "untranslated" not in table


def test_seeding_again_translates_an_untouched_older_cookie_and_leaves_an_edited_one_alone(cookie_policy):
    cookies_seed(actor=TEST_ACTOR)
    Cookie.objects.update(purpose_i18n={})  # as seeded before purposes had translations
    Cookie.objects.filter(name="messages").update(purpose="Our own text.")
    assert cookies_seed(actor=TEST_ACTOR) == 0
    assert Cookie.objects.get(name=settings.CSRF_COOKIE_NAME).purpose_i18n["de"].startswith("Schützt")
    assert Cookie.objects.get(name="messages").purpose_i18n == {}


def test_staff_edit_the_purpose_in_every_language_side_by_side_and_it_is_audited(make_user, cookie_policy):
    dpo = logged_in(make_user("dpo@provider.example", Role.DPO))
    form = dpo.get("/staff/legal/cookies/").content.decode()
    for code in ("fr", "de", "it"):
        assert f'name="purpose__{code}"' in form and f'lang="{code}"' in form
    fields = {"name": "_stats", "duration": "13 months", "category": "analytics", "set_by": "art28"}
    response = dpo.post(
        "/staff/legal/cookies/",
        fields | {"purpose": "Counts visits.", "purpose__fr": " Compte les visites. ", "purpose__de": "Zählt."},
    )
    assert response.status_code == 302
    cookie = Cookie.objects.get(name="_stats")
    assert cookie.purpose_i18n == {"de": "Zählt.", "fr": "Compte les visites."}  # trimmed, no empty Italian
    entry = AuditEntry.objects.get(action="legal.cookie.save")
    assert entry.after["purpose_i18n"] == {"de": "Zählt.", "fr": "Compte les visites."}

    edit = dpo.get("/staff/legal/cookies/?edit=_stats").content.decode()
    assert "Compte les visites.</textarea>" in edit
    response = dpo.post("/staff/legal/cookies/", fields | {"purpose": "Counts visits.", "purpose__it": "Conta."})
    assert response.status_code == 302
    cookie.refresh_from_db()
    assert cookie.purpose_i18n == {"it": "Conta."}  # the form holds every language: emptied ones are removed
    change = AuditEntry.objects.filter(action="legal.cookie.save").order_by("pk").last()
    assert change.before["purpose_i18n"] == {"de": "Zählt.", "fr": "Compte les visites."}
    assert change.after["purpose_i18n"] == {"it": "Conta."}


def test_a_translation_in_an_unknown_language_is_refused_and_nothing_is_saved(cookie_policy):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        cookie_save(
            actor=TEST_ACTOR,
            name="_x",
            purpose="x",
            purpose_i18n={"es": "x"},
            duration="1 day",
            category="essential",
        )
    assert "purpose_i18n" in error.value.message_dict
    assert not Cookie.objects.filter(name="_x").exists()
