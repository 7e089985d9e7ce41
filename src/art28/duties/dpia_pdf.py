"""A DPIA pack as PDF (WeasyPrint) in the pack's language, rendered from the STORED version, never from the
live data, so that the PDF and the JSON of one version say the same; and both as downloads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from art28.duties.dpia_charts import severity_bars, status_bar
from art28.duties.models import DpiaPack


def dpia_pack_context(pack: DpiaPack) -> dict[str, Any]:
    document = json.loads(pack.document)
    return {
        "pack": pack,
        "doc": document,
        "generated_at": dt.datetime.fromisoformat(document["generated_at"]),
        "incident_chart": severity_bars(document["incidents"]["by_severity"]),
        "measure_chart": status_bar(document["measures"]["by_status"]),
    }


def dpia_pack_html(pack: DpiaPack) -> str:
    with translation.override(pack.language or "en"):
        return render_to_string("duties/dpia_pack_pdf.html", dpia_pack_context(pack))


def dpia_pack_pdf(pack: DpiaPack) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is wanted

    return HTML(string=dpia_pack_html(pack)).write_pdf()


def dpia_pack_response(pack: DpiaPack, fmt: str) -> HttpResponse:
    """The stored JSON exactly as kept, or its PDF, as an attachment named after customer, service, version."""
    if fmt == "pdf":
        response = HttpResponse(dpia_pack_pdf(pack), content_type="application/pdf")
    else:
        response = HttpResponse(pack.document.encode(), content_type="application/json")
    name = f"dpia-{pack.customer.ref}-{slugify(pack.service.name)}-v{pack.version}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
