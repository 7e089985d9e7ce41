"""A residency attestation as PDF (WeasyPrint), for people; the signed JSON stays the proof (S1).

The PDF is rendered from the *stored, signed* document, never from the live inventory, so it says
exactly what was signed. Long lists are cut at ``PDF_ROW_LIMIT`` rows with a pointer to the JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from art28.core.countries import country_name
from art28.residency.models import Attestation

PDF_ROW_LIMIT = 200


def _capped(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The first ``PDF_ROW_LIMIT`` rows and how many more there are."""
    return rows[:PDF_ROW_LIMIT], max(len(rows) - PDF_ROW_LIMIT, 0)


def attestation_pdf_context(attestation: Attestation, *, key_url: str = "") -> dict[str, Any]:
    document = json.loads(attestation.document)
    statement = document["attestation"]
    placements, placements_more = _capped(statement["placements"])
    flows, flows_more = _capped(statement["flows"])
    violations, violations_more = _capped(statement["violations"])
    return {
        "attestation": attestation,
        "statement": statement,
        "as_of": dt.datetime.fromisoformat(statement["as_of"]),
        # Attestations signed before past moments existed carry no issued_at: they were signed at as_of.
        "issued_at": dt.datetime.fromisoformat(statement.get("issued_at") or statement["as_of"]),
        "countries": [(code, country_name(code)) for code in statement["countries"]],
        "allowed": [(code, country_name(code)) for code in statement["policy"]["allowed_countries"]],
        "placements": placements,
        "placements_more": placements_more,
        "placement_total": len(statement["placements"]),
        "flows": flows,
        "flows_more": flows_more,
        "violations": violations,
        "violations_more": violations_more,
        "key_id": document["key_id"],
        "signature": document["signature"],
        "format": document["format"],
        "key_url": key_url or "/trust/attestation-key.pem",
    }


def attestation_pdf(attestation: Attestation, *, key_url: str = "") -> bytes:
    """The PDF bytes, in the customer's language; ``key_url`` is where the public key is published."""
    from weasyprint import HTML  # heavy import, only when a PDF is actually wanted

    with translation.override(attestation.organisation.language or "en"):
        html = render_to_string("residency/attestation_pdf.html", attestation_pdf_context(attestation, key_url=key_url))
    return HTML(string=html).write_pdf()
