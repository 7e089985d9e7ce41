"""The provider's security-update record, fleet-wide (S7; docs/patching.md): the page
``/trust/security-updates/`` and ``/trust/patching.json``, signed.

Per severity over the last 12 months: fixes installed, median and 95th percentile time-to-patch in days,
the share within the service level, and the levels themselves; signed with the attestation key, in the
attestations' envelope (docs/attestations.md), so anyone can check offline that the provider said it.
Cached like the other trust-center documents; 404 while the provider has no signing key.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from art28.core.audit import jsonable
from art28.core.service_levels import service_levels
from art28.core.signing import SigningKeyMissing, load_private_key, sign_statement
from art28.patching.charts import time_to_patch_chart
from art28.patching.figures import patch_record
from art28.trust.cache import cached_response
from art28.trust.views import page_context, page_language

STATEMENT_TYPE = "art28/patch-record"
MONTHS = 12


def patch_record_statement() -> dict:
    record = patch_record(months=MONTHS)
    return {
        "type": STATEMENT_TYPE,
        "issuer": {
            "name": settings.ART28_PROVIDER_NAME,
            "address": settings.ART28_PROVIDER_ADDRESS,
            "country": settings.ART28_PROVIDER_COUNTRY,
        },
        "generated_at": jsonable(timezone.now()),
        "period": {"from": jsonable(record["since"]), "to": jsonable(record["until"]), "months": MONTHS},
        "service_levels_days": service_levels(),
        "severities": [figures.as_dict() for figures in record["severities"]],
    }


def patching_json(request: HttpRequest, lang: str | None = None) -> HttpResponse:
    try:
        private_key = load_private_key()
    except SigningKeyMissing:
        raise Http404("The provider has not published a signing key yet.") from None

    def build() -> tuple[bytes, str]:
        signed = sign_statement(patch_record_statement(), private_key)
        return json.dumps(json.loads(signed), ensure_ascii=False, indent=1).encode(), "application/json"

    response = cached_response(request, page="patching-json", language=None, build=build, vary=False)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@page_language
def security_updates(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    """The same figures as patching.json, for people: per severity and per month, with the service levels."""

    def build() -> tuple[bytes, str]:
        record = patch_record(months=MONTHS)
        context = page_context("trust:patching") | {
            "record": record,
            "chart": time_to_patch_chart(record, months=MONTHS),
            "any_remediation": any(figures.count for figures in record["severities"]),
            "months": MONTHS,
        }
        return render_to_string("trust/patching.html", context).encode(), "text/html; charset=utf-8"

    return cached_response(request, page="patching", language=language, build=build, vary=not from_url)
