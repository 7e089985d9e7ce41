"""Staff pages of the controls and their evidence (``/staff/evidence/…``; S2, docs/evidence.md): the
controls by status (the failing first, then the oldest stale), one control with its evidence, one item,
the collection runs, and the Statement of Applicability as CSV. Every staff role reads (auditors too)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from art28.core.access import EVIDENCE_READERS, EVIDENCE_WRITERS
from art28.core.auth import request_user, role_required
from art28.core.evidence import collector as registered_collector
from art28.core.listing import csv_download
from art28.evidence.charts import status_bar
from art28.evidence.forms import EvidenceUploadForm
from art28.evidence.models import CollectionRun, Evidence
from art28.evidence.selectors import SOA_HEADER, control_statuses, soa_rows, status_counts
from art28.evidence.services import evidence_upload
from art28.records.models import TechnicalMeasure

reader = role_required(*EVIDENCE_READERS)
writer = role_required(*EVIDENCE_WRITERS)
PAGE_SIZE = 50
REMINDERS_SHOWN = 20


@reader
def controls(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    statuses = control_statuses(today=today)
    counts = status_counts(statuses)
    return render(
        request,
        "evidence/controls.html",
        {
            "statuses": [(s, s.age_days(today)) for s in statuses],
            "counts": {status.replace("-", "_"): n for status, n in counts.items()},
            "bar": status_bar(counts),
            "last_run": CollectionRun.objects.order_by("-started_at").first(),
            "current": "controls",
        },
    )


@reader
def control(request: HttpRequest, ref: str) -> HttpResponse:
    measure = TechnicalMeasure.objects.select_related("owner").filter(ref=ref).first()
    if measure is None:
        raise Http404("No such control")
    today = timezone.localdate()
    (status,) = control_statuses(today=today, measures=TechnicalMeasure.objects.filter(pk=measure.pk))
    items = Evidence.objects.filter(Q(collector__in=measure.evidence_sources) | Q(controls=measure)).distinct()
    page = Paginator(items.defer("file").order_by("-effective_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    sources = [(s, registered_collector(s.collector)) for s in status.sources]
    return render(
        request,
        "evidence/control.html",
        {
            "status": status,
            "age": status.age_days(today),
            "sources": sources,
            "page": page,
            "current": "controls",
            "can_write": request_user(request).role in EVIDENCE_WRITERS,
            "reminders": measure.reminders.select_related("recipient")[:REMINDERS_SHOWN],
            "lead": settings.ART28_REMINDER_DAYS,
        },
    )


@reader
def item(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Evidence.objects.defer("file").prefetch_related("controls"), pk=pk)
    # The catalogue is small (tens of controls): which name this collector is read in Python, as JSON
    # containment is not portable to SQLite.
    named = [m for m in TechnicalMeasure.objects.all() if found.collector and found.collector in m.evidence_sources]
    controls_of = sorted({*found.controls.all(), *named}, key=lambda m: m.ref)
    return render(
        request,
        "evidence/item.html",
        {
            "item": found,
            "collector": registered_collector(found.collector) if found.collector else None,
            "data": json.dumps(found.data, indent=2, ensure_ascii=False, sort_keys=True),
            "controls": controls_of,
            "current": "controls",
        },
    )


@reader
def runs(request: HttpRequest) -> HttpResponse:
    page = Paginator(CollectionRun.objects.order_by("-started_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "evidence/runs.html", {"page": page, "current": "runs"})


@reader
def soa_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The Statement of Applicability: every control, whether it applies and why not, its references
    (GDPR Art. 32(1), nFADP/DSV, ISO/IEC 27001:2022 Annex A ids), owner, test and status."""
    today = timezone.localdate()
    return csv_download(f"statement-of-applicability-{today:%Y-%m-%d}.csv", SOA_HEADER, soa_rows(today))


@reader
def item_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's file (an upload, a signed attestation), to staff, named and typed as stored."""
    found = Evidence.objects.filter(pk=pk, file__isnull=False).first()
    if found is None:
        raise Http404("No file")
    response = HttpResponse(bytes(found.file or b""), content_type=found.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{found.file_name.replace(chr(34), "")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@writer
def upload(request: HttpRequest) -> HttpResponse:
    """A person's evidence for what no module of art28 proves by itself (a drill's report, a training)."""
    form = EvidenceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = evidence_upload(actor=request_user(request), controls=data["controls"], title=data["title"],
                                   effective_on=data["effective_on"], valid_until=data["valid_until"],
                                   content=data["file"].read(), name=data["file"].name)  # fmt: skip
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Evidence stored with its SHA-256."))
            return redirect("evidence:item", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "evidence/upload.html", {"form": form, "current": "upload"}, status=status)


@reader
def soa_pdf(request: HttpRequest) -> HttpResponse:
    """The Statement of Applicability as PDF (WeasyPrint, from the same statuses as the CSV)."""
    from weasyprint import HTML  # heavy import, only when a PDF is wanted

    statuses = sorted(control_statuses(), key=lambda s: (s.measure.area, s.measure.ref))
    html = render_to_string("evidence/soa_pdf.html", {"statuses": statuses, "generated_at": timezone.now(),
                                                      "provider_name": settings.ART28_PROVIDER_NAME})  # fmt: skip
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-of-applicability-{timezone.localdate()}.pdf"'
    return response
