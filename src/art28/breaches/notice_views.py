"""Staff pages on notices (compose, edit per language, confirm and send) and the breach register."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.breaches import forms as f
from art28.breaches.models import Notice
from art28.breaches.notices import PLACEHOLDER_HELP, clean_texts, complete_texts, customer_text, needed_languages
from art28.breaches.register import csv_chunks, register_pdf, register_row
from art28.breaches.selectors import (
    affected_customer,
    affected_rows,
    incident_by_ref,
    languages_of_affected,
    register_incidents,
)
from art28.breaches.sending import notice_create, notice_delete, notice_send, notice_texts_update
from art28.breaches.services import can_write
from art28.breaches.views import _add_errors, breach_writer, incident_context, staff_reader
from art28.core.auth import request_user

# The editor's preview offers the affected customers in a select up to this many; past it, the reference
# is typed (with suggestions), so a 100,000-customer incident does not make a 100,000-option page.
PREVIEW_CHOICES = 300


def _notice(ref: str, sequence: int) -> Notice:
    incident = incident_by_ref(ref)
    notice = incident.notices.filter(sequence=sequence).first()
    if notice is None:
        raise Http404(f"No notice no. {sequence} for {ref}")
    notice.incident = incident
    return notice


def _texts_form(notice: Notice, data: dict[str, str] | None = None) -> f.NoticeTextsForm:
    texts = complete_texts(notice, notice.incident, needed_languages(languages_of_affected(notice.incident)))
    return f.NoticeTextsForm(data, languages=list(texts), texts=texts)


@breach_writer
@require_POST
def notice_create_view(request: HttpRequest, ref: str) -> HttpResponse:
    incident = incident_by_ref(ref)
    form = f.NoticeCreateForm(request.POST)
    if form.is_valid():
        try:
            notice = notice_create(actor=request_user(request), incident=incident, kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Notice composed; read and edit it in each language, then send it."))
            return redirect("breaches:notice", ref=incident.ref, sequence=notice.sequence)
    context = incident_context(request, incident, notice_form=form)
    return render(request, "breaches/incident.html", context, status=400)


@staff_reader
def notice_page(request: HttpRequest, ref: str, sequence: int) -> HttpResponse:
    """One notice: per-language texts (editable until sent), placeholders, and the send button."""
    notice = _notice(ref, sequence)
    editable = notice.sent_at is None and can_write(request_user(request))
    form = _texts_form(notice, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not editable:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                notice_texts_update(actor=request_user(request), notice=notice, texts=form.texts())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                # "Save and send…" saves what is on the screen first, so no edit is lost on the way.
                if request.POST.get("then") == "send":
                    return redirect("breaches:notice_send", ref=ref, sequence=sequence)
                messages.success(request, _("The texts were saved."))
                return redirect("breaches:notice", ref=ref, sequence=sequence)
        status = 400
    rows = affected_rows(notice.incident)
    recipients = rows.count()
    return render(
        request,
        "breaches/notice.html",
        {
            "incident": notice.incident,
            "notice": notice,
            "form": form,
            "editable": editable,
            "placeholders": [("{" + name + "}", meaning) for name, meaning in PLACEHOLDER_HELP.items()],
            "languages": languages_of_affected(notice.incident),
            "recipients": recipients,
            "preview_rows": rows[:PREVIEW_CHOICES],
            "preview_select": recipients <= PREVIEW_CHOICES,
        },
        status=status,
    )


@staff_reader
def notice_preview(request: HttpRequest, ref: str, sequence: int) -> HttpResponse:
    """The notice as one affected customer will read it (its language, its facts, the portal's renderer).

    GET previews the saved texts; POST (from the editor) previews the texts on the screen without saving
    them. Nothing is written either way. A customer the incident does not affect is a 404."""
    notice = _notice(ref, sequence)
    data = request.POST if request.method == "POST" else request.GET
    customer = data.get("customer", "").strip()
    if not customer:
        return HttpResponse(_("Choose an affected customer to preview the notice for."), status=400)
    row = affected_customer(notice.incident, customer)
    language = row.organisation.language or "en"
    texts = complete_texts(notice, notice.incident, [language])
    errors: list[str] = []
    if request.method == "POST" and notice.sent_at is None and f"body_{language}" in request.POST:
        on_screen = {"subject": request.POST.get(f"subject_{language}", ""), "body": request.POST[f"body_{language}"]}
        try:
            texts |= clean_texts({language: on_screen})
        except ValidationError as exc:
            errors = exc.messages
    return render(
        request,
        "breaches/notice_preview.html",
        {
            "incident": notice.incident,
            "notice": notice,
            "row": row,
            "text": customer_text(texts, row),
            "errors": errors,
            "unsaved": request.method == "POST" and notice.sent_at is None,
        },
        status=400 if errors else 200,
    )


@breach_writer
def notice_send_view(request: HttpRequest, ref: str, sequence: int) -> HttpResponse:
    """GET: the confirmation (who receives it, in which languages); POST: send."""
    notice = _notice(ref, sequence)
    if request.method == "POST":
        try:
            sent = notice_send(actor=request_user(request), notice=notice)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("breaches:notice", ref=ref, sequence=sequence)
        messages.success(
            request,
            _("Notice no. %(n)s sent to %(customers)s customers (%(deliveries)s deliveries queued).")
            % {"n": sent.sequence, "customers": sent.recipients, "deliveries": sent.deliveries},
        )
        return redirect(notice.incident)
    return render(
        request,
        "breaches/notice_confirm.html",
        {
            "incident": notice.incident,
            "notice": notice,
            "recipients": affected_rows(notice.incident).count(),
            "languages": languages_of_affected(notice.incident),
        },
    )


@breach_writer
@require_POST
def notice_delete_view(request: HttpRequest, ref: str, sequence: int) -> HttpResponse:
    notice = _notice(ref, sequence)
    try:
        notice_delete(actor=request_user(request), notice=notice)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("breaches:notice", ref=ref, sequence=sequence)
    messages.success(request, _("The draft notice was discarded."))
    return redirect(notice.incident)


def _register_filters(request: HttpRequest) -> tuple[f.ListFilterForm, dict[str, Any]]:
    form = f.ListFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = {
        "phase": data.get("phase", ""),
        "decision": data.get("decision", ""),
        "overdue": bool(data.get("overdue")),
        "year": data.get("year"),
        "query": data.get("q", ""),
    }
    return form, filters


@staff_reader
def register_page(request: HttpRequest) -> HttpResponse:
    """The Art. 33(5) register: every incident with facts, effects, decisions, notices, remedial action;
    the filters apply to the page and to both exports."""
    form, filters = _register_filters(request)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(csv_chunks(**filters), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%dT%H%M")
        response["Content-Disposition"] = f'attachment; filename="breach-register-{stamp}.csv"'
        return cast(HttpResponse, response)
    rows = [(incident, register_row(incident)) for incident in register_incidents(**filters)]
    return render(
        request, "breaches/register.html", {"rows": rows, "form": form, "can_write": can_write(request_user(request))}
    )


@staff_reader
def register_pdf_view(request: HttpRequest) -> HttpResponse:
    _form, filters = _register_filters(request)
    response = HttpResponse(register_pdf(**filters), content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%dT%H%M")
    response["Content-Disposition"] = f'attachment; filename="breach-register-{stamp}.pdf"'
    return response
