"""The trust center's content in the reader's language (issue 11 item 2): the register's purposes,
safeguards and service names, the DPO's introduction; the JSON keeps English and adds ``<field>_i18n``
(schema version 2, validated against docs/schemas/)."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.conftest import TEST_ACTOR
from tests.trust.test_machine_readable import validate

from art28.core.dpo import dpo_profile_update
from art28.inventory.models import Service
from art28.subprocessors.models import SubProcessor
from art28.subprocessors.services import subprocessor_update

pytestmark = pytest.mark.django_db

CLOUD_FR = "Machines virtuelles pour l’hébergement web"
CLOUD_DE = "Virtuelle Maschinen für das Webhosting"


def translate(register) -> None:
    cloud = SubProcessor.objects.get(slug="cloud")
    subprocessor_update(actor=TEST_ACTOR, subprocessor=cloud, purpose_i18n={"fr": CLOUD_FR, "de": CLOUD_DE})
    cdn = SubProcessor.objects.get(slug="cdn")
    subprocessor_update(actor=TEST_ACTOR, subprocessor=cdn, transfer_safeguard_i18n={"de": "Standardvertragsklauseln"})
    Service.objects.filter(name="Web hosting").update(name_i18n={"fr": "Hébergement web", "de": "Webhosting"})


def test_the_json_keeps_english_and_adds_every_language(client: Client, register):
    translate(register)
    document = client.get("/trust/subprocessors.json").json()
    validate(document)
    assert document["version"] == 2
    cloud = next(sp for sp in document["subprocessors"] if sp["id"] == "cloud")
    assert cloud["purpose"] == "Virtual machines for the web hosting"
    assert cloud["purpose_i18n"] == {"en": "Virtual machines for the web hosting", "fr": CLOUD_FR, "de": CLOUD_DE}
    assert cloud["services"] == ["Web hosting"]
    assert cloud["services_i18n"] == {"Web hosting": {"en": "Web hosting", "fr": "Hébergement web", "de": "Webhosting"}}
    assert cloud["transfer_safeguard_i18n"] == {}
    cdn = next(sp for sp in document["subprocessors"] if sp["id"] == "cdn")
    assert cdn["transfer_safeguard_i18n"]["de"] == "Standardvertragsklauseln"
    assert next(iter(cdn["transfer_safeguard_i18n"])) == "en"


def test_the_schema_refuses_a_translation_in_an_unknown_language(client: Client, register):
    document = client.get("/trust/subprocessors.json").json()
    document["subprocessors"][0]["purpose_i18n"] = {"xx": "?"}
    with pytest.raises(Exception, match="xx"):
        validate(document)


def test_a_german_reader_gets_the_german_texts_and_the_english_marked(client: Client, register):
    translate(register)
    html = client.get("/de/trust/").content.decode()
    assert CLOUD_DE in html and "Webhosting" in html and "Standardvertragsklauseln" in html
    assert CLOUD_FR not in html
    # "Content delivery" (the CDN's purpose) has no German: English, marked, in lang="en".
    assert '<span lang="en">Content delivery</span> <span class="untranslated" lang="de">' in html


def test_the_dpo_introduction_in_the_readers_language(client: Client, register):
    dpo_profile_update(
        actor=TEST_ACTOR,
        name="Anna Muster",
        email="dpo@provider.example",
        introduction="I answer your questions.",
        introduction_i18n={"fr": "Je réponds à vos questions.", "de": "Ich beantworte Ihre Fragen."},
    )
    assert "Je réponds à vos questions." in client.get("/fr/trust/").content.decode()
    italian = client.get("/it/trust/").content.decode()
    assert '<span lang="en">I answer your questions.</span> <span class="untranslated" lang="it">' in italian


def test_the_atom_feed_names_the_services_in_its_language(client: Client, register, announce):
    Service.objects.filter(name="Web hosting").update(name_i18n={"fr": "Hébergement web"})
    announce("newco")
    assert "Hébergement web" in client.get("/fr/trust/subprocessors.atom").content.decode()
    assert "Hébergement web" not in client.get("/en/trust/subprocessors.atom").content.decode()


def test_a_subscribers_change_mail_gives_the_purpose_in_its_language_or_the_english_marked(
    client: Client, register, announce, smtp_server
):
    from tests.trust.conftest import drain, plain, sent_to
    from tests.trust.test_subscriptions import subscribed

    subscribed(client, smtp_server, "leser@example.org", language="de")
    subscribed(client, smtp_server, "lettore@example.org", language="it")
    announce("newco", legal_name="New Company SA", purpose="Log analysis", purpose_i18n={"de": "Log-Auswertung"})
    drain()
    german = plain(sent_to(smtp_server, "leser@example.org")[-1])
    assert "Log-Auswertung" in german and "Log analysis" not in german
    italian = plain(sent_to(smtp_server, "lettore@example.org")[-1])
    assert "Log analysis [" in italian  # the English, with the marker in Italian
