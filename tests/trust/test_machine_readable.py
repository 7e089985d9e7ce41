"""The register as JSON (validated against docs/schemas/), the Atom feed (RFC 4287), security.txt (RFC 9116)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from tests.conftest import TEST_ACTOR

from art28.subprocessors.changes import change_withdraw

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs/schemas/subprocessors.schema.json").read_text())
ATOM = "{http://www.w3.org/2005/Atom}"


def validate(document: dict) -> None:
    Draft202012Validator.check_schema(SCHEMA)
    Draft202012Validator(SCHEMA, format_checker=FormatChecker()).validate(document)


# --- JSON -------------------------------------------------------------------------------------------


def test_the_json_validates_against_the_published_schema(client: Client, register, announce):
    change = announce("newco", countries="CH;US", transfer_safeguard="SCC")
    response = client.get("/trust/subprocessors.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    validate(document)
    assert document["version"] == 2
    by_id = {sp["id"]: sp for sp in document["subprocessors"]}
    assert set(by_id) == {"cloud", "cdn", "backup", "colo"}
    assert by_id["cloud"]["sub_processors"] == ["backup"] and by_id["backup"]["engaged_by"] == "cloud"
    assert by_id["cdn"]["countries"] == ["CH", "US"] and by_id["cdn"]["transfer_safeguard"]
    assert by_id["colo"]["sites"] == ["FRA1"]
    assert by_id["cloud"]["data_categories"] == ["contact", "usage"]
    [upcoming] = document["upcoming_changes"]
    assert upcoming["id"] == change.pk and upcoming["kind"] == "addition"
    assert upcoming["subprocessor"]["id"] == "newco"
    assert upcoming["effective_on"] == change.effective_on.isoformat()


def test_the_json_has_no_private_contact(client: Client, register):
    text = client.get("/trust/subprocessors.json").content.decode()
    assert "contact_name" not in text and "contact_email" not in text
    assert "private.person@cloud.example" not in text and "dpo@cdn.example" not in text


def test_the_schema_rejects_a_document_with_a_private_contact(client: Client, register):
    document = client.get("/trust/subprocessors.json").json()
    document["subprocessors"][0]["contact_email"] = "someone@example.com"
    with pytest.raises(Exception, match="contact_email"):
        validate(document)


def test_an_empty_register_is_valid_too(client: Client, db):
    document = client.get("/trust/subprocessors.json").json()
    validate(document)
    assert document["subprocessors"] == [] and document["upcoming_changes"] == []


# --- Atom -------------------------------------------------------------------------------------------


def test_the_atom_feed_has_the_elements_rfc_4287_requires(client: Client, register, announce):
    first = announce("first")
    second = announce("second")
    change_withdraw(actor=TEST_ACTOR, change=second, reason="We found another way.")
    response = client.get("/en/trust/subprocessors.atom")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == "http://127.0.0.1:8000/en/trust/subprocessors.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2  # one per announced change, withdrawn ones included
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    # RFC 4151 tag: URIs from ART28_TAG_AUTHORITY (default: ART28_MAIL_DOMAIN, 2025-01-01), not the base URL.
    assert all(i.startswith("tag:art28.localhost,2025-01-01:art28/subprocessor-change/") for i in ids)
    assert len(set(ids)) == 2 and ids[1].endswith(f"/{first.pk}")
    for entry in entries:
        for required in ("id", "title", "updated", "published", "summary", "content"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    assert "Withdrawn" in entries[0].find(f"{ATOM}title").text


def test_feedparser_reads_it_as_atom_1_0(client: Client, register, announce):
    change = announce("newco", legal_name="New Company SA")
    parsed = feedparser.parse(client.get("/fr/trust/subprocessors.atom").content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title and parsed.feed.updated_parsed
    [entry] = parsed.entries
    assert entry.id.endswith(f"/{change.pk}")
    assert "New Company SA" in entry.title
    assert entry.link.endswith(f"#change-{change.pk}")


def entry_id(content: bytes) -> str:
    return ET.fromstring(content).find(f"{ATOM}entry/{ATOM}id").text  # noqa: S314 (our own output)


def test_an_entry_id_never_changes(client: Client, register, announce):
    announce()
    before = entry_id(client.get("/en/trust/subprocessors.atom").content)
    from django.core.cache import cache

    cache.clear()
    assert entry_id(client.get("/de/trust/subprocessors.atom").content) == before


# --- security.txt -----------------------------------------------------------------------------------
# (its Expires, renewed by staff: tests/trust/test_security_txt.py)


@pytest.fixture(autouse=True)
def _security_txt_published(db) -> None:
    """security.txt is served once staff set its expiry (RFC 9116 §2.5.5); these tests read the rest of it."""
    from art28.core.services import security_txt_renew

    security_txt_renew(actor=TEST_ACTOR, expires_at=timezone.now() + dt.timedelta(days=90))


def security_fields(text: str) -> dict[str, str]:
    fields = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition(": ")
            fields[name] = value
    return fields


def test_security_txt_has_the_fields_of_rfc_9116(client: Client, settings):
    settings.ART28_SECURITY_CONTACT = "security@example-hosting.ch"
    settings.ART28_BASE_URL = "https://art28.example-hosting.ch"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = security_fields(response.content.decode())
    assert fields["Contact"] == "mailto:security@example-hosting.ch"
    assert fields["Preferred-Languages"] == "en, fr, de, it"
    assert fields["Canonical"] == "https://art28.example-hosting.ch/.well-known/security.txt"
    assert fields["Policy"].startswith("https://art28.example-hosting.ch/trust/")
    expires = dt.datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    now = timezone.now()
    assert now < expires <= now + dt.timedelta(days=365), "RFC 9116 2.5.5: less than a year ahead"


def test_security_txt_falls_back_to_the_dpo(client: Client, settings):
    settings.ART28_SECURITY_CONTACT = ""
    settings.ART28_DPO_EMAIL = "dpo@example-hosting.ch"
    fields = security_fields(client.get("/.well-known/security.txt").content.decode())
    assert fields["Contact"] == "mailto:dpo@example-hosting.ch"


def test_security_txt_follows_the_dpo_profile_the_trust_center_shows(client: Client, settings):
    """The DPO edits the profile; security.txt and the page's vulnerability section follow it."""
    from tests.conftest import TEST_ACTOR

    from art28.core.dpo import dpo_profile_update

    settings.ART28_SECURITY_CONTACT = ""
    settings.ART28_DPO_EMAIL = "dpo@localhost"
    dpo_profile_update(actor=TEST_ACTOR, name="Daniel DPO", email="privacy@example-hosting.ch")
    fields = security_fields(client.get("/.well-known/security.txt").content.decode())
    assert fields["Contact"] == "mailto:privacy@example-hosting.ch"
    page = client.get("/en/trust/").content.decode()
    assert "dpo@localhost" not in page
