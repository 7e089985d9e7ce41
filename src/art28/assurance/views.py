"""Staff pages (``/staff/assurance/…``): the trust center's profile (logo, tagline, summary) and the
certifications. Every staff role reads; the DPO and administrators change (core.access)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.assurance import selectors
from art28.assurance.forms import CertificationForm, ProfileForm, add_service_errors
from art28.assurance.http import certificate_response
from art28.assurance.models import Certification
from art28.assurance.services import (
    certification_create,
    certification_delete,
    certification_update,
    trust_profile_update,
)
from art28.core.access import ASSURANCE_READERS, ASSURANCE_WRITERS
from art28.core.auth import request_user, role_required

reader = role_required(*ASSURANCE_READERS)
writer = role_required(*ASSURANCE_WRITERS)


@reader
def profile(request: HttpRequest) -> HttpResponse:
    current = selectors.trust_profile()
    can_write = request_user(request).role in ASSURANCE_WRITERS
    form = ProfileForm(initial={"tagline": current.tagline, "summary": current.summary})
    if request.method == "POST":
        if not can_write:
            return HttpResponse(status=403)
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            logo = form.logo_bytes()
            if form.is_valid():  # read_upload may have refused the file
                try:
                    trust_profile_update(
                        actor=request_user(request),
                        tagline=form.cleaned_data["tagline"],
                        summary=form.cleaned_data["summary"],
                        logo=logo,
                        remove_logo=form.cleaned_data["remove_logo"] and logo is None,
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Trust center profile saved; the trust center shows it now."))
                    return redirect("assurance:profile")
    return render(
        request,
        "assurance/profile.html",
        {"profile": current, "form": form, "can_write": can_write},
        status=400 if form.errors else 200,
    )


@reader
def certification_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(c, c.status_on(today)) for c in selectors.certifications()]
    return render(
        request,
        "assurance/certification_list.html",
        {"rows": rows, "can_write": request_user(request).role in ASSURANCE_WRITERS},
    )


def _certification_form(request: HttpRequest, certification: Certification | None) -> HttpResponse:
    if certification is None:
        form = CertificationForm()
    else:
        form = CertificationForm(
            initial={
                "name": certification.name,
                "issuer": certification.issuer,
                "scope": certification.scope,
                "valid_from": certification.valid_from,
                "valid_until": certification.valid_until,
                "position": certification.position,
                "published": certification.published,
            }
        )
    if request.method == "POST":
        form = CertificationForm(request.POST, request.FILES)
        if form.is_valid():
            certificate = form.certificate_bytes()
            if form.is_valid():
                try:
                    if certification is None:
                        certification_create(
                            actor=request_user(request), certificate=certificate, **form.service_kwargs()
                        )
                    else:
                        certification_update(
                            actor=request_user(request),
                            certification=certification,
                            certificate=certificate,
                            remove_certificate=form.cleaned_data["remove_certificate"] and certificate is None,
                            **form.service_kwargs(),
                        )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Certification saved; the trust center shows it now."))
                    return redirect("assurance:certifications")
    return render(
        request,
        "assurance/certification_form.html",
        {"form": form, "certification": certification},
        status=400 if form.errors else 200,
    )


@writer
def certification_new(request: HttpRequest) -> HttpResponse:
    return _certification_form(request, None)


@writer
def certification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _certification_form(request, selectors.certification_by_pk(pk))


@writer
@require_POST
def certification_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    certification_delete(actor=request_user(request), certification=selectors.certification_by_pk(pk))
    messages.success(request, _("Certification deleted."))
    return redirect("assurance:certifications")


@reader
def certification_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored certificate, published or not (staff check what they uploaded)."""
    return certificate_response(selectors.certificate_file(pk), cache_seconds=0)
