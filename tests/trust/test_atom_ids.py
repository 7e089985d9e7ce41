"""The Atom feed's ids are tag: URIs (RFC 4151) from ART28_TAG_AUTHORITY: they never change when the
site's address (ART28_BASE_URL) does (RFC 4287 §4.2.6: an id is permanent and universally unique)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from art28.trust.tags import TaggingEntity, parse_tagging_entity

ATOM = "{http://www.w3.org/2005/Atom}"
TAGGING = "example-hosting.ch,2026-01-01"


def ids_of(content: bytes) -> tuple[str, list[str], str]:
    feed = ET.fromstring(content)  # noqa: S314 (our own output)
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    return feed.find(f"{ATOM}id").text, [e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")], self_link


@pytest.mark.django_db
def test_ids_are_tag_uris_of_the_configured_authority_and_survive_a_new_base_url_rfc_4151(
    client: Client, settings, register, announce
):
    """RFC 4151 §2.1: tag:authority,date:specific. Rendered under two base URLs, the feed's and every
    entry's id are the same (the self link, which is an address, follows the base URL)."""
    settings.ART28_TAG_AUTHORITY = TAGGING
    first, second = announce("first"), announce("second")
    settings.ART28_BASE_URL = "https://art28.example-hosting.ch"
    feed_id, entry_ids, self_link = ids_of(client.get("/en/trust/subprocessors.atom").content)
    assert self_link.startswith("https://art28.example-hosting.ch/")
    assert feed_id == "tag:example-hosting.ch,2026-01-01:art28/subprocessors"
    day = first.announced_at.astimezone(dt.UTC).date().isoformat()
    assert entry_ids == [
        f"tag:example-hosting.ch,2026-01-01:art28/subprocessor-change/{day}/{second.pk}",
        f"tag:example-hosting.ch,2026-01-01:art28/subprocessor-change/{day}/{first.pk}",
    ]
    cache.clear()
    settings.ART28_BASE_URL = "https://trust.other-host.example:8443/art28"
    moved_feed_id, moved_entry_ids, moved_self_link = ids_of(client.get("/en/trust/subprocessors.atom").content)
    assert moved_self_link.startswith("https://trust.other-host.example:8443/art28/")
    assert (moved_feed_id, moved_entry_ids) == (feed_id, entry_ids)
    parsed = feedparser.parse(client.get("/fr/trust/subprocessors.atom").content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.id == feed_id
    assert [entry.id for entry in parsed.entries] == entry_ids


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example-hosting.ch,2026-01-01", TaggingEntity("example-hosting.ch", "2026-01-01")),
        ("Example-Hosting.CH,2026", TaggingEntity("example-hosting.ch", "2026")),
        ("feeds@example-hosting.ch,2026-03", TaggingEntity("feeds@example-hosting.ch", "2026-03")),
        (" art28.localhost,2025-01-01 ", TaggingEntity("art28.localhost", "2025-01-01")),
    ],
)
def test_the_tagging_entity_of_rfc_4151(value, expected):
    """RFC 4151 §2.1: taggingEntity = authorityName "," date; authorityName = DNSname / emailAddress;
    date = year ["-" month ["-" day]]."""
    assert parse_tagging_entity(value, today=dt.date(2026, 6, 1)) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "example-hosting.ch",  # no date
        "2026-01-01",  # no authority
        "https://example-hosting.ch,2026-01-01",  # a URL, not a name
        "example-hosting.ch:443,2026",
        "-example.ch,2026",
        "example..ch,2026",
        "example-hosting.ch,26",
        "example-hosting.ch,2026-1-1",
        "example-hosting.ch,2026-13-01",
        "example-hosting.ch,2026-02-30",
        "example-hosting.ch,2026-06-02",  # in the future: the name must have been owned on that date
        "example-hosting.ch,2026-01-01:extra",
    ],
)
def test_a_malformed_tagging_entity_is_refused_naming_the_setting_rfc_4151(value):
    with pytest.raises(ImproperlyConfigured, match="ART28_TAG_AUTHORITY") as refused:
        parse_tagging_entity(value, today=dt.date(2026, 6, 1))
    assert "example-hosting.ch,2026-01-01" in str(refused.value)  # the example of the right form


def test_art28_refuses_to_start_with_a_malformed_tag_authority(tmp_path: Path):
    """The form is checked at start-up (any command), with an ImproperlyConfigured naming the setting."""
    env = os.environ | {"ART28_TAG_AUTHORITY": "https://example-hosting.ch", "ART28_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    art28 = Path(sys.executable).with_name("art28")
    result = subprocess.run([art28, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured" in result.stderr and "ART28_TAG_AUTHORITY='https://example-hosting.ch'" in result.stderr
    )
