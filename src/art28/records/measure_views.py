"""Staff pages of the TOMs catalogue (GDPR Art. 32(1)(a)-(d)) and the responsibility matrix (S9).

Every staff role reads; the DPO and administrators write; security may also record a review.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import request_user, role_required
from art28.core.display import date_text
from art28.inventory.models import Service
from art28.inventory.selectors import services
from art28.inventory.services import can_write as can_write_service
from art28.inventory.services import service_texts_update
from art28.records import forms as f
from art28.records.models import TechnicalMeasure
from art28.records.selectors import (
    audit_history,
    group_by_area,
    measure_by_ref,
    measures_all,
    responsibilities_all,
    responsibility_by_id,
)
from art28.records.services import (
    MEASURE_REVIEWERS,
    RECORDS_WRITERS,
    can_review,
    can_write,
    measure_create,
    measure_retire,
    measure_review,
    measure_update,
    responsibility_create,
    responsibility_delete,
    responsibility_update,
)
from art28.records.views import staff_reader

writer = role_required(*RECORDS_WRITERS)
reviewer = role_required(*MEASURE_REVIEWERS)


@staff_reader
def measure_list(request: HttpRequest) -> HttpResponse:
    show_retired = request.GET.get("retired") == "on"
    measures = measures_all(include_retired=show_retired)
    user = request_user(request)
    return render(
        request,
        "records/measures.html",
        {
            "areas": group_by_area(measures),
            "today": timezone.localdate(),
            "overdue": sum(1 for m in measures if m.active and m.next_review_on < timezone.localdate()),
            "show_retired": show_retired,
            "can_write": can_write(user),
        },
    )


def _measure_values(form: f.MeasureForm) -> dict[str, object]:
    return {name: form.cleaned_data[name] for name in f.MeasureForm.base_fields} | form.translations()


@writer
def measure_new(request: HttpRequest) -> HttpResponse:
    form = f.MeasureForm(request.POST or None, initial={"review_every_days": 365, "owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            measure = measure_create(actor=request_user(request), **_measure_values(form))  # type: ignore[arg-type]
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Measure “%(title)s” added.") % {"title": measure.title})
            return redirect("records:measure", ref=measure.ref)
    return render(request, "records/measure_form.html", {"form": form}, status=400 if form.errors else 200)


def _measure_page(request: HttpRequest, measure: TechnicalMeasure, form: f.MeasureForm | None = None) -> HttpResponse:
    user = request_user(request)
    writable = can_write(user)
    if form is None and writable:
        initial = {name: getattr(measure, name) for name in f.MeasureForm.base_fields if name != "services"}
        form = f.MeasureForm(initial=initial | {"services": list(measure.services.all())})
        form.initial_translations(measure)
    return render(
        request,
        "records/measure.html",
        {
            "measure": measure,
            "overdue": measure.active and measure.next_review_on < timezone.localdate(),
            "form": form,
            "review_form": f.ReviewForm(),
            "retire_form": f.RetireForm(),
            "can_write": writable,
            "can_review": can_review(user),
            "history": audit_history(measure),
        },
        status=400 if form is not None and form.errors else 200,
    )


@staff_reader
def measure_page(request: HttpRequest, ref: str) -> HttpResponse:
    measure = measure_by_ref(ref)
    if request.method != "POST":
        return _measure_page(request, measure)
    if not can_write(request_user(request)):
        raise PermissionDenied("Only the provider's DPO or an administrator changes a measure.")
    form = f.MeasureForm(request.POST)
    if form.is_valid():
        values = _measure_values(form)
        try:
            measure = measure_update(actor=request_user(request), measure=measure, **values)  # type: ignore[arg-type]
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Measure saved."))
            return redirect("records:measure", ref=measure.ref)
    return _measure_page(request, measure, form)


@reviewer
@require_POST
def measure_review_view(request: HttpRequest, ref: str) -> HttpResponse:
    measure = measure_by_ref(ref)
    form = f.ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        measure = measure_review(actor=request_user(request), measure=measure, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        day = date_text(measure.next_review_on)
        messages.success(request, _("Review recorded; next review on %(day)s.") % {"day": day})
    return redirect("records:measure", ref=measure.ref)


@writer
@require_POST
def measure_retire_view(request: HttpRequest, ref: str) -> HttpResponse:
    measure = measure_by_ref(ref)
    form = f.RetireForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        measure_retire(actor=request_user(request), measure=measure, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Measure retired: it no longer appears in the records and the DPA."))
    return redirect("records:measure", ref=measure.ref)


# ----------------------------------------------------------------------------------------------------
# The responsibility matrix


def _matrix_page(request: HttpRequest, form: f.ResponsibilityForm | None = None) -> HttpResponse:
    writable = can_write(request_user(request))
    return render(
        request,
        "records/matrix.html",
        {
            "lines": responsibilities_all(),
            "can_write": writable,
            "form": form or (f.ResponsibilityForm() if writable else None),
        },
        status=400 if form is not None and form.errors else 200,
    )


@staff_reader
def matrix(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _matrix_page(request)
    if not can_write(request_user(request)):
        raise PermissionDenied("Only the provider's DPO or an administrator changes the matrix.")
    form = f.ResponsibilityForm(request.POST)
    if form.is_valid():
        try:
            responsibility_create(actor=request_user(request), **form.values())  # type: ignore[arg-type]
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Line added to the matrix."))
            return redirect("records:matrix")
    return _matrix_page(request, form)


@writer
def responsibility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = responsibility_by_id(pk)
    initial = {name: getattr(line, name) for name in f.ResponsibilityForm.base_fields}
    form = f.ResponsibilityForm(request.POST or None, initial=initial)
    form.initial_translations(line)
    if request.method == "POST" and form.is_valid():
        try:
            responsibility_update(actor=request_user(request), line=line, **form.values())  # type: ignore[arg-type]
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Line saved."))
            return redirect("records:matrix")
    status = 400 if form.errors else 200
    return render(request, "records/responsibility_form.html", {"form": form, "line": line}, status=status)


@writer
@require_POST
def responsibility_remove(request: HttpRequest, pk: int) -> HttpResponse:
    responsibility_delete(actor=request_user(request), line=responsibility_by_id(pk))
    messages.success(request, _("Line removed from the matrix."))
    return redirect("records:matrix")


def _csv_response(filename: str, header: tuple[str, ...], rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@staff_reader
def measures_csv(request: HttpRequest) -> HttpResponse:
    """The catalogue for auditors' spreadsheets: every measure, retired ones marked, overdue flagged."""
    today = timezone.localdate()
    rows: list[list[object]] = [
        [
            m.ref, m.area, m.title, m.description, m.owner.email, m.review_every_days,
            m.last_reviewed_on or "", m.next_review_on, "; ".join(s.name for s in m.services.all()),
            "active" if m.active else "retired", "yes" if m.active and m.next_review_on < today else "",
        ]
        for m in measures_all(include_retired=True)
    ]  # fmt: skip
    header = (
        "ref", "area_art_32_1", "title", "description", "owner", "review_every_days", "last_reviewed_on",
        "next_review_on", "services", "state", "review_overdue",
    )  # fmt: skip
    return _csv_response("measures.csv", header, rows)


@staff_reader
def matrix_csv(request: HttpRequest) -> HttpResponse:
    rows: list[list[object]] = [
        [line.service.name if line.service else "", line.topic, line.customer_part, line.provider_part]
        for line in responsibilities_all()
    ]
    return _csv_response("responsibilities.csv", ("service", "topic", "customer", "provider"), rows)


# ----------------------------------------------------------------------------------------------------
# The services' texts customers read (the matrix, the register and the records name them)


@staff_reader
def service_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "records/services.html",
        {"services": services(), "can_write": can_write_service(request_user(request))},
    )


@staff_reader
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    writable = can_write_service(request_user(request))
    if request.method == "POST" and not writable:
        raise PermissionDenied("Only the provider's DPO or an administrator changes the texts of a service.")
    initial = {"name": service.name, "description": service.description}
    form = f.ServiceTextsForm(request.POST or None, initial=initial)
    form.initial_translations(service)
    if request.method == "POST" and form.is_valid():
        try:
            service_texts_update(actor=request_user(request), service=service, **form.values())  # type: ignore[arg-type]
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Service texts saved."))
            return redirect("records:services")
    status = 400 if form.errors else 200
    context = {"form": form, "service": service, "can_write": writable}
    return render(request, "records/service_form.html", context, status=status)
