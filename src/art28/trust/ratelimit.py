"""Per-client hourly allowances for the trust center's public forms (subscribe, contact the DPO):
no third-party captcha, a count per client IP in the cache (shared across processes with
ART28_CACHE_URL)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60 * 60


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR: behind a reverse proxy, have it set REMOTE_ADDR (not a header a client can forge)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_hourly_limit(request: HttpRequest, *, form: str, per_hour: int) -> bool:
    """Count this submission of ``form`` against the client's hourly allowance; True once it is used up."""
    key = f"trust:{form}-rate:{client_ip(request)}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > per_hour
