"""The DPO profile (S11): defaults from the settings, edited by the DPO, shown on the trust center at once
(the cached index is refreshed on change)."""

from __future__ import annotations

import pytest
from django.test import Client

from art28.core.models import AuditEntry
from art28.core.roles import Role
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_the_trust_center_shows_the_default_profile_from_the_settings(settings):
    settings.ART28_DPO_NAME, settings.ART28_DPO_EMAIL = "Dana Default", "privacy@provider.example"
    page = Client().get("/en/trust/").content.decode()
    assert "Dana Default" in page and "privacy@provider.example" in page
    assert 'href="/en/trust/contact/"' in page


def test_the_dpo_edits_the_profile_and_the_cached_index_and_contact_page_show_it(
    dpo_client, django_capture_on_commit_callbacks
):
    assert b"Marie Curie" not in Client().get("/en/trust/").content  # now cached
    assert b"Marie Curie" not in Client().get("/en/trust/contact/").content
    with django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(
            "/staff/dpo/profile/",
            {
                "name": "Marie Curie",
                "email": "DPO@provider.example",
                "phone": "+41 22 000 00 00",
                "postal_address": "Rue du Lac 1\n1200 Genève",
                "introduction": "Ask me anything.",
                "languages": ["fr", "en"],
            },
        )
    assert response.status_code == 302
    for url in ("/en/trust/", "/en/trust/contact/"):
        page = Client().get(url).content.decode()
        assert "Marie Curie" in page and "dpo@provider.example" in page and "+41 22 000 00 00" in page
        assert "English, Français" in page
    entry = AuditEntry.objects.get(action="dpo.profile.update")
    assert entry.after["name"] == "Marie Curie"


def test_a_bad_profile_e_mail_is_refused_naming_the_field(dpo_client):
    response = dpo_client.post("/staff/dpo/profile/", {"name": "X", "email": "nope"}, follow=True)
    assert b"email: Enter a valid e-mail address." in response.content
    assert not AuditEntry.objects.filter(action="dpo.profile.update").exists()


def test_only_the_dpo_or_an_admin_edit_the_profile(make_user):
    security = logged_in(make_user("sec@provider.example", Role.SECURITY))
    assert security.get("/staff/dpo/profile/").status_code == 200
    assert security.post("/staff/dpo/profile/", {"name": "X", "email": "x@y.example"}).status_code == 403
    operations = logged_in(make_user("ops2@provider.example", Role.OPERATIONS))
    assert operations.get("/staff/dpo/profile/").status_code == 403


def test_the_dpo_writes_the_introduction_in_every_language_side_by_side(dpo_client, django_capture_on_commit_callbacks):
    """Issue 11 item 2: the short text in EN/FR/DE/IT; each trust center language shows its own, and one
    without a text shows the English marked "not available in …"."""
    assert 'name="introduction__it"' in dpo_client.get("/staff/dpo/profile/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(
            "/staff/dpo/profile/",
            {
                "name": "Marie Curie",
                "email": "dpo@provider.example",
                "introduction": "Ask me anything.",
                "introduction__fr": "Posez-moi toutes vos questions.",
                "introduction__de": "Fragen Sie mich alles.",
                "languages": ["en"],
            },
        )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="dpo.profile.update").latest("seq")
    assert entry.after["introduction_i18n"] == {"de": "Fragen Sie mich alles.", "fr": "Posez-moi toutes vos questions."}
    assert "Posez-moi toutes vos questions." in Client().get("/fr/trust/").content.decode()
    assert "Fragen Sie mich alles." in Client().get("/de/trust/contact/").content.decode()
    italian = Client().get("/it/trust/").content.decode()
    assert '<span lang="en">Ask me anything.</span> <span class="untranslated" lang="it">' in italian
