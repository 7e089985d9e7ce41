"""The categories of data subjects in a breach (GDPR Art. 33(3)(a); DSV Art. 15(1)(d)): aggregated per
affected customer by the impact engine, frozen at the decision, stated in every notice (text in the
customer's language, webhook payload) and in the Art. 33(5) register; and the webhook payload carries the
whole Art. 33(3) / DSV Art. 15(1) content."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.utils import translation
from django.utils.translation import gettext

from art28.breaches.decisions import incident_decide_notify
from art28.breaches.impact import impact_of_incident, impact_of_scope, resolve_scope
from art28.breaches.models import AffectedCustomer
from art28.breaches.register import csv_chunks
from art28.breaches.sending import notice_create
from art28.breaches.services import incident_update
from art28.core.glossary import data_category_create
from art28.core.translated import language_name
from art28.inventory.models import Placement
from art28.notify.models import Message
from art28.notify.webhooks import event_body
from tests.breaches.flows import declared, notified
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def subject_categories(**scope: list[str]) -> dict[str, list[str]]:
    return {c.customer: c.subject_categories for c in impact_of_scope(resolve_scope(**scope)).customers}


def test_gdpr_art_33_3_a_impact_aggregates_subject_categories_of_exactly_the_affected_placements(breach_world):
    """Per customer, the union of the subject categories of its *affected* placements only: BETA's
    employees (gva-vm-2, at GVA1) are not in a breach of FRA1, and ACME's patients (gva-db-1) are not in
    a breach of the volume gva-vol-1 alone."""
    assert subject_categories(sites=["FRA1"]) == {"BETA": ["customers"], "DELTA": []}
    assert subject_categories(assets=["gva-vol-1"]) == {"ACME": ["customers", "website visitors"]}
    assert subject_categories(sites=["GVA1"]) == {
        "ACME": ["customers", "patients", "website visitors"],
        "BETA": ["employees"],
    }
    # A placement matched several ways, or two placements with the same lists, count once.
    assert subject_categories(sites=["GVA1"], assets=["gva-host-1", "gva-vol-1"])["ACME"] == [
        "customers",
        "patients",
        "website visitors",
    ]


def test_gdpr_art_33_3_a_the_impact_stays_one_query_with_subject_categories(breach_world, django_assert_num_queries):
    scope = resolve_scope(sites=["GVA1", "ZRH1", "FRA1"])
    with django_assert_num_queries(1):
        assert impact_of_scope(scope).customers[0].subject_categories == ["customers", "patients", "website visitors"]


def test_gdpr_art_33_3_a_subject_categories_are_frozen_at_the_decision_and_a_change_shows(breach_world):
    incident = declared(sites=["GVA1"])
    notified(incident)
    frozen = {
        row.organisation.ref: row.subject_categories for row in AffectedCustomer.objects.filter(incident=incident)
    }
    assert frozen == {"ACME": "customers;patients;website visitors", "BETA": "employees"}
    # The inventory learns BETA's VM also holds job applicants' data: the live impact differs, the frozen
    # row (what was told) does not until someone freezes again.
    Placement.objects.filter(customer=breach_world.beta, asset__ref="gva-vm-2").update(
        subject_categories="employees;job applicants"
    )
    assert AffectedCustomer.objects.get(incident=incident, organisation=breach_world.beta).subject_categories == (
        "employees"
    )
    live = {c.customer: c.subject_categories for c in impact_of_incident(incident.pk).customers}
    assert live["BETA"] == ["employees", "job applicants"]


@pytest.mark.parametrize(
    ("ref", "language", "expected"),
    [
        ("ACME", "fr", "clients; patients; visiteurs du site web"),
        ("BETA", "de", "Kundinnen und Kunden; Mitarbeitende"),
        ("GAMMA", "it", "members ({marker})"),  # not in the glossary: English, marked
        ("DELTA", "en", "—"),  # none declared: said so, not left out
    ],
)
def test_gdpr_art_33_3_a_dsv_art_15_1_d_the_notice_names_the_customers_own_subject_categories(
    breach_world, ref, language, expected
):
    """The text in the customer's language states the categories of data subjects of *its* data, in the
    glossary's terms in that language (core.glossary)."""
    for name, fr, de in (
        ("customers", "clients", "Kundinnen und Kunden"),
        ("patients", "patients", "Patientinnen und Patienten"),
        ("website visitors", "visiteurs du site web", "Besucherinnen und Besucher der Website"),
        ("employees", "collaborateurs", "Mitarbeitende"),
    ):
        data_category_create(actor=TEST_ACTOR, kind="subjects", name=name, name_i18n={"fr": fr, "de": de})
    notice = notified(declared(sites=["GVA1", "ZRH1", "FRA1"]))
    message = Message.objects.get(organisation__ref=ref, source_id=notice.pk)
    assert message.language == language
    with translation.override(language):
        marker = gettext("not available in %(language)s") % {"language": language_name(language)}
        expected = expected.replace("{marker}", marker)
        line = gettext("Categories of data subjects: {subject_categories}").replace("{subject_categories}", expected)
    assert line in message.body_text.splitlines()
    assert "{subject_categories}" in notice.texts[language]["body"]  # filled per customer at sending
    english = {"ACME": "customers; patients; website visitors", "BETA": "customers; employees", "GAMMA": "members"}
    # The machine-readable payload keeps the English terms.
    assert message.payload["impact"]["subject_categories"] == (english[ref].split("; ") if ref in english else [])


def test_gdpr_art_33_3_a_to_d_dsv_art_15_1_webhook_payload_carries_the_full_content(breach_world, settings):
    """The signed webhook's data has every element of GDPR Art. 33(3)(a)-(d) and DSV Art. 15(1)(a)-(g), not
    a summary: nature; categories and approximate numbers of data subjects and of records; time and
    duration; likely consequences; measures taken or proposed; contact point; and the existing keys."""
    incident = declared(sites=["GVA1"])
    ended = incident.started_at + dt.timedelta(hours=2, minutes=30)
    incident_update(actor=TEST_ACTOR, incident=incident, ended_at=ended)
    notice = notified(incident)
    message = Message.objects.get(organisation=breach_world.acme, source_id=notice.pk)
    data = json.loads(event_body(message))["data"]

    assert data["type"] == "art28/breach-notice" and data["incident"] == incident.ref
    assert data["notice"] == {"kind": "initial", "sequence": 1}
    assert data["title"] == "Hypervisor escape on GVA1"
    assert data["description"] == "A guest escaped to the host and read other guests' memory."
    # (a) nature, categories and approximate numbers of data subjects and records.
    assert data["nature"] == ["confidentiality", "integrity"]
    assert data["impact"] == {
        "assets": ["gva-db-1", "gva-vol-1"],
        "data_categories": ["contact", "customer", "health"],
        "subject_categories": ["customers", "patients", "website visitors"],
        "subjects": 1300,
        "records": 5300,
        "figures_are_estimates": True,
    }
    # (b) contact point (DPO); (c) likely consequences; (d) measures taken or proposed.
    # Where the DPO's contact is read from is not this test's business (one source, issue item 12).
    assert set(data["contact"]) == {"name", "email"} and "@" in data["contact"]["email"]
    assert data["likely_consequences"] == "Contact details may be used for phishing."
    assert data["measures"] == "The host was isolated and patched; credentials were rotated."
    # DSV Art. 15(1)(b): time and duration; and when the provider became aware.
    assert data["started_at"] == incident.started_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    assert data["ended_at"] == ended.astimezone(dt.UTC).isoformat(timespec="microseconds")
    assert (data["ongoing"], data["duration_seconds"]) == (False, 9000)
    assert data["aware_at"] == incident.aware_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    assert data["provider_commitment_hours"] == settings.ART28_BREACH_NOTICE_HOURS
    # The outbox's own fields are still there beside the content.
    assert data["organisation"] == "ACME" and data["requires_ack"] is True and data["language"] == "fr"


def test_dsv_art_15_1_an_ongoing_breach_and_facts_not_known_yet_are_null_in_the_payload(breach_world):
    """Art. 33(4), DSV Art. 15(2): what is not known yet follows later; the payload says null, not ""."""
    incident = declared(consequences="", measures="", description="")
    notice = notified(incident)
    payload = Message.objects.get(organisation=breach_world.acme, source_id=notice.pk).payload
    assert (payload["ended_at"], payload["ongoing"], payload["duration_seconds"]) == (None, True, None)
    assert (payload["likely_consequences"], payload["measures"], payload["description"]) == (None, None, None)


def test_gdpr_art_33_5_register_states_the_categories_of_data_subjects_and_of_data(breach_world, staff_client):
    incident = declared(sites=["GVA1"])
    notified(incident)
    undecided = declared(title="Still assessing", sites=["FRA1"])
    rows = {row["ref"]: row for row in csv.DictReader(io.StringIO("".join(csv_chunks())))}
    assert rows[incident.ref]["subject_categories"] == "customers;employees;patients;website visitors"
    assert rows[incident.ref]["data_categories"] == "contact;customer;health"
    assert rows[undecided.ref]["subject_categories"] == ""  # nothing frozen before a decision
    page = staff_client.get("/staff/breaches/register/").content.decode()
    assert "customers, employees, patients, website visitors" in page
    incident_page = staff_client.get(f"/staff/breaches/{incident.ref}/").content.decode()
    assert "Categories of data subjects" in incident_page and "customers, patients, website visitors" in incident_page


def test_the_staff_notice_page_offers_the_subject_categories_placeholder(breach_world, staff_client):
    incident = declared()
    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    draft = notice_create(actor=TEST_ACTOR, incident=incident, kind="initial")
    page = staff_client.get(f"/staff/breaches/{incident.ref}/notices/{draft.sequence}/").content.decode()
    assert "<code>{subject_categories}</code>" in page
