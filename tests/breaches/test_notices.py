"""Notices: content (GDPR Art. 33(3), DSV Art. 15(1)), phases (Art. 33(4)), languages, editing,
sending to exactly the affected customers, and the clock against the provider's commitment."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from art28.breaches.decisions import incident_decide_no_notification, incident_decide_notify
from art28.breaches.models import AffectedCustomer, Nature, Notice
from art28.breaches.notices import fill, render_default
from art28.breaches.sending import notice_create, notice_delete, notice_send, notice_texts_update
from art28.breaches.services import incident_update
from art28.core.glossary import data_category_create
from art28.core.models import AuditEntry
from art28.notify.models import Delivery, Message
from tests.breaches.flows import declared, notified
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def grouped(n: int, language: str) -> str:
    with translation.override(language):
        return formats.number_format(n, force_grouping=True)


def heading(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


# How each language cites the law the notice quotes (the customer's deadlines and the provider's own).
CITATIONS = {
    "en": ["Art. 33(1)", "Art. 24(1)", "FDPIC", "Art. 33(2)", "Art. 24(3)"],
    "fr": ["Art. 33, par. 1, RGPD", "Art. 24, al. 1, LPD", "PFPDT", "art. 33, par. 2, RGPD", "art. 24, al. 3, LPD"],
    "de": ["Art. 33 Abs. 1 DSGVO", "Art. 24 Abs. 1 DSG", "EDÖB", "Art. 33 Abs. 2 DSGVO", "Art. 24 Abs. 3 DSG"],
    "it": ["Art. 33 par. 1 RGPD", "Art. 24 cpv. 1 LPD", "IFPDT", "art. 33 par. 2 RGPD", "art. 24 cpv. 3 LPD"],
}


@pytest.mark.parametrize(
    ("ref", "language", "subjects", "records", "categories", "assets"),
    [
        ("ACME", "fr", 1310, 5320, "contact; customer; health; logs", "gva-db-1, gva-vol-1, zrh-bucket-1"),
        ("BETA", "de", 57, 68, "billing; contact", "fra-vm-1, gva-vm-2"),
        ("GAMMA", "it", 3, 4, "contact", "zrh-bucket-2"),
        ("DELTA", "en", 1, 1, "contact", "fra-vm-1"),
    ],
)
def test_art_33_3_content_in_each_customers_language(
    breach_world, settings, ref, language, subjects, records, categories, assets
):
    """GDPR Art. 33(3) + DSV Art. 15(1): nature, categories and approximate numbers of data subjects and
    records (the customer's own), time and duration, consequences, measures, contact point (DPO)."""
    settings.ART28_DPO_NAME, settings.ART28_DPO_EMAIL = "Dana Protector", "dpo@provider.example"
    incident = declared(sites=["GVA1", "ZRH1", "FRA1"])
    incident_update(actor=TEST_ACTOR, incident=incident, ended_at=timezone.now())
    notice = notified(incident)
    message = Message.objects.get(organisation__ref=ref, source_type="breaches.notice", source_id=notice.pk)
    body = message.body_text
    assert message.language == language
    assert incident.ref in message.subject
    for section in (
        "Nature of the breach",
        "Your data concerned",
        "Time and duration",
        "Likely consequences",
        "Measures taken or proposed",
        "Contact point",
        "Deadlines that may now run on your side",
    ):
        assert heading(section, language) in body, section
    with translation.override(language):
        assert str(Nature.CONFIDENTIALITY.label) in body and str(Nature.INTEGRITY.label) in body
        assert str(Nature.AVAILABILITY.label) not in body
    assert grouped(subjects, language) in body and grouped(records, language) in body
    # Terms outside the glossary of data categories: in English, marked where the notice is not (core.glossary).
    assert all(term in body for term in categories.split("; ")) and assets in body
    with translation.override(language):
        assert formats.date_format(timezone.localtime(incident.started_at), "DATETIME_FORMAT") in body
        assert formats.date_format(timezone.localtime(incident.aware_at), "DATETIME_FORMAT") in body
    assert "Contact details may be used for phishing." in body
    assert "The host was isolated and patched" in body
    assert "Dana Protector" in body and "dpo@provider.example" in body
    # The clocks on the customer's side, without legal advice, and the provider's promise as a promise.
    for citation in CITATIONS[language]:
        assert citation in body, citation
    assert " 72 " in body and f" {settings.ART28_BREACH_NOTICE_HOURS} " in body
    assert message.payload["impact"]["subjects"] == subjects and message.payload["nature"] == [
        "confidentiality",
        "integrity",
    ]


def test_an_ongoing_breach_says_so(breach_world):
    notice = notified(declared())
    for message in Message.objects.filter(source_id=notice.pk):
        assert heading("Ended: the breach is ongoing.", message.language) in message.body_text


def test_only_affected_customers_receive_anything(breach_world):
    """The notice goes to exactly the frozen affected customers (ACME and BETA at GVA1); GAMMA and DELTA,
    whose data is elsewhere, get no message and no delivery."""
    notice = notified(declared(sites=["GVA1"]))
    per_org = {org.ref: Message.objects.filter(organisation=org).count() for org in breach_world.organisations}
    assert per_org == {"ACME": 1, "BETA": 1, "GAMMA": 0, "DELTA": 0}
    deliveries = {
        org.ref: Delivery.objects.filter(message__organisation=org).count() for org in breach_world.organisations
    }
    assert deliveries == {"ACME": 2, "BETA": 2, "GAMMA": 0, "DELTA": 0}  # e-mail and portal each
    assert notice.recipients == 2 and notice.deliveries == 4
    message = Message.objects.get(organisation=breach_world.acme)
    assert (message.topic, message.source_type, message.source_id, message.requires_ack) == (
        "breach.notice",
        "breaches.notice",
        notice.pk,
        True,
    )
    entry = AuditEntry.objects.get(action="notice.send")
    assert entry.after["customers"] == 2 and entry.after["deliveries"] == 4
    assert entry.after["phase"] == {"before": "assessed", "after": "notifying"}


def test_art_33_4_phases_first_notice_updates_final_report(breach_world):
    """GDPR Art. 33(4): information in phases. One first notice, then updates, then one final report."""
    incident = declared()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    with pytest.raises(ValidationError, match="Send the first notice before"):
        notice_create(actor=TEST_ACTOR, incident=incident, kind="update")
    first = notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")
    with pytest.raises(ValidationError, match="not sent yet"):
        notice_create(actor=TEST_ACTOR, incident=incident, kind="update")
    notice_send(actor=TEST_ACTOR, notice=first)
    with pytest.raises(ValidationError, match="first notice exists"):
        notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")
    update = notified(incident, kind="update")
    final = notified(incident, kind="final")
    assert [(n.sequence, n.kind) for n in (first, update, final)] == [(1, "initial"), (2, "update"), (3, "final")]
    with pytest.raises(ValidationError, match="final report was sent"):
        notice_create(actor=TEST_ACTOR, incident=incident, kind="update")
    subjects = list(
        Message.objects.filter(organisation=breach_world.acme).order_by("source_id").values_list("subject", flat=True)
    )
    # ACME reads French.
    assert [s.rsplit(", ", 1)[1] for s in subjects] == ["première notification", "mise à jour n° 2", "rapport final"]
    with pytest.raises(ValidationError, match="already sent"):
        notice_send(actor=TEST_ACTOR, notice=first)


def test_a_person_edits_the_text_per_language_and_what_is_sent_is_stored(breach_world):
    # The categories are written from the glossary in each customer's language (core.glossary).
    for kind, name, fr, de in (
        ("data", "contact", "coordonnées", "Kontaktdaten"),
        ("data", "customer", "données clients", "Kundendaten"),
        ("data", "health", "données sur la santé", "Gesundheitsdaten"),
        ("subjects", "employees", "collaborateurs", "Mitarbeitende"),
    ):
        data_category_create(actor=TEST_ACTOR, kind=kind, name=name, name_i18n={"fr": fr, "de": de})
    incident = declared()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    notice = notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")
    assert notice.languages == ["fr", "de"]  # ACME (fr) and BETA (de) only
    fr_body = "Chère cliente {customer_name}, {subjects} personnes et {records} enregistrements ({data_categories})."
    notice_texts_update(
        actor=TEST_ACTOR, notice=notice, texts={"fr": {"subject": "Violation {customer_ref}", "body": fr_body}}
    )
    sent = notice_send(actor=TEST_ACTOR, notice=notice)
    acme = Message.objects.get(organisation=breach_world.acme)
    assert acme.subject == "Violation ACME"
    people, records = grouped(1300, "fr"), grouped(5300, "fr")
    expected = (
        f"Chère cliente Acme Sàrl, {people} personnes et {records} enregistrements "
        "(coordonnées; données clients; données sur la santé)."
    )
    assert acme.body_text == expected
    beta = {"customer_name": "Beta AG", "customer_ref": "BETA", "subjects": "50", "records": "60"}
    beta |= {"data_categories": "Kontaktdaten", "subject_categories": "Mitarbeitende", "assets": "gva-vm-2"}
    assert Message.objects.get(organisation=breach_world.beta).body_text == fill(sent.texts["de"]["body"], beta)
    assert sent.texts["fr"]["body"] == fr_body
    with pytest.raises(ValidationError, match="cannot change"):
        notice_texts_update(actor=TEST_ACTOR, notice=sent, texts={"fr": {"subject": "x", "body": "y"}})


def test_unknown_placeholders_and_empty_texts_are_refused(breach_world):
    incident = declared()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    with pytest.raises(ValidationError) as caught:
        notice_create(
            actor=TEST_ACTOR,
            incident=incident,
            kind="initial",
            texts={"fr": {"subject": "S", "body": "{subject_count}"}},
        )
    assert "unknown placeholder {subject_count}" in caught.value.messages[0]
    with pytest.raises(ValidationError, match="needs a subject and a body"):
        notice_create(actor=TEST_ACTOR, incident=incident, kind="initial", texts={"de": {"subject": "", "body": ""}})
    with pytest.raises(ValidationError, match="unknown language"):
        notice_create(actor=TEST_ACTOR, incident=incident, kind="initial", texts={"xx": {"subject": "S", "body": "B"}})


def test_a_draft_can_be_discarded_but_a_sent_notice_cannot(breach_world):
    incident = declared()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    draft = notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")
    notice_delete(actor=TEST_ACTOR, notice=draft)
    assert not Notice.objects.exists()
    sent = notified(incident)
    with pytest.raises(ValidationError, match="part of the breach record"):
        notice_delete(actor=TEST_ACTOR, notice=sent)


def test_no_notice_without_a_decision_to_notify(breach_world):
    incident = declared()
    with pytest.raises(ValidationError, match="decide first"):
        notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")
    incident_decide_no_notification(actor=TEST_ACTOR, incident=incident, reason="Only test data on the host.")
    with pytest.raises(ValidationError, match="decide first"):
        notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")


def test_no_notification_is_impossible_once_customers_were_told(breach_world):
    incident = notified().incident
    with pytest.raises(ValidationError, match="already been notified"):
        incident_decide_no_notification(actor=TEST_ACTOR, incident=incident, reason="On second thought.")


def test_first_notice_within_the_commitment_is_in_time(breach_world, settings):
    """The provider's commitment (ART28_BREACH_NOTICE_HOURS after awareness), not the law: GDPR Art. 33(2)."""
    settings.ART28_BREACH_NOTICE_HOURS = 24
    notice = notified(declared(aware_hours_ago=2))
    rows = AffectedCustomer.objects.all()
    assert {r.late for r in rows} == {False}
    assert {r.first_notice_at for r in rows} == {notice.sent_at}


def test_lateness_is_frozen_at_the_first_notice(breach_world, settings):
    """GDPR Art. 33(2) / nFADP Art. 24(3) measured against the provider's commitment: late at the first notice
    stays late, even when aware_at is corrected later, and later notices do not move the first-notice time."""
    settings.ART28_BREACH_NOTICE_HOURS = 24
    incident = declared(aware_hours_ago=30)
    first = notified(incident)
    rows = list(AffectedCustomer.objects.all())
    assert {r.late for r in rows} == {True}
    due = {r.notice_due_at for r in rows}
    incident_update(actor=TEST_ACTOR, incident=incident, aware_at=timezone.now() - timezone.timedelta(hours=1))
    notified(incident, kind="update")
    rows = list(AffectedCustomer.objects.all())
    assert {r.late for r in rows} == {True}
    assert {r.first_notice_at for r in rows} == {first.sent_at}
    assert {r.notice_due_at for r in rows} == due


def test_a_customer_added_later_gets_its_own_first_notice_time(breach_world):
    from art28.breaches.decisions import incident_impact_freeze
    from art28.breaches.services import incident_scope_set

    incident = declared(sites=["GVA1"])
    first = notified(incident)
    incident_scope_set(actor=TEST_ACTOR, incident=incident, sites=["GVA1", "ZRH1"])
    incident_impact_freeze(actor=TEST_ACTOR, incident=incident)
    update = notified(incident, kind="update")
    times = dict(AffectedCustomer.objects.values_list("organisation__ref", "first_notice_at"))
    assert times == {"ACME": first.sent_at, "BETA": first.sent_at, "GAMMA": update.sent_at}
    assert Message.objects.filter(organisation=breach_world.gamma).count() == 1
    assert Message.objects.filter(organisation=breach_world.delta).count() == 0


def test_sending_costs_the_same_queries_for_many_customers(breach_world, make_org, django_assert_max_num_queries):
    few = declared(sites=["GVA1"])
    incident_decide_notify(actor=TEST_ACTOR, incident=few)
    notice = notice_create(actor=TEST_ACTOR, incident=few, kind="initial")
    with django_assert_max_num_queries(20) as few_queries:
        notice_send(actor=TEST_ACTOR, notice=notice)
    inv = breach_world.inventory
    for n in range(40):
        org = make_org(f"MANY{n:02d}", language=["en", "fr", "de", "it"][n % 4], privacy_email=f"p{n}@many.example")
        inv.place(org, "gva-host-2", subjects=n, records=n)
    many = declared(sites=["GVA1"])
    incident_decide_notify(actor=TEST_ACTOR, incident=many)
    notice = notice_create(actor=TEST_ACTOR, incident=many, kind="initial")
    with django_assert_max_num_queries(len(few_queries.captured_queries)):
        notice_send(actor=TEST_ACTOR, notice=notice)
    assert Message.objects.filter(source_id=notice.pk).count() == 42


def test_the_default_text_renders_in_every_language(breach_world):
    incident = declared()
    for language in ("en", "fr", "de", "it"):
        text = render_default(incident, kind="initial", sequence=1, language=language)
        assert "{subjects}" in text["body"] and "{records}" in text["body"] and incident.ref in text["subject"]
