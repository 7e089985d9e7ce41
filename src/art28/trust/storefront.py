"""The trust center as the provider's storefront: the provider's logo with its name on every public page,
the summary at the top of the home page (where data is stored, how many sub-processors, the valid
certifications), and the logo and certificate files.

The name is ``settings.ART28_PROVIDER_NAME`` (the one source); the logo, tagline and certifications are
the assurance app's (``/staff/assurance/``), stored in the database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from art28.assurance import selectors
from art28.assurance.http import certificate_response, logo_response
from art28.assurance.models import Certification, TrustCenterProfile
from art28.core.countries import country_name
from art28.inventory.models import Site
from art28.subprocessors.models import SubProcessor
from art28.trust.cache import cached_response

JSON_VERSION = 1

# The public download of a certificate: cached for a day (it leaves the page when it expires).
CERTIFICATE_CACHE_SECONDS = 24 * 3600


def brand_context() -> dict[str, Any]:
    """What every trust page's header shows beside the name: the logo's URL (None without one), the tagline."""
    profile = selectors.trust_profile()
    return {
        "brand_logo_url": reverse("trust:logo", kwargs={"digest": profile.logo_sha256}) if profile.has_logo else None,
        "trust_profile": profile,
    }


@dataclass(frozen=True)
class Summary:
    """The figures at the top of the home page. The last intrusion test and the patch figures join them
    once the assurance app's campaigns and the patching app exist (DESIGN.md); until then they are not
    shown at all rather than shown empty."""

    countries: list[tuple[str, str]]  # (code, name) where the provider's sites are, Switzerland first
    site_count: int
    subprocessor_count: int
    subprocessor_countries: list[tuple[str, str]]
    certifications: list[Certification]


def _named(codes: set[str]) -> list[tuple[str, str]]:
    ordered = sorted(codes, key=lambda code: (code != "CH", country_name(code)))
    return [(code, country_name(code)) for code in ordered]


def summary(
    sites: Sequence[Site], subprocessors: Sequence[SubProcessor], certifications: list[Certification]
) -> Summary:
    """From what the home page loaded already: no query."""
    sp_codes = {code for sp in subprocessors for code in (sp.countries or "").split(";") if code}
    return Summary(
        countries=_named({site.country for site in sites if site.country}),
        site_count=len(sites),
        subprocessor_count=len(subprocessors),
        subprocessor_countries=_named(sp_codes),
        certifications=certifications,
    )


def certifications_document(certifications: Sequence[Certification], base_url: str) -> dict[str, Any]:
    """The valid certifications as JSON (what the page shows; dates in ISO 8601, URLs absolute)."""
    return {
        "version": JSON_VERSION,
        "provider": settings.ART28_PROVIDER_NAME,
        "certifications": [
            {
                "name": c.name,
                "issuer": c.issuer,
                "scope": c.scope or None,
                "valid_from": c.valid_from.isoformat(),
                "valid_until": c.valid_until.isoformat(),
                "certificate_url": base_url
                + reverse("trust:certificate", kwargs={"pk": c.pk, "digest": c.certificate_sha256})
                if c.has_certificate
                else None,
                "certificate_sha256": c.certificate_sha256 or None,
            }
            for c in certifications
        ],
    }


def certifications_json(request: HttpRequest, lang: str | None = None) -> HttpResponse:
    """``certifications.json``: the certifications valid today (the same in every language)."""

    def build() -> tuple[bytes, str]:
        document = certifications_document(selectors.published_certifications(), settings.ART28_BASE_URL.rstrip("/"))
        return json.dumps(document, ensure_ascii=False, indent=1).encode(), "application/json"

    response = cached_response(request, page="certifications-json", language=None, build=build, vary=False)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def logo(request: HttpRequest, digest: str) -> HttpResponse:
    """The uploaded logo, under a URL naming its SHA-256 (another digest: 404, the logo has changed)."""
    profile: TrustCenterProfile | None = selectors.trust_logo()
    if profile is None or profile.logo_sha256 != digest:
        raise Http404("No such logo.")
    return logo_response(profile)


def certificate(request: HttpRequest, pk: int, digest: str) -> HttpResponse:
    """A published, valid certification's certificate (a PDF download)."""
    return certificate_response(
        selectors.published_certificate_file(pk, digest), cache_seconds=CERTIFICATE_CACHE_SECONDS
    )
