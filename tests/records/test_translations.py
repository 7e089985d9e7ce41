"""Measures, the responsibility matrix and the services' texts in four languages (issue 11 item 2): staff
edit every language side by side, the services validate and audit, the customer reads its language (or the
English marked "not available in …"), and the record's JSON carries every language."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from art28.core.models import AuditEntry
from art28.inventory.models import Service
from art28.inventory.services import service_texts_update
from art28.records.exports import controller_json
from art28.records.generation import controller_record
from art28.records.models import Responsibility, TechnicalMeasure
from art28.records.services import measure_update, responsibility_update
from tests.conftest import TEST_ACTOR, logged_in

pytestmark = pytest.mark.django_db


def speaking(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_the_measure_form_saves_all_four_languages(records_world, dpo_client):
    form = {
        "ref": "tom-b-backup-isolation",
        "area": "b",
        "title": "Isolated backups",
        "title__fr": "Sauvegardes isolées",
        "title__de": "Isolierte Sicherungen",
        "title__it": "Backup isolati",
        "description": "Backups in a separate network.",
        "description__fr": "Sauvegardes dans un réseau séparé.",
        "owner": records_world.dpo.pk,
        "review_every_days": 180,
        "next_review_on": "2027-01-31",
    }
    assert 'name="title__it"' in dpo_client.get("/staff/records/measures/new/").content.decode()
    assert dpo_client.post("/staff/records/measures/new/", form).status_code == 302
    measure = TechnicalMeasure.objects.get(ref="tom-b-backup-isolation")
    assert measure.title_i18n == {"de": "Isolierte Sicherungen", "fr": "Sauvegardes isolées", "it": "Backup isolati"}
    assert measure.description_i18n == {"fr": "Sauvegardes dans un réseau séparé."}
    entry = AuditEntry.objects.get(action="records.measure.create", object_id=str(measure.pk))
    assert entry.after["title_i18n"]["it"] == "Backup isolati"
    page = dpo_client.get("/staff/records/measures/tom-b-backup-isolation/").content.decode()
    assert "Translations:" in page and "Backup isolati</textarea>" not in page  # a title is a one-line input
    assert 'value="Backup isolati"' in page


def test_a_bad_measure_translation_names_the_field_and_saves_nothing(records_world):
    measure = records_world.measures["tom-d-pentest"]
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        measure_update(actor=TEST_ACTOR, measure=measure, title="Renamed", title_i18n={"rm": "Test"})
    assert "title_i18n" in caught.value.message_dict
    measure.refresh_from_db()
    assert measure.title == "Yearly intrusion test" and measure.title_i18n == {}
    assert AuditEntry.objects.count() == before


def test_the_matrix_line_translations_are_audited(records_world):
    line = Responsibility.objects.get(topic="Backups")
    responsibility_update(
        actor=TEST_ACTOR, line=line, service=line.service, topic_i18n={"fr": "Sauvegardes"}, customer_part_i18n={}
    )
    entry = AuditEntry.objects.filter(action="records.responsibility.update").latest("seq")
    assert entry.before["topic_i18n"] == {} and entry.after["topic_i18n"] == {"fr": "Sauvegardes"}
    with pytest.raises(ValidationError) as caught:
        responsibility_update(actor=TEST_ACTOR, line=line, service=line.service, provider_part_i18n={"fr": 1})
    assert "provider_part_i18n" in caught.value.message_dict


def test_a_french_customer_reads_the_matrix_in_french_an_italian_one_the_english_marked(records_world, acme_admin):
    line = Responsibility.objects.get(topic="Backups")
    responsibility_update(
        actor=TEST_ACTOR,
        line=line,
        service=line.service,
        topic_i18n={"fr": "Sauvegardes", "de": "Sicherungen"},
        provider_part_i18n={"fr": "Sauvegardes chaque nuit."},
    )
    Service.objects.filter(name="Backup").update(name_i18n={"fr": "Sauvegarde"})
    client = logged_in(speaking(acme_admin, "fr"))
    page = client.get("/portal/responsibilities/").content.decode()
    assert "<h2>Sauvegarde</h2>" in page and "Sauvegardes chaque nuit." in page
    assert "Running nightly backups." not in page
    page = logged_in(speaking(acme_admin, "it")).get("/portal/responsibilities/").content.decode()
    assert '<span lang="en">Running nightly backups.</span> <span class="untranslated" lang="it">' in page


def test_the_record_shows_measure_titles_and_services_in_the_readers_language(records_world, acme_admin):
    measure_update(
        actor=TEST_ACTOR, measure=records_world.measures["tom-a-encryption"], title_i18n={"fr": "Chiffrement"}
    )
    Service.objects.filter(name="Backup").update(name_i18n={"fr": "Sauvegarde"})
    page = logged_in(speaking(acme_admin, "fr")).get("/portal/records/").content.decode()
    assert "Chiffrement" in page and "Sauvegarde" in page
    record = json.loads(controller_json(controller_record(records_world.acme)))
    assert record["services"] == sorted(record["services"]) and "Backup" in record["services"]
    assert record["services_i18n"]["Backup"] == {"en": "Backup", "fr": "Sauvegarde"}
    encryption = next(m for m in record["measures"] if m["ref"] == "tom-a-encryption")
    assert encryption["title"] == "Disk encryption" and encryption["title_i18n"]["fr"] == "Chiffrement"


def test_the_services_texts_page_saves_the_names_translations_audited(records_world, dpo_client, staff_client):
    backup = Service.objects.get(name="Backup")
    url = f"/staff/records/services/{backup.pk}/"
    assert staff_client.get("/staff/records/services/").status_code == 200
    assert staff_client.post(url, {"name__fr": "Sauvegarde"}).status_code == 403
    response = dpo_client.post(
        url,
        {
            "name": "Renamed?",  # disabled: the English name is the key, never changed here
            "name__fr": "Sauvegarde",
            "name__de": "Datensicherung",
            "name__it": "Backup",
            "description": "Encrypted copies.",
            "description__de": "Verschlüsselte Kopien.",
        },
    )
    assert response.status_code == 302
    backup.refresh_from_db()
    assert backup.name == "Backup"
    assert backup.name_i18n == {"de": "Datensicherung", "fr": "Sauvegarde", "it": "Backup"}
    assert backup.description == "Encrypted copies." and backup.description_i18n == {"de": "Verschlüsselte Kopien."}
    entry = AuditEntry.objects.filter(action="inventory.service.update", object_id=str(backup.pk)).latest("seq")
    assert entry.after["name_i18n"]["de"] == "Datensicherung"
    with pytest.raises(ValidationError) as caught:
        service_texts_update(actor=TEST_ACTOR, service=backup, name_i18n={"fr": ""}, description_i18n={"es": "x"})
    assert "description_i18n" in caught.value.message_dict
