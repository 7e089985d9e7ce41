"""The trust center's pages and feeds, cached whole: a hit costs no query and no template rendering.

Each representation (page and language) is cached under a key that includes a *generation* number.
Every write to the register, the changes or the sites bumps the generation after its commit, so
the next request renders afresh; a render that raced a write stores under the old generation and is
never served. Entries also expire after ART28_TRUST_CACHE_SECONDS: changes become effective on a
date without any write, and with the default per-process cache (local memory) another process's
write only reaches this one that way. ART28_CACHE_URL (Redis) shares one cache between all processes
and machines, so invalidation is immediate everywhere.

Responses carry a strong ETag (a hash of the body), Last-Modified (when it was rendered) and
``Cache-Control: public, max-age``; a conditional GET that matches gets a 304 without a body.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

GENERATION_KEY = "trust:generation"


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    etag: str
    last_modified: int  # seconds since the epoch


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.randbelow(2**31), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    return str(value)


def invalidate() -> None:
    """Make every cached trust page stale (now, in this cache; others follow within their TTL)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or it was evicted): any new value will do
        cache.set(GENERATION_KEY, secrets.randbelow(2**31), timeout=None)


def invalidate_on_commit() -> None:
    """After the current transaction commits (at once outside one): what it wrote is then visible."""
    transaction.on_commit(invalidate)


def _render(build: Callable[[], tuple[bytes, str]]) -> Rendered:
    body, content_type = build()
    digest = hashlib.sha256(body).hexdigest()[:32]
    return Rendered(body, content_type, f'"{digest}"', int(timezone.now().timestamp()))


def cached_response(
    request: HttpRequest, *, page: str, language: str | None, build: Callable[[], tuple[bytes, str]], vary: bool
) -> HttpResponse:
    """The cached representation of ``page`` in ``language`` (``build`` renders it on a miss; None:
    the representation is the same in every language).

    ``vary``: the language came from the request's headers (not the URL), so caches must key on them.
    """
    key = f"trust:{generation()}:{page}:{language}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = _render(build)
        cache.set(key, rendered, settings.ART28_TRUST_CACHE_SECONDS)
    response = get_conditional_response(request, etag=rendered.etag, last_modified=rendered.last_modified)
    if response is None:
        response = HttpResponse(rendered.body, content_type=rendered.content_type)
    response["ETag"] = rendered.etag
    response["Last-Modified"] = http_date(rendered.last_modified)
    if language is not None:
        response["Content-Language"] = language
    patch_cache_control(response, public=True, max_age=settings.ART28_TRUST_MAX_AGE)
    if vary:
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
