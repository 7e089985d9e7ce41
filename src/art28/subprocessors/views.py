"""Staff pages of the register and the contracts (S4). Changes are in change_views.py.

Every staff role reads; the DPO and administrators write; customers never see these pages (403).
No JavaScript: each action is a small form posting to its own URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from art28.core.adequacy import Law, ground_text
from art28.core.auth import request_user, role_required
from art28.core.countries import country_name
from art28.core.listing import Column, csv_download, sort_state, wants_csv
from art28.core.models import Organisation
from art28.core.roles import STAFF_ROLES
from art28.inventory.models import Service
from art28.subprocessors import forms as f
from art28.subprocessors.flowdown import flowdown_agreement_record
from art28.subprocessors.models import NOT_AUTHORISED, Authorisation, Contract, FlowDownAgreement, SubProcessor
from art28.subprocessors.rules import agreement_in_effect, agreement_states, in_use_on, today
from art28.subprocessors.selectors import (
    agreements_in_place,
    audit_history,
    chain_of,
    changes_naming,
    contract_terms,
    customer_authorisations,
    effective_services,
    engaged_subprocessors,
    flowdown_agreements_of,
    public_register,
    register_all,
    subprocessor_by_slug,
    terms_of,
    unauthorised_customers_of,
    unauthorised_subprocessors_for,
    upcoming_changes,
)
from art28.subprocessors.services import (
    SUBPROCESSOR_WRITERS,
    can_write,
    contract_set,
    subprocessor_create,
    subprocessor_update,
)

staff_reader = role_required(*STAFF_ROLES)
writer = role_required(*SUBPROCESSOR_WRITERS)
CONTRACTS_PER_PAGE = 100
UNAUTHORISED_SHOWN = 50


REGISTER_COLUMNS = (
    Column("name", _lazy("Sub-processor"), ("sp__legal_name",)),
    Column("countries", _lazy("Countries"), ("sp__countries",)),
    Column("engaged_by", _lazy("Engaged by"), ("sp__engaged_by__legal_name",)),
    Column("in_use", _lazy("In use"), ("in_use", "sp__in_use_from")),
)


@dataclass(frozen=True)
class RegisterRow:
    sp: SubProcessor
    chain: list[SubProcessor]
    services: list[Service]
    countries: list[tuple[str, str]]
    in_use: bool
    agreement: FlowDownAgreement | None  # in place on the day shown (GDPR Art. 28(4))


def _rows(subprocessors: list[SubProcessor], on: dt.date | None) -> list[RegisterRow]:
    day = on or today()
    agreements = agreements_in_place((sp.pk for sp in subprocessors), day)
    return [
        RegisterRow(
            sp=sp,
            chain=chain_of(sp)[1:],
            services=effective_services(sp),
            countries=[(code, country_name(code)) for code in sp.country_list],
            in_use=in_use_on(sp, day),
            agreement=agreements.get(sp.pk),
        )
        for sp in subprocessors
    ]


@staff_reader
def register(request: HttpRequest) -> HttpResponseBase:
    """The register: everything ever registered, or (``?at=YYYY-MM-DD``) those in use on that date."""
    form = f.RegisterAtForm(request.GET or None)
    at = form.cleaned_data.get("at") if form.is_valid() else None
    subprocessors = public_register(at) if at else register_all()
    sort = sort_state(request, REGISTER_COLUMNS)
    rows = sort.sort_list(_rows(subprocessors, at))
    if wants_csv(request):
        return csv_download(
            "subprocessors.csv",
            [
                _("Sub-processor"),
                _("Slug"),
                _("Purpose"),
                _("Countries"),
                _("Services"),
                _("Engaged by"),
                _("In use"),
                _("Flow-down agreement in place since"),
            ],
            (
                [
                    row.sp.legal_name,
                    row.sp.slug,
                    row.sp.purpose,
                    ", ".join(code for code, _name in row.countries),
                    ", ".join(service.name for service in row.services),
                    " ← ".join(link.legal_name for link in row.chain),
                    _("yes") if row.in_use else _("no"),
                    row.agreement.signed_on.isoformat() if row.agreement else "",
                ]
                for row in rows
            ),
        )
    return render(
        request,
        "subprocessors/register.html",
        {
            "form": form,
            "at": at,
            "sort": sort.header(),
            "rows": rows,
            "upcoming": upcoming_changes(),
            "can_write": can_write(request_user(request)),
        },
    )


@staff_reader
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    sp = subprocessor_by_slug(slug)
    return _detail(request, sp, form=None)


@dataclass(frozen=True)
class AgreementRow:
    agreement: FlowDownAgreement
    state: str  # in-place, incomplete, superseded, ended


def _agreement_rows(agreements: list[FlowDownAgreement]) -> list[AgreementRow]:
    """Each agreement with where it stands today (GDPR Art. 28(4); rules.agreement_states)."""
    states = agreement_states(agreements, today())
    return [AgreementRow(agreement, states[agreement.pk]) for agreement in agreements]


def _initial(sp: SubProcessor) -> dict[str, object]:
    return {
        **{name: getattr(sp, name) for name in f.SubProcessorForm.base_fields if hasattr(sp, name)},
        "engaged_by": sp.engaged_by.slug if sp.engaged_by else None,
        "services": [s.name for s in sp.services.all()],
        "sites": [s.code for s in sp.sites.all()],
    }


def _edit_form(sp: SubProcessor) -> f.SubProcessorForm:
    form = f.SubProcessorForm(initial=_initial(sp))
    form.initial_translations(sp)
    return form


def _detail(
    request: HttpRequest,
    sp: SubProcessor,
    form: f.SubProcessorForm | None,
    agreement_form: f.FlowDownAgreementForm | None = None,
) -> HttpResponse:
    writable = can_write(request_user(request))
    chain = chain_of(sp)
    unauthorised = unauthorised_customers_of(sp)
    agreements = flowdown_agreements_of(sp)
    current = agreement_in_effect(agreements, today())
    return render(
        request,
        "subprocessors/detail.html",
        {
            "sp": sp,
            "chain": chain[1:],
            "services": effective_services(sp),
            "countries": [(code, country_name(code)) for code in sp.country_list],
            "grounds": [
                (code, country_name(code), ground_text(g[Law.GDPR]), ground_text(g[Law.NFADP]), g)
                for code, g in sp.grounds(today())
            ],
            "in_use": in_use_on(sp, today()),
            "engaged": engaged_subprocessors(sp),
            # GDPR Art. 28(2): the customers whose data it processes without a recorded authorisation.
            "unauthorised": list(unauthorised[:UNAUTHORISED_SHOWN]),
            "unauthorised_count": unauthorised.count(),
            "changes": changes_naming(sp),
            "history": audit_history(sp),
            "can_write": writable,
            "form": form or (_edit_form(sp) if writable else None),
            # GDPR Art. 28(4), nFADP Art. 9(3): the agreements binding it to the same obligations.
            "agreements": _agreement_rows(agreements),
            "current_agreement": current,
            "agreement_form": agreement_form or (f.FlowDownAgreementForm() if writable else None),
        },
        status=400 if any(bound is not None and bound.errors for bound in (form, agreement_form)) else 200,
    )


@writer
def create(request: HttpRequest) -> HttpResponse:
    form = f.SubProcessorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sp = subprocessor_create(actor=request_user(request), **form.service_arguments())
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is in the register.") % {"name": sp.legal_name})
            return redirect("subprocessors:detail", slug=sp.slug)
    return render(request, "subprocessors/create.html", {"form": form}, status=400 if form.errors else 200)


@writer
@require_POST
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    sp = subprocessor_by_slug(slug)
    form = f.SubProcessorForm(request.POST)
    if form.is_valid():
        try:
            sp = subprocessor_update(actor=request_user(request), subprocessor=sp, **form.service_arguments())
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("subprocessors:detail", slug=sp.slug)
    messages.error(request, _("Nothing was changed: please correct the errors below."))
    return _detail(request, sp, form=form)


@writer
@require_POST
def agreement_record(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the signed flow-down agreement (GDPR Art. 28(4), nFADP Art. 9(3)): the upload, its date and
    the duties of Art. 28(3) it covers; the service computes the SHA-256."""
    sp = subprocessor_by_slug(slug)
    form = f.FlowDownAgreementForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agreement = flowdown_agreement_record(
                actor=request_user(request),
                subprocessor=sp,
                signed_on=data["signed_on"],
                valid_until=data["valid_until"],
                clauses=data["clauses"],
                file_name=data["file"].name,
                content=data["file"].read(),
            )
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            if agreement.complete:
                messages.success(
                    request,
                    _("The agreement signed on %(date)s is recorded with its SHA-256; it is in place.")
                    % {"date": date_format(agreement.signed_on)},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The agreement signed on %(date)s is recorded, but it is incomplete: it does not cover "
                        "%(missing)s. It does not count as in place."
                    )
                    % {"date": date_format(agreement.signed_on), "missing": "; ".join(agreement.missing_labels)},
                )
            return redirect(f"{reverse('subprocessors:detail', kwargs={'slug': sp.slug})}#flowdown-h")
    messages.error(request, _("Nothing was recorded: please correct the errors below."))
    return _detail(request, sp, form=None, agreement_form=form)


@staff_reader
def agreement_document(request: HttpRequest, slug: str, agreement_id: int) -> HttpResponse:
    """The signed agreement as uploaded, to staff only (never on a customer or public page)."""
    found = FlowDownAgreement.objects.filter(pk=agreement_id, subprocessor__slug=slug).first()
    if found is None:
        raise Http404("No such agreement")
    response = HttpResponse(bytes(found.document), content_type=found.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, found.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


AUTHORISATION_FILTERS = (
    ("", _lazy("every customer")),
    (NOT_AUTHORISED, _lazy("not authorised")),
    (Authorisation.GENERAL, _lazy("general authorisation")),
    (Authorisation.SPECIFIC, _lazy("specific authorisation")),
)


@staff_reader
def contracts(request: HttpRequest) -> HttpResponse:
    """Every customer's recorded authorisation of sub-processors, or none (GDPR Art. 28(2): a customer
    without one has authorised nothing); filter ``authorisation`` = none / general / specific."""
    if ref := request.GET.get("ref", "").strip():
        return redirect("subprocessors:contract", ref=get_object_or_404(Organisation, ref=ref).ref)
    query = request.GET.get("q", "").strip()
    shown = request.GET.get("authorisation", "")
    if shown not in dict(AUTHORISATION_FILTERS):
        shown = ""
    rows = customer_authorisations(shown, query).select_related("contract__acceptance__version__document")
    page = Paginator(rows, CONTRACTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "subprocessors/contracts.html",
        {
            "page": page,
            "rows": [(org, terms_of(getattr(org, "contract", None))) for org in page.object_list],
            "query": query,
            "shown": shown,
            "filters": AUTHORISATION_FILTERS,
            "not_authorised_count": customer_authorisations(NOT_AUTHORISED).count(),
            "can_write": can_write(request_user(request)),
        },
    )


@staff_reader
def contract(request: HttpRequest, ref: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, ref=ref)
    terms = contract_terms(organisation)
    writable = can_write(request_user(request))
    initial = (
        {"authorisation": terms.authorisation, "notice_days": terms.notice_days, "signed_on": terms.signed_on}
        if terms.authorised
        else {}
    )
    form = f.ContractForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not writable:
            raise PermissionDenied(_("Only the provider's DPO or an administrator can change contracts."))
        if form.is_valid():
            try:
                contract_set(actor=request_user(request), organisation=organisation, **form.cleaned_data)
            except ValidationError as exc:
                f.add_errors(form, exc)
            else:
                messages.success(request, _("The authorisation of %(ref)s was recorded.") % {"ref": organisation.ref})
                return redirect("subprocessors:contract", ref=organisation.ref)
    return render(
        request,
        "subprocessors/contract.html",
        {
            "organisation": organisation,
            "terms": terms,
            "unauthorised": [] if terms.authorised else unauthorised_subprocessors_for(organisation),
            "form": form,
            "can_write": writable,
            "history": audit_history(Contract.objects.filter(organisation=organisation).first()),
        },
        status=400 if form.errors else 200,
    )
