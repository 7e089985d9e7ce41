"""Audits by the controller and its instructions, from the staff pages (docs/duties.md). Every staff role
reads; the DPO, security and administrators answer audits; the DPO and administrators flag instructions and
record legal requirements; staff writers record instructions received by mail. A refused change is a 400
naming why, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.access import STAFF
from art28.core.auth import request_user, role_required
from art28.core.models import Organisation
from art28.core.validation import validation_text
from art28.duties.audits import (
    AUDIT_HANDLERS,
    controller_audit_agree,
    controller_audit_offer_evidence,
    controller_audit_report_record,
    remediation_item_close,
)
from art28.duties.forms import (
    AuditAgreeForm,
    AuditOfferForm,
    AuditReportForm,
    FlagForm,
    LegalRequirementForm,
    RemediationCloseForm,
    StaffInstructionForm,
)
from art28.duties.instructions import (
    INSTRUCTION_DECIDERS,
    INSTRUCTION_RECORDERS,
    instruction_decide,
    instruction_flag,
    instruction_record,
    legal_requirement_record,
)
from art28.duties.models import ControllerAudit, RemediationItem
from art28.duties.selectors import (
    audit_by_reference,
    audits_all,
    instruction_by_reference,
    instructions_all,
    legal_requirements_all,
)

reader = role_required(*STAFF)
handler = role_required(*AUDIT_HANDLERS)
recorder = role_required(*INSTRUCTION_RECORDERS)
decider = role_required(*INSTRUCTION_DECIDERS)


def _run(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], object], success: str,
         page: Callable[[str], HttpResponse]) -> HttpResponse | None:  # fmt: skip
    """Validate the form, run the service; None on success (the caller redirects), else the page with a 400."""
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        action(form.cleaned_data)
    except ValidationError as exc:
        response = page(validation_text(exc))
        response.status_code = 400
        return response
    messages.success(request, success)
    return None


# --- audits ----------------------------------------------------------------------------------------------


@reader
def audits(request: HttpRequest) -> HttpResponse:
    return render(request, "duties/audits.html", {"audits": audits_all()[:500], "today": timezone.localdate()})


def _audit_page(request: HttpRequest, audit: ControllerAudit, error: str = "") -> HttpResponse:
    return render(request, "duties/audit.html", {
        "audit": audit, "error": error, "today": timezone.localdate(),
        "can_answer": request_user(request).role in AUDIT_HANDLERS,
        "agree_form": AuditAgreeForm(initial={"agreed_from": audit.proposed_from, "agreed_to": audit.proposed_to}),
        "offer_form": AuditOfferForm(), "report_form": AuditReportForm(), "close_form": RemediationCloseForm(),
    })  # fmt: skip


@reader
def audit(request: HttpRequest, reference: str) -> HttpResponse:
    return _audit_page(request, audit_by_reference(reference))


def _audit_action(request: HttpRequest, reference: str, form_class: type[forms.Form], service: Callable[..., object],
                  success: str, **extra: Any) -> HttpResponse:  # fmt: skip
    found = audit_by_reference(reference)
    user = request_user(request)
    refused = _run(request, form_class(request.POST), lambda data: service(actor=user, audit=found, **data, **extra),
                   success, lambda error: _audit_page(request, audit_by_reference(reference), error))  # fmt: skip
    return refused or redirect(found)


@handler
@require_POST
def audit_agree(request: HttpRequest, reference: str) -> HttpResponse:
    return _audit_action(request, reference, AuditAgreeForm, controller_audit_agree, _("Dates agreed."))


@handler
@require_POST
def audit_offer(request: HttpRequest, reference: str) -> HttpResponse:
    return _audit_action(request, reference, AuditOfferForm, controller_audit_offer_evidence, _("Evidence offered."))


@handler
@require_POST
def audit_report(request: HttpRequest, reference: str) -> HttpResponse:
    return _audit_action(request, reference, AuditReportForm, controller_audit_report_record, _("Report recorded."))


@handler
@require_POST
def remediation_close(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    found = audit_by_reference(reference)
    item = get_object_or_404(RemediationItem, pk=item_id, audit=found)
    user = request_user(request)
    refused = _run(request, RemediationCloseForm(request.POST),
                   lambda data: remediation_item_close(actor=user, item=item, **data), _("Marked fixed."),
                   lambda error: _audit_page(request, audit_by_reference(reference), error))  # fmt: skip
    return refused or redirect(found)


# --- instructions and legal requirements ----------------------------------------------------------------


def _instructions_page(request: HttpRequest, error: str = "", instruction_form: forms.Form | None = None,
                       requirement_form: forms.Form | None = None) -> HttpResponse:  # fmt: skip
    role = request_user(request).role
    return render(request, "duties/instructions.html", {
        "instructions": instructions_all()[:500], "requirements": legal_requirements_all()[:200], "error": error,
        "can_record": role in INSTRUCTION_RECORDERS, "can_decide": role in INSTRUCTION_DECIDERS,
        "instruction_form": instruction_form or StaffInstructionForm(initial={"given_on": timezone.localdate()}),
        "requirement_form": requirement_form or LegalRequirementForm(initial={"received_on": timezone.localdate()}),
    })  # fmt: skip


@reader
def instructions(request: HttpRequest) -> HttpResponse:
    return _instructions_page(request)


def _customer(ref: str) -> Organisation:
    found = Organisation.objects.filter(ref=ref.strip()).first()
    if found is None:
        raise ValidationError({"customer": f"No customer has the reference {ref!r}."})
    return found


@recorder
@require_POST
def instruction_new(request: HttpRequest) -> HttpResponse:
    form = StaffInstructionForm(request.POST)
    user = request_user(request)

    def record(data: dict[str, Any]) -> object:
        customer = _customer(data.pop("customer"))
        return instruction_record(actor=user, customer=customer, **data)

    refused = _run(request, form, record, _("Instruction recorded."),
                   lambda error: _instructions_page(request, error, instruction_form=form))  # fmt: skip
    return refused or redirect("duties:instructions")


@decider
@require_POST
def legal_requirement_new(request: HttpRequest) -> HttpResponse:
    form = LegalRequirementForm(request.POST)
    user = request_user(request)

    def record(data: dict[str, Any]) -> object:
        customer = _customer(data.pop("customer"))
        return legal_requirement_record(actor=user, customer=customer, **data)

    refused = _run(request, form, record, _("Legal requirement recorded."),
                   lambda error: _instructions_page(request, error, requirement_form=form))  # fmt: skip
    return refused or redirect("duties:instructions")


def _instruction_page(request: HttpRequest, reference: str, error: str = "") -> HttpResponse:
    found = instruction_by_reference(reference)
    return render(request, "duties/instruction.html", {
        "instruction": found, "error": error, "flag_form": FlagForm(),
        "can_decide": request_user(request).role in INSTRUCTION_DECIDERS,
    })  # fmt: skip


@reader
def instruction(request: HttpRequest, reference: str) -> HttpResponse:
    return _instruction_page(request, reference)


@decider
@require_POST
def instruction_flag_view(request: HttpRequest, reference: str) -> HttpResponse:
    found = instruction_by_reference(reference)
    user = request_user(request)
    refused = _run(request, FlagForm(request.POST),
                   lambda data: instruction_flag(actor=user, instruction=found, **data),
                   _("Instruction held; the customer is told why."),
                   lambda error: _instruction_page(request, reference, error))  # fmt: skip
    return refused or redirect(found)


@decider
@require_POST
def instruction_decide_view(request: HttpRequest, reference: str) -> HttpResponse:
    found = instruction_by_reference(reference)
    user = request_user(request)
    follow = request.POST.get("decision") == "follow"
    refused = _run(request, forms.Form(request.POST),
                   lambda data: instruction_decide(actor=user, instruction=found, follow=follow), _("Decided."),
                   lambda error: _instruction_page(request, reference, error))  # fmt: skip
    return refused or redirect(found)
