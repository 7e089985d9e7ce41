"""The provider's controls that concern the customer (S2; docs/evidence.md, "The portal"): each control of
the services its data uses (and those of every service), with its status and the age of its evidence;
no reasons and no evidence item (they may name other customers' incidents or requests). Only the user's
own organisation."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import customer_required, request_user
from art28.core.models import Organisation
from art28.core.signing import SigningKeyMissing
from art28.evidence.models import Evidence
from art28.evidence.pack import evidence_pack_export
from art28.evidence.selectors import customer_controls, status_counts
from art28.inventory.models import Site
from art28.inventory.selectors import organisation_service_ids
from art28.physical.selectors import public_sites
from art28.portal.views import _organisation
from art28.residency.engine import flows_carrying
from art28.residency.selectors import placements_for_organisation


@customer_required
def controls_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    today = timezone.localdate()
    statuses = customer_controls(organisation_service_ids(organisation), today)
    counts = status_counts(statuses)
    return render(
        request,
        "portal/controls.html",
        {
            "organisation": organisation,
            "rows": [(s, s.age_days(today)) for s in statuses],
            "counts": {status.replace("-", "_"): n for status, n in counts.items()},
            # Evidence about this customer alone (its attestations, the requests forwarded to it): its pack.
            "own_evidence": Evidence.objects.filter(organisation=organisation).count(),
            # S5: the physical security of the sites that hold its data (zones by class, reviews; no names).
            "physical": public_sites(_data_site_ids(organisation), today),
        },
    )


def _data_site_ids(organisation: Organisation) -> list[int]:
    """The sites of the customer's placements and of the flows that carry its data (backups, replicas)."""
    codes = {p.asset.location.code for p in placements_for_organisation(organisation) if p.asset.location}
    for flow in flows_carrying(organisation.pk):
        codes |= {code for code in (flow.from_site, flow.destination_site) if code}
    return list(Site.objects.filter(code__in=codes).values_list("pk", flat=True))


@customer_required
@require_POST
def controls_pack(request: HttpRequest) -> HttpResponseBase:
    """The customer's own evidence pack of the last twelve months: its attestations, the requests
    forwarded to it, its controls' statuses (no reasons, no audit trail: that names other customers),
    signed by the provider and checkable offline with `art28 evidence-verify`. The export is audited."""
    organisation = _organisation(request)
    today = timezone.localdate()
    folder = Path(tempfile.mkdtemp(prefix="art28-pack-"))
    path = folder / f"evidence-{organisation.ref}-{today:%Y-%m-%d}.zip"
    try:
        evidence_pack_export(actor=request_user(request), path=path, organisation=organisation,
                             date_from=today - dt.timedelta(days=365), date_to=today)  # fmt: skip
    except SigningKeyMissing:
        folder.rmdir()
        messages.error(request, _("The provider's signing key is not set up: the pack cannot be signed yet."))
        return redirect("portal:controls")
    handle = path.open("rb")
    path.unlink()  # the open handle keeps the bytes until the response is sent; nothing stays on disk
    folder.rmdir()
    return FileResponse(handle, as_attachment=True, filename=path.name, content_type="application/zip")
