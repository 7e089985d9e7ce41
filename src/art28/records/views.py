"""Staff pages of the records of processing (GDPR Art. 30, nFADP Art. 12): every controller's generated
record with its exports, and the provider's own record. TOMs and the matrix are in measure_views.py.

Every staff role reads; the DPO and administrators edit the own record; customers never see these (403).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import request_user, role_required
from art28.core.models import Organisation
from art28.core.roles import STAFF_ROLES
from art28.records import exports
from art28.records.forms import ActivityForm, add_errors
from art28.records.generation import controller_record, iter_records
from art28.records.selectors import activities_all, activity_by_id
from art28.records.services import RECORDS_WRITERS, activity_create, activity_delete, activity_update, can_write

staff_reader = role_required(*STAFF_ROLES)
writer = role_required(*RECORDS_WRITERS)
CONTROLLERS_PER_PAGE = 100


def download(body: bytes | str, *, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def stream(chunks: Iterable[str], *, fmt: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def record_download(organisation: Organisation, fmt: str) -> HttpResponse:
    """One controller's record as CSV, JSON or PDF (staff and portal alike)."""
    record = controller_record(organisation)
    name = f"record-of-processing-{organisation.ref}-{record.generated_on.isoformat()}"
    if fmt == "csv":
        return download("".join(exports.controllers_csv([record])), fmt=fmt, filename=name)
    if fmt == "json":
        return download(exports.controller_json(record), fmt=fmt, filename=name)
    return download(exports.controller_pdf(record, language=organisation.language), fmt="pdf", filename=name)


@staff_reader
def controller_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    organisations = Organisation.objects.order_by("ref").only("ref", "name", "privacy_email")
    if query:
        organisations = organisations.filter(Q(ref__icontains=query) | Q(name__icontains=query))
    page = Paginator(organisations, CONTROLLERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "records/controller_list.html", {"page": page, "query": query})


@staff_reader
def controllers_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every controller's record, streamed (a fixed number of queries, whatever the number of customers)."""
    name = f"records-of-processing-{timezone.localdate().isoformat()}"
    if fmt == "pdf":
        return render(request, "records/pdf_refused.html", {"message": exports.PDF_OF_ALL_REFUSED}, status=400)
    chunks = exports.controllers_csv(iter_records()) if fmt == "csv" else exports.controllers_json(iter_records())
    return cast(HttpResponse, stream(chunks, fmt=fmt, filename=name))  # streamed: any number of controllers


@staff_reader
def controller_page(request: HttpRequest, ref: str) -> HttpResponse:
    # The DPA download (/staff/records/<ref>/dpa.pdf) is served by legal/dpa.py: records never imports legal.
    organisation = get_object_or_404(Organisation, ref=ref)
    return render(
        request, "records/controller.html", {"organisation": organisation, "record": controller_record(organisation)}
    )


@staff_reader
def controller_export(request: HttpRequest, ref: str, fmt: str) -> HttpResponse:
    return record_download(get_object_or_404(Organisation, ref=ref), fmt)


# ----------------------------------------------------------------------------------------------------
# The provider's own record (Art. 30(1))


@staff_reader
def own_record(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "records/own_record.html",
        {"activities": activities_all(), "can_write": can_write(request_user(request))},
    )


@staff_reader
def own_record_export(request: HttpRequest, fmt: str) -> HttpResponse:
    activities = activities_all()
    name = f"record-of-processing-activities-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        return download("".join(exports.own_record_csv(activities)), fmt=fmt, filename=name)
    if fmt == "json":
        return download(exports.own_record_json(activities), fmt=fmt, filename=name)
    return download(exports.own_record_pdf(activities), fmt=fmt, filename=name)


def _activity_form_page(request: HttpRequest, form: ActivityForm, activity: object = None) -> HttpResponse:
    status = 400 if form.errors else 200
    return render(request, "records/activity_form.html", {"form": form, "activity": activity}, status=status)


@writer
def activity_new(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_create(actor=request_user(request), **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Activity “%(name)s” added to the record.") % {"name": activity.name})
            return redirect("records:own")
    return _activity_form_page(request, form)


@writer
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_by_id(pk)
    initial = exports.activity_dict(activity) | {"position": activity.position}
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity_update(actor=request_user(request), activity=activity, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("records:own")
    return _activity_form_page(request, form, activity)


@writer
@require_POST
def activity_remove(request: HttpRequest, pk: int) -> HttpResponse:
    activity_delete(actor=request_user(request), activity=activity_by_id(pk))
    messages.success(request, _("Activity removed from the record."))
    return redirect("records:own")
