"""A sub-processor's purpose and transfer safeguard in four languages (issue 11 item 2): English in the
field, French, German and Italian in ``<field>_i18n``; validated by the service, audited, edited side by
side by staff, shown in the reader's language (or the English marked "not available in …")."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from art28.core.glossary import data_category_create
from art28.core.models import AuditEntry, CategoryKind, User
from art28.notify.models import Message
from art28.subprocessors.changes import change_announce, change_draft
from art28.subprocessors.models import SubProcessor
from art28.subprocessors.notices import render_texts
from art28.subprocessors.services import subprocessor_update
from tests.conftest import TEST_ACTOR, logged_in
from tests.subprocessors.fixtures import MAIL, SINCE, WEB, announced_addition, new_subprocessor
from tests.subprocessors.test_api import API, token_client

pytestmark = pytest.mark.django_db

FR = "Tickets de support"
DE = "Support-Tickets"


def translate_helpdesk(sp_world, **extra) -> SubProcessor:
    return subprocessor_update(
        actor=TEST_ACTOR, subprocessor=sp_world.helpdesk, purpose_i18n={"fr": FR, "de": DE}, **extra
    )


def speaking(user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_the_service_keeps_the_translations_and_audits_the_change(sp_world):
    sp = translate_helpdesk(sp_world)
    sp.refresh_from_db()
    assert sp.purpose == "Support tickets" and sp.purpose_i18n == {"de": DE, "fr": FR}
    entry = AuditEntry.objects.filter(action="subprocessor.update", object_id=str(sp.pk)).latest("seq")
    assert entry.before == {"purpose_i18n": {}}
    assert entry.after == {"purpose_i18n": {"de": DE, "fr": FR}}


@pytest.mark.parametrize(
    "bad",
    [{"xx": "texte"}, {"en": "English is the field"}, {"fr": 3}, "just a string"],
    ids=["unknown-language", "english", "not-text", "not-an-object"],
)
def test_a_bad_translation_names_the_field_and_saves_nothing(sp_world, bad):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        subprocessor_update(actor=TEST_ACTOR, subprocessor=sp_world.helpdesk, purpose_i18n=bad, legal_name="Renamed")
    assert "purpose_i18n" in caught.value.message_dict
    sp_world.helpdesk.refresh_from_db()
    assert sp_world.helpdesk.purpose_i18n == {} and sp_world.helpdesk.legal_name == "Helvetia Helpdesk AG"
    assert AuditEntry.objects.count() == before


def test_a_bad_safeguard_translation_on_create_names_its_field(sp_world):
    with pytest.raises(ValidationError) as caught:
        new_subprocessor("bad-one", transfer_safeguard_i18n={"de": ["a", "list"]})
    assert "transfer_safeguard_i18n" in caught.value.message_dict
    assert not SubProcessor.objects.filter(slug="bad-one").exists()


def test_the_staff_form_saves_all_four_languages_side_by_side(sp_world, dpo_client):
    page = dpo_client.get("/staff/subprocessors/new/").content.decode()
    for name in ("purpose", "purpose__fr", "purpose__de", "purpose__it", "transfer_safeguard__it"):
        assert f'name="{name}"' in page
    response = dpo_client.post(
        "/staff/subprocessors/new/",
        {
            "slug": "postbox",
            "legal_name": "Postbox AG",
            "address": "Bern",
            "purpose": "Mailbox storage",
            "purpose__fr": "Stockage des boîtes aux lettres",
            "purpose__de": "Speicherung der Postfächer",
            "purpose__it": "Archiviazione delle caselle di posta",
            "countries": "CH",
            "transfer_safeguard": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sp = SubProcessor.objects.get(slug="postbox")
    assert sp.purpose == "Mailbox storage"
    assert sp.purpose_i18n == {
        "de": "Speicherung der Postfächer",
        "fr": "Stockage des boîtes aux lettres",
        "it": "Archiviazione delle caselle di posta",
    }
    assert sp.transfer_safeguard_i18n == {}
    detail = dpo_client.get("/staff/subprocessors/postbox/").content.decode()
    assert 'id="id_purpose__de">\nSpeicherung der Postfächer</textarea>' in detail  # the edit form, filled
    assert "Translations:" in detail


def test_a_french_customer_reads_the_french_purpose_in_the_portal(sp_world, acme_admin):
    translate_helpdesk(sp_world)
    html = logged_in(speaking(acme_admin, "fr")).get("/portal/subprocessors/").content.decode()
    assert FR in html and "Support tickets" not in html
    assert '<span lang="en">Support tickets' not in html  # no English stand-in for the purpose


def test_an_italian_customer_reads_the_english_marked_where_italian_is_missing(sp_world, make_user):
    from art28.core.roles import Role

    translate_helpdesk(sp_world)
    subprocessor_update(actor=TEST_ACTOR, subprocessor=sp_world.helpdesk, services=[WEB, "Mail"])
    gina = speaking(make_user("gina@gamma.example", Role.CUSTOMER_ADMIN, sp_world.gamma), "it")
    html = logged_in(gina).get("/portal/subprocessors/").content.decode()
    assert '<span lang="en">Support tickets</span>' in html
    assert '<span class="untranslated" lang="it">' in html
    assert FR not in html


def test_the_api_takes_and_gives_the_translations(sp_world, dpo_user):
    api = token_client(dpo_user)
    response = api.patch(
        f"{API}/helpdesk",
        {"purpose_i18n": {"fr": FR, "it": "Ticket di assistenza"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["purpose_i18n"] == {"fr": FR, "it": "Ticket di assistenza"}
    assert response.json()["transfer_safeguard_i18n"] == {}


def test_the_api_refuses_a_bad_translation_naming_the_field(sp_world, dpo_user):
    api = token_client(dpo_user)
    response = api.post(
        f"{API}/",
        {
            "slug": "bad-one",
            "legal_name": "Bad One AG",
            "address": "Bern",
            "purpose": "Something",
            "purpose_i18n": {"es": "Algo"},
            "countries": ["CH"],
        },
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert "purpose_i18n" in response.content.decode()
    assert not SubProcessor.objects.filter(slug="bad-one").exists()


def test_a_change_notice_gives_the_purpose_in_the_organisations_language(sp_world):
    change = announced_addition([WEB])
    subprocessor_update(
        actor=TEST_ACTOR,
        subprocessor=change.subprocessor,
        purpose_i18n={"fr": "Distribution des e-mails sortants"},
    )
    change.subprocessor.refresh_from_db()
    french = render_texts(change, which="announce", language="fr", authorisation="general")["body"]
    assert "Distribution des e-mails sortants" in french and "Delivering outgoing e-mail" not in french
    german = render_texts(change, which="announce", language="de", authorisation="general")["body"]
    assert "Delivering outgoing e-mail [" in german  # the English, marked in German


def test_gdpr_art_28_2_a_change_notice_names_the_data_categories_in_the_organisations_language(sp_world):
    """The glossary's term in the notice's language; a term without one in English, marked in that language
    (French writes the language's name in lower case inside the sentence)."""
    data_category_create(
        actor=TEST_ACTOR,
        kind=CategoryKind.DATA,
        name="email addresses",
        name_i18n={"fr": "adresses e-mail", "de": "E-Mail-Adressen"},
    )
    change = announced_addition([WEB])
    subprocessor_update(
        actor=TEST_ACTOR, subprocessor=change.subprocessor, data_categories="email addresses;message content"
    )
    change.subprocessor.refresh_from_db()
    french = render_texts(change, which="announce", language="fr", authorisation="general")["body"]
    assert "adresses e-mail; message content [non disponible en français]" in french
    assert "email addresses" not in french
    german = render_texts(change, which="announce", language="de", authorisation="general")["body"]
    assert "E-Mail-Adressen; message content [nicht verfügbar auf Deutsch]" in german
    english = render_texts(change, which="announce", language="en", authorisation="general")["body"]
    assert "email addresses; message content\n" in english


def test_the_announcement_mails_name_the_categories_in_each_customers_language(sp_world):
    data_category_create(
        actor=TEST_ACTOR, kind=CategoryKind.DATA, name="email addresses", name_i18n={"it": "indirizzi e-mail"}
    )
    sp = new_subprocessor("mailjet-us", data_categories="email addresses")
    change = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary="Mail.", services=[MAIL])
    change_announce(actor=TEST_ACTOR, change=change)
    bodies = {m.organisation.ref: m.body_text for m in Message.objects.filter(topic="subprocessor.change")}
    assert "indirizzi e-mail" in bodies["GAMMA"]  # Italian
    assert "email addresses [nicht verfügbar auf Deutsch]" in bodies["BETA"]  # no German term yet


def test_the_register_json_of_a_change_notice_payload_carries_every_language(sp_world):
    from art28.subprocessors.notices import payload

    change = announced_addition([WEB])
    subprocessor_update(actor=TEST_ACTOR, subprocessor=change.subprocessor, purpose_i18n={"de": "E-Mail-Zustellung"})
    change.subprocessor.refresh_from_db()
    data = payload(change, "general", event="announced")
    assert data["subprocessor"]["purpose"] == "Delivering outgoing e-mail"
    assert data["subprocessor"]["purpose_i18n"] == {"en": "Delivering outgoing e-mail", "de": "E-Mail-Zustellung"}
    assert SINCE  # the fixtures' date is in use


def test_my_subprocessors_api_names_categories_and_services_in_every_language(sp_world, make_user):
    """The public register JSON's rule on the customer's API: the English strings stay, ``…_i18n`` adds
    every language (the glossary's terms, the services' names), English first."""
    from art28.core.roles import Role
    from art28.inventory.models import Service
    from art28.inventory.services import service_texts_update

    data_category_create(
        actor=TEST_ACTOR, kind=CategoryKind.DATA, name="ticket content", name_i18n={"fr": "contenu des tickets"}
    )
    service_texts_update(actor=TEST_ACTOR, service=Service.objects.get(name=WEB), name_i18n={"fr": "Hébergement web"})
    translate_helpdesk(sp_world, data_categories="ticket content;requester names")
    admin = make_user("alice@acme.example", Role.CUSTOMER_ADMIN, sp_world.acme)
    [helpdesk] = token_client(admin).get(f"{API}/my/subprocessors").json()
    assert helpdesk["data_categories"] == ["requester names", "ticket content"]
    assert helpdesk["data_categories_i18n"] == {
        "requester names": {"en": "requester names"},
        "ticket content": {"en": "ticket content", "fr": "contenu des tickets"},
    }
    assert helpdesk["services"] == [WEB]
    assert helpdesk["services_i18n"] == {WEB: {"en": WEB, "fr": "Hébergement web"}}
