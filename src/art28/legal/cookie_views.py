"""Staff pages of the cookie inventory (S13) and of the consent records (GDPR Art. 7(1): the proof of
consent), with a CSV export. Every staff role reads; the DPO and administrators edit the inventory."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import request_user
from art28.legal import forms as f
from art28.legal.cookies import cookie_delete, cookie_save
from art28.legal.models import ConsentRecord, Cookie
from art28.legal.services import can_write
from art28.legal.views import staff_reader, writer

RECORDS_PER_PAGE = 100


def _records() -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.select_related("policy_version__document", "user").order_by("-given_at")


@staff_reader
def cookies(request: HttpRequest) -> HttpResponse:
    """The inventory, and (for writers) a form that adds a cookie or changes one of the same name."""
    writable = can_write(request_user(request))
    form = f.CookieForm(request.POST or None)
    if request.method != "POST" and (editing := Cookie.objects.filter(name=request.GET.get("edit", "")).first()):
        form.initial = {name: getattr(editing, name) for name in f.CookieForm.base_fields}
        form.initial_translations(editing)
    if request.method == "POST":
        if not writable:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                cookie_save(actor=request_user(request), **form.service_kwargs())
            except ValidationError as exc:
                f.add_errors(form, exc)
            else:
                messages.success(request, _("The cookie %(name)s was saved.") % {"name": form.cleaned_data["name"]})
                return redirect("legal:cookies")
    return render(
        request,
        "legal/cookies.html",
        {"cookies": Cookie.objects.all(), "form": form if writable else None, "can_write": writable},
        status=400 if form.errors else 200,
    )


@writer
@require_POST
def cookie_delete_view(request: HttpRequest, cookie_id: int) -> HttpResponse:
    cookie = get_object_or_404(Cookie, pk=cookie_id)
    cookie_delete(actor=request_user(request), cookie=cookie)
    messages.success(request, _("The cookie %(name)s was removed from the inventory.") % {"name": cookie.name})
    return redirect("legal:cookies")


@staff_reader
def consents(request: HttpRequest) -> HttpResponse:
    page = Paginator(_records(), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "legal/consents.html", {"page": page})


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_reader  # type: ignore[arg-type]  # a streamed response, not an HttpResponse
def consents_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every consent record, streamed (one row per record, newest first)."""
    writer_ = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer_.writerow(["consent_id", "given_at", "cookie_policy_version", "choices", "user"])
        for record in _records().iterator(chunk_size=2000):
            version = record.policy_version
            yield writer_.writerow(
                [
                    record.consent_id,
                    record.given_at.isoformat(),
                    f"{version.document.slug} v{version.number}" if version else "",
                    ";".join(f"{k}={'yes' if v else 'no'}" for k, v in sorted(record.choices.items())),
                    record.user.email if record.user else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="consent-records.csv"'
    return response
