"""DPIA assistance in the portal (GDPR Art. 28(3)(f) with Arts. 35-36; nFADP Arts. 22-23; docs/dpia.md):
for each service the customer uses, its DPIA support pack as PDF or JSON, in the customer's language. A
download generates the pack (or finds its version unchanged) and is recorded. Only the user's own
organisation: a service holding none of its data is a 404, like one that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from art28.core.auth import customer_required, request_user
from art28.duties.dpia_pdf import dpia_pack_response
from art28.duties.dpia_selectors import dpia_service_for_organisation, dpia_services_for_organisation
from art28.duties.dpia_services import dpia_pack_download
from art28.duties.models import DpiaPackDownload
from art28.portal.views import _organisation


@customer_required
def dpia_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    return render(request, "portal/dpia.html", {
        "organisation": organisation, "rows": dpia_services_for_organisation(organisation),
    })  # fmt: skip


@customer_required
def dpia_pack(request: HttpRequest, service_id: int, fmt: str) -> HttpResponse:
    if fmt not in DpiaPackDownload.Format.values:
        raise Http404("unknown format")
    organisation = _organisation(request)
    service = dpia_service_for_organisation(organisation, service_id)
    pack = dpia_pack_download(actor=request_user(request), organisation=organisation, service=service, format=fmt)
    return dpia_pack_response(pack, fmt)
