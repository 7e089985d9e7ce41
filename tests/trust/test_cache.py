"""The trust center is served from the cache (no query), revalidates with ETag, and follows register writes."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.conftest import TEST_ACTOR

from art28.subprocessors.services import subprocessor_update

pytestmark = pytest.mark.django_db
CACHED = ("/trust/", "/fr/trust/", "/trust/subprocessors.json", "/de/trust/subprocessors.atom")


@pytest.mark.parametrize("path", CACHED)
def test_a_second_request_is_served_from_the_cache(client: Client, register, path, django_assert_num_queries):
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]
    assert second["Last-Modified"]


def test_each_language_is_its_own_cached_page(client: Client, register):
    assert b"Centre de confiance" in client.get("/fr/trust/").content
    assert b"Trust Center" in client.get("/de/trust/").content
    assert b"Centre de confiance" in client.get("/trust/", HTTP_ACCEPT_LANGUAGE="fr").content


def test_a_matching_etag_gets_a_304_without_a_body(client: Client, register, django_assert_num_queries):
    etag = client.get("/trust/subprocessors.json")["ETag"]
    with django_assert_num_queries(0):
        response = client.get("/trust/subprocessors.json", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""


def test_a_register_write_makes_the_pages_fresh(
    client: Client, register, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    assert b"Cloud Infra SA" in client.get("/en/trust/").content
    etag = client.get("/trust/subprocessors.json")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        subprocessor_update(actor=TEST_ACTOR, subprocessor=register.cloud, legal_name="Cloud Renamed SA")
    html = client.get("/en/trust/").content.decode()
    assert "Cloud Renamed SA" in html and "Cloud Infra SA" not in html
    response = client.get("/trust/subprocessors.json", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Cloud Renamed SA" in response.content.decode()


def test_an_announced_change_makes_the_pages_fresh(
    client: Client, register, announce, django_capture_on_commit_callbacks
):
    assert b"No change is announced." in client.get("/en/trust/").content
    with django_capture_on_commit_callbacks(execute=True):
        announce("newco", legal_name="New Company SA")
    assert b"New sub-processor: New Company SA" in client.get("/en/trust/").content


def test_entries_expire_even_without_a_write(client: Client, register, settings):
    """Changes become effective on a date, without a write: the cache must not outlive its TTL."""
    from django.core.cache import cache

    client.get("/en/trust/")
    keys = [key for key in cache._cache if ":trust:" in key and ":index:" in key]  # type: ignore[attr-defined]
    assert keys and all(cache._expire_info[key] is not None for key in keys)  # type: ignore[attr-defined]


def test_a_redis_cache_url_is_understood(monkeypatch):
    """ART28_CACHE_URL=redis://… gives Django's Redis backend (the server itself stays optional)."""
    import environ

    config = environ.Env.cache_url_config("redis://127.0.0.1:6379/1")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == "redis://127.0.0.1:6379/1"
