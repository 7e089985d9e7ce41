"""Audits and instructions in the portal (GDPR Art. 28(3)(a),(h); docs/duties.md): a customer administrator
asks for an audit and answers an offer of evidence, gives instructions and answers one the provider held;
every user of the customer follows them, and sees the legal requirements it was informed of. Only the
user's own organisation's (another's is a 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.access import CUSTOMER_ADMINS
from art28.core.auth import customer_required, request_user, role_required
from art28.core.roles import Role
from art28.core.validation import validation_text
from art28.duties.audits import controller_audit_offer_answer, controller_audit_request, earliest_start
from art28.duties.forms import AnswerForm, AuditRequestForm, InstructionForm
from art28.duties.instructions import instruction_answer, instruction_record
from art28.duties.models import Instruction
from art28.duties.selectors import (
    audit_for_organisation,
    audits_for_organisation,
    instruction_for_organisation,
    instructions_for_organisation,
    legal_requirements_for_organisation,
)
from art28.portal.views import _organisation

admin_required = role_required(*CUSTOMER_ADMINS)


def _attempt(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], object], success: str) -> bool:
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        action(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, validation_text(exc))
        return False
    messages.success(request, success)
    return True


# --- audits ----------------------------------------------------------------------------------------------


def _audits_page(request: HttpRequest, form: forms.Form | None = None, status: int = 200) -> HttpResponse:
    organisation = _organisation(request)
    is_admin = request_user(request).role == Role.CUSTOMER_ADMIN
    return render(request, "portal/audits.html", {
        "audits": audits_for_organisation(organisation), "is_admin": is_admin, "today": timezone.localdate(),
        "form": form or AuditRequestForm(initial={"proposed_from": earliest_start(timezone.localdate())}),
        "earliest": earliest_start(timezone.localdate()),
    }, status=status)  # fmt: skip


@customer_required
def audits_page(request: HttpRequest) -> HttpResponse:
    return _audits_page(request)


@admin_required
@require_POST
def audit_request_view(request: HttpRequest) -> HttpResponse:
    organisation, user = _organisation(request), request_user(request)
    form = AuditRequestForm(request.POST)
    if _attempt(request, form, lambda data: controller_audit_request(actor=user, customer=organisation, **data),
                _("Your audit request is recorded.")):  # fmt: skip
        return redirect("portal:audits")
    return _audits_page(request, form, status=400)


@customer_required
def audit_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = audit_for_organisation(_organisation(request), public_id)
    return render(request, "portal/audit.html", {
        "audit": found, "today": timezone.localdate(), "answer_form": AnswerForm(),
        "can_answer": request_user(request).role == Role.CUSTOMER_ADMIN and found.status == "offered",
    })  # fmt: skip


@admin_required
@require_POST
def audit_offer_answer_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = audit_for_organisation(_organisation(request), public_id)
    accept = request.POST.get("decision") == "accept"
    form = AnswerForm(request.POST)
    ok = _attempt(request, form, lambda data: controller_audit_offer_answer(
        actor=request_user(request), audit=found, accept=accept, note=data["answer"]),
        _("Your answer is recorded."))  # fmt: skip
    if not ok:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect(reverse("portal:audit", kwargs={"public_id": found.public_id}))


# --- instructions ----------------------------------------------------------------------------------------


def _instructions_page(request: HttpRequest, form: forms.Form | None = None, status: int = 200) -> HttpResponse:
    organisation = _organisation(request)
    return render(request, "portal/instructions.html", {
        "instructions": instructions_for_organisation(organisation),
        "requirements": legal_requirements_for_organisation(organisation),
        "is_admin": request_user(request).role == Role.CUSTOMER_ADMIN, "answer_form": AnswerForm(),
        "form": form or InstructionForm(initial={"given_on": timezone.localdate()}),
    }, status=status)  # fmt: skip


@customer_required
def instructions_page(request: HttpRequest) -> HttpResponse:
    return _instructions_page(request)


@admin_required
@require_POST
def instruction_give_view(request: HttpRequest) -> HttpResponse:
    organisation, user = _organisation(request), request_user(request)
    form = InstructionForm(request.POST)
    if _attempt(request, form, lambda data: instruction_record(
            actor=user, customer=organisation, source=Instruction.Source.PORTAL, given_by=user.email, **data),
            _("Your instruction is recorded.")):  # fmt: skip
        return redirect("portal:instructions")
    return _instructions_page(request, form, status=400)


@admin_required
@require_POST
def instruction_answer_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    found = instruction_for_organisation(_organisation(request), public_id)
    withdraw = request.POST.get("decision") == "withdraw"
    form = AnswerForm(request.POST)
    if not _attempt(request, form, lambda data: instruction_answer(
            actor=request_user(request), instruction=found, withdraw=withdraw, answer=data["answer"]),
            _("Your answer is recorded.")):  # fmt: skip
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("portal:instructions")
