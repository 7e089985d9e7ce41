"""The customer's sub-processor pages: who processes its data, its contract terms, the changes
announced to it, and its objection or consent (GDPR Art. 28(2), nFADP Art. 9(3), DSV Art. 7).

Reads go through the subprocessors selectors scoped to the user's own organisation (another
organisation's change is a 404, exactly like one that does not exist); writes go through its services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import customer_required, request_user
from art28.core.countries import country_name
from art28.core.models import Organisation
from art28.core.roles import Role
from art28.inventory.models import Service
from art28.inventory.selectors import organisation_service_ids
from art28.portal.views import _organisation
from art28.subprocessors.forms import ConsentForm, ObjectionForm, add_errors
from art28.subprocessors.models import NOT_AUTHORISED, Authorisation, ChangeRecipient, FlowDownAgreement, SubProcessor
from art28.subprocessors.responses import change_consent, change_object
from art28.subprocessors.rules import before_effective_date, needs_answer, recipient_applies, recipient_state
from art28.subprocessors.selectors import (
    agreement_in_place_for,
    agreements_in_place,
    chain_of,
    changes_for_organisation,
    contract_terms,
    effective_services,
    recipient_for_organisation,
    subprocessors_for_organisation,
)


@dataclass(frozen=True)
class SubProcessorRow:
    sp: SubProcessor
    chain: list[SubProcessor]
    services: list[Service]
    countries: list[tuple[str, str]]
    outside_policy: list[str]
    agreement: FlowDownAgreement | None  # in place (GDPR Art. 28(4)); its date and duties, never the document


def _rows(organisation: Organisation) -> list[SubProcessorRow]:
    mine = organisation_service_ids(organisation)
    allowed = set(organisation.allowed_country_list)
    found = subprocessors_for_organisation(organisation)
    agreements = agreements_in_place(sp.pk for sp in found)
    return [
        SubProcessorRow(
            sp=sp,
            chain=chain_of(sp)[1:],
            services=[s for s in effective_services(sp) if s.pk in mine],
            countries=[(code, country_name(code)) for code in sp.country_list],
            outside_policy=[code for code in sp.country_list if code not in allowed],
            agreement=agreements.get(sp.pk),
        )
        for sp in found
    ]


@customer_required
def subprocessors_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    changes = [
        (row, recipient_state(row, row.change.kind), recipient_applies(row, row.change.kind))
        for row in changes_for_organisation(organisation)
    ]
    return render(
        request,
        "portal/subprocessors.html",
        {
            "organisation": organisation,
            "terms": contract_terms(organisation),
            "rows": _rows(organisation),
            "changes": changes,
        },
    )


def _change_context(request: HttpRequest, row: ChangeRecipient, **forms: Any) -> dict[str, Any]:
    change = row.change
    sp = change.subprocessor
    not_authorised = row.authorisation == NOT_AUTHORISED  # GDPR Art. 28(2): never applies, nothing to answer
    can_answer = (
        request_user(request).role == Role.CUSTOMER_ADMIN
        and not not_authorised
        and needs_answer(change.kind)
        and change.status in ("announced", "effective")
        and not row.resolution
    )
    return {
        "organisation": row.organisation,
        "row": row,
        "change": change,
        "sp": sp,
        "chain": chain_of(sp)[1:],
        "countries": [(code, country_name(code)) for code in sp.country_list],
        # GDPR Art. 28(4): the agreement binding the sub-processor an addition or replacement brings in.
        "agreement": agreement_in_place_for(sp) if needs_answer(change.kind) else None,
        "state": recipient_state(row, change.kind),
        "applies": recipient_applies(row, change.kind),
        "needs_answer": needs_answer(change.kind),
        "specific": row.authorisation == Authorisation.SPECIFIC,
        "not_authorised": not_authorised,
        "before_effective": before_effective_date(change),
        "is_admin": request_user(request).role == Role.CUSTOMER_ADMIN,
        "can_answer": can_answer,
        "objection_form": forms.get("objection_form") or ObjectionForm(),
        "consent_form": forms.get("consent_form") or ConsentForm(),
    }


@customer_required
def change_page(request: HttpRequest, change_id: int) -> HttpResponse:
    row = recipient_for_organisation(_organisation(request), change_id)
    return render(request, "portal/subprocessor_change.html", _change_context(request, row))


def _answer(request: HttpRequest, change_id: int, form: Any, form_name: str, act: Any) -> HttpResponse:
    organisation = _organisation(request)
    row = recipient_for_organisation(organisation, change_id)
    if request_user(request).role != Role.CUSTOMER_ADMIN:
        raise PermissionDenied(_("Only your organisation's administrators can object or consent."))
    if form.is_valid():
        try:
            message = act(row, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("portal:subprocessor_change", change_id=change_id)
    row = recipient_for_organisation(organisation, change_id)
    context = _change_context(request, row, **{form_name: form})
    return render(request, "portal/subprocessor_change.html", context, status=400)


@customer_required
@require_POST
def object_view(request: HttpRequest, change_id: int) -> HttpResponse:
    def act(row: ChangeRecipient, data: dict[str, Any]) -> str:
        change_object(
            actor=request_user(request), change=row.change, organisation=row.organisation, reason=data["reason"]
        )
        return _("Your objection is recorded. The change will not apply to your data until it is resolved with you.")

    return _answer(request, change_id, ObjectionForm(request.POST), "objection_form", act)


@customer_required
@require_POST
def consent_view(request: HttpRequest, change_id: int) -> HttpResponse:
    def act(row: ChangeRecipient, data: dict[str, Any]) -> str:
        given = data["decision"] == "consent"
        change_consent(actor=request_user(request), change=row.change, organisation=row.organisation, consent=given)
        if given:
            return _("Your consent is recorded.")
        return _("Your refusal is recorded. The change will not apply to your data.")

    return _answer(request, change_id, ConsentForm(request.POST), "consent_form", act)
