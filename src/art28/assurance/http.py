"""Serving the stored files: the type that was checked at upload (never sniffed by the browser), a
download for certificates, and caches keyed on the file's SHA-256 (it is in the URL)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.text import slugify

from art28.assurance.models import Certification, TrustCenterProfile

# The logo's URL names its SHA-256: a new logo is a new URL, so the old one may be cached for good.
IMMUTABLE_SECONDS = 365 * 24 * 3600


def _guarded(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever the file holds, it runs nothing and embeds nothing if opened as a document.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def logo_response(profile: TrustCenterProfile) -> HttpResponse:
    response = HttpResponse(bytes(profile.logo or b""), content_type=profile.logo_content_type)
    response["ETag"] = f'"{profile.logo_sha256}"'
    patch_cache_control(response, public=True, max_age=IMMUTABLE_SECONDS, immutable=True)
    return _guarded(response)


def certificate_filename(certification: Certification) -> str:
    return f"{slugify(certification.name) or 'certificate'}.pdf"


def certificate_response(certification: Certification, *, cache_seconds: int) -> HttpResponse:
    response = HttpResponse(
        bytes(certification.certificate or b""), content_type=certification.certificate_content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(certification)}"'
    response["ETag"] = f'"{certification.certificate_sha256}"'
    if cache_seconds:
        patch_cache_control(response, public=True, max_age=cache_seconds)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return _guarded(response)
