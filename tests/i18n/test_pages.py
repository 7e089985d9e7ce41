"""Real pages and the real breach notice, rendered in French, German and Italian.

A language is chosen as a user chooses it: the ``django_language`` cookie (set by the language
switcher), the browser's Accept-Language, or, in the portal, the customer user's own language.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from art28.breaches.notices import PLACEHOLDERS, render_default
from art28.notify.models import Message
from tests.breaches.flows import declared, notified
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


PORTAL_HEADINGS = {
    "en": "Where the data of Acme Sàrl is",
    "fr": "Où se trouvent les données de Acme Sàrl",
    "de": "Wo sich die Daten von Acme Sàrl befinden",
    "it": "Dove si trovano i dati di Acme Sàrl",
}
PORTAL_NAV = {"en": "Inbox", "fr": "Boîte de réception", "de": "Posteingang", "it": "Posta in arrivo"}


@pytest.mark.parametrize("language", ["fr", "de", "it"])
def test_the_customer_portal_in_the_chosen_language(client_a, language):
    html = in_language(client_a, language).get("/portal/").content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{PORTAL_HEADINGS[language]}</h1>" in html
    assert PORTAL_NAV[language] in html
    assert PORTAL_HEADINGS["en"] not in html


@pytest.mark.parametrize("language", ["fr", "de", "it"])
def test_the_portal_speaks_the_customer_users_language_unless_they_chose_another(customer_a, language):
    customer_a.language = language
    customer_a.save(update_fields=["language"])
    client = logged_in(customer_a)
    assert PORTAL_HEADINGS[language] in client.get("/portal/").content.decode()
    assert PORTAL_HEADINGS["en"] in in_language(client, "en").get("/portal/").content.decode()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("fr", ["Tableau de bord", "<h2>Violations</h2>", "<h2>Localisation des données</h2>", "Inventaire"]),
        ("de", ["Dashboard", "<h2>Verletzungen</h2>", "<h2>Datenstandort</h2>", "Inventar"]),
        ("it", ["Cruscotto", "<h2>Violazioni</h2>", "<h2>Localizzazione dei dati</h2>", "Inventario"]),
    ],
)
def test_the_staff_dashboard_in_the_chosen_language(staff_client, language, texts):
    html = in_language(staff_client, language).get("/staff/").content.decode()
    for text in texts:
        assert text in html
    assert "Data residency" not in html


@pytest.mark.parametrize(
    ("accept_language", "heading", "datacenters"),
    [
        ("fr-CH,fr;q=0.9", "Centre de confiance", "Centres de données"),
        ("de-CH,de;q=0.9", "Trust Center", "Rechenzentren"),
        ("it-CH,it;q=0.9", "Centro di fiducia", "Centri di calcolo"),
    ],
)
def test_the_public_trust_center_follows_the_browsers_language(client, accept_language, heading, datacenters):
    html = client.get("/trust/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert f"<h1>{heading}</h1>" in html and datacenters in html


# The customer breach notice (GDPR Art. 33(2)-(3), nFADP Art. 24(3), DSV Art. 15): a formal letter with
# the Swiss legal terms of each language, and every per-customer placeholder kept for filling in.
NOTICE = {
    "fr": {
        "subject": "violation de la sécurité des données",
        "letter": ["Madame, Monsieur,", "salutations distinguées", "vous"],
        "law": [
            "sous-traitant",
            "responsable du traitement",
            "autorité de contrôle",
            "personnes concernées",
            "art. 28 RGPD",
            "art. 9 LPD",
            "préposé fédéral à la protection des données et à la transparence (PFPDT)",
            "art. 24, al. 3, LPD",
        ],
        "initial": "première notification relative à l'incident",
        "update": "mise à jour n° 2 relative à l'incident",
        "final": "rapport final relatif à l'incident",
        "hour": ("dans un délai de 1 heure à compter", "dans un délai de 24 heures à compter"),
    },
    "de": {
        "subject": "Verletzung der Datensicherheit",
        "letter": ["Sehr geehrte Damen und Herren,", "Freundliche Grüsse", "Sie"],
        "law": [
            "Auftragsbearbeiter",
            "Verantwortliche",
            "Aufsichtsbehörde",
            "betroffenen Personen",
            "Art. 28 DSGVO",
            "Art. 9 DSG",
            "Eidgenössischen Datenschutz- und Öffentlichkeitsbeauftragten (EDÖB)",
            "Art. 24 Abs. 3 DSG",
        ],
        "initial": "Erstmeldung zum Vorfall",
        "update": "Aktualisierung Nr. 2 zum Vorfall",
        "final": "Schlussbericht zum Vorfall",
        "hour": ("innert 1 Stunde,", "innert 24 Stunden,"),
    },
    "it": {
        "subject": "violazione della sicurezza dei dati",
        "letter": ["Spettabile ", "Gentili Signore e Signori,", "Distinti saluti", "La informiamo"],
        "law": [
            "responsabile del trattamento",
            "titolare del trattamento",
            "autorità di controllo",
            "persone interessate",
            "art. 28 RGPD",
            "art. 9 LPD",
            "Incaricato federale della protezione dei dati e della trasparenza (IFPDT)",
            "art. 24 cpv. 3 LPD",
        ],
        "initial": "prima notifica relativa all'incidente",
        "update": "aggiornamento n. 2 relativo all'incidente",
        "final": "rapporto finale relativo all'incidente",
        "hour": ("entro 1 ora dal", "entro 24 ore dal"),
    },
}
ENGLISH_LEFTOVERS = ["Dear", "What happened", "Contact point", "GDPR", "nFADP", "FDPIC", "processor", "controller"]


@pytest.mark.parametrize("language", ["fr", "de", "it"])
@pytest.mark.parametrize("kind", ["initial", "update", "final"])
def test_the_breach_notice_is_a_formal_letter_in_each_language(breach_world, settings, language, kind):
    expected = NOTICE[language]
    incident = declared()
    text = render_default(incident, kind=kind, sequence=2 if kind == "update" else 1, language=language)
    assert expected["subject"] in text["subject"] and incident.ref in text["subject"]
    body = text["body"]
    for phrase in [*expected["letter"], *expected["law"], expected[kind]]:
        assert phrase in body, phrase
    for name in PLACEHOLDERS:
        if name != "customer_ref":  # the default text does not use the reference; a person may add it
            assert "{" + name + "}" in body, name
    for english in ENGLISH_LEFTOVERS:
        assert english not in body, english
    assert body.rstrip().endswith(settings.ART28_PROVIDER_NAME)


@pytest.mark.parametrize("language", ["fr", "de", "it"])
def test_the_providers_commitment_in_hours_uses_the_languages_plural(breach_world, settings, language):
    one, many = NOTICE[language]["hour"]
    incident = declared()
    settings.ART28_BREACH_NOTICE_HOURS = 1
    assert one in render_default(incident, kind="initial", sequence=1, language=language)["body"]
    settings.ART28_BREACH_NOTICE_HOURS = 24
    assert many in render_default(incident, kind="initial", sequence=1, language=language)["body"]


def test_each_affected_customer_receives_the_notice_in_its_own_language(breach_world):
    """ACME (fr) and BETA (de) are affected at GVA1; each message is filled in for that customer."""
    notice = notified(declared(sites=["GVA1"]))
    acme = Message.objects.get(organisation=breach_world.acme, source_id=notice.pk)
    beta = Message.objects.get(organisation=breach_world.beta, source_id=notice.pk)
    assert acme.body_text.startswith("Acme Sàrl\n\nMadame, Monsieur,\n")
    assert "violation de la sécurité des données" in acme.subject
    assert beta.body_text.startswith("Beta AG\n\nSehr geehrte Damen und Herren,\n")
    assert "Verletzung der Datensicherheit" in beta.subject
    for message in (acme, beta):
        assert "{" not in message.body_text, "a placeholder was left unfilled"
