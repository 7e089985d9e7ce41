"""The DPIA packs from the staff pages (docs/dpia.md): every version of every customer's pack, and who
downloaded which version, when, in which format. Every staff role reads (the DPO first of all: GDPR
Art. 39(1)(c) advice on the impact assessment); nobody types a pack, so there is nothing to write here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from art28.core.access import STAFF
from art28.core.auth import role_required
from art28.duties.dpia_selectors import dpia_packs_all

PACKS_SHOWN = 500


@role_required(*STAFF)
def dpia_packs(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    packs = list(dpia_packs_all(query)[: PACKS_SHOWN + 1])
    return render(request, "duties/dpia_packs.html", {
        "packs": packs[:PACKS_SHOWN], "more": len(packs) > PACKS_SHOWN, "shown": PACKS_SHOWN, "query": query,
    })  # fmt: skip
