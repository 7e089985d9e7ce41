"""What the DPO desk writes to requesters and controllers, in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from art28.core.dpo import dpo_profile
from art28.dpo import conf
from art28.dpo.deadlines import ControllerKind, Deadline, Regime
from art28.dpo.models import Kind, Request


def _render(template: str, language: str, subject: str, **context: Any) -> tuple[str, str]:
    with translation.override(language):
        body = render_to_string(
            template, {"provider_name": settings.ART28_PROVIDER_NAME, "dpo_email": dpo_profile().email} | context
        )
    return subject, body


def subject_for(request: Request, title: str) -> str:
    return f"[{request.reference}] {title}"


def acknowledgement(request: Request, deadline: Deadline) -> tuple[str, str]:
    """The acknowledgement states only what the provider owes. About a customer's data the provider is
    the processor: GDPR Art. 12(3) binds the controller, so the mail names the provider's forwarding
    commitment and that the controller answers under the law — never the controller's deadline as the
    provider's promise. About the provider's own processing it states the legal deadline it owes."""
    with translation.override(request.language):
        subject = subject_for(request, _("We received your message"))
        kind = request.get_kind_display()
    context: dict[str, Any] = {"request": request, "kind": kind, "due": deadline.due}
    if not request.is_data_subject_request:
        case = "service"
    elif request.controller_kind == ControllerKind.PROVIDER:
        case = "law" if deadline.is_law else "commitment"
    elif request.controller_kind == ControllerKind.CUSTOMER:
        case = "customer"
        context |= {"forward_by": deadline.due, "forward_days": conf.forward_days()}
    else:
        own = request.deadline_as(ControllerKind.PROVIDER)
        case = "unknown"
        context |= {
            "own_due": own.due,
            "own_is_law": own.is_law,
            "forward_by": request.deadline_as(ControllerKind.CUSTOMER).due,
            "forward_days": conf.forward_days(),
        }
    return _render("dpo/mail/acknowledgement.txt", request.language, subject, case=case, **context)


def reply(request: Request, text: str) -> tuple[str, str]:
    with translation.override(request.language):
        subject = subject_for(request, _("Reply to your message"))
    return _render("dpo/mail/reply.txt", request.language, subject, request=request, text=text)


def extension(request: Request) -> tuple[str, str]:
    with translation.override(request.language):
        subject = subject_for(request, _("More time is needed to answer your request"))
    return _render("dpo/mail/extension.txt", request.language, subject, request=request)


def refusal(request: Request, reasons: str) -> tuple[str, str]:
    """The refusal, with what each law that applies requires: GDPR Art. 12(4) (the reasons, the right to
    lodge a complaint with a supervisory authority, Art. 77, and to a judicial remedy, Art. 79); nFADP Art.
    26(4) (the reasons) — a rule of the right of access only, so the mail cites it for access requests and
    gives the reasons for the others without it. Both when both apply; the reasons alone where no law does."""
    regime = Regime(request.regime)
    with translation.override(request.language):
        subject = subject_for(request, _("Your request cannot be granted"))
        kind = request.get_kind_display()
    return _render(
        "dpo/mail/refusal.txt",
        request.language,
        subject,
        request=request,
        kind=kind,
        reasons=reasons,
        gdpr=regime in (Regime.GDPR, Regime.BOTH),
        nfadp_access=regime in (Regime.NFADP, Regime.BOTH) and request.kind == Kind.ACCESS,
    )


def forwarded_to_requester(request: Request) -> tuple[str, str]:
    with translation.override(request.language):
        subject = subject_for(request, _("Your request was passed on to the controller"))
    return _render("dpo/mail/forwarded_requester.txt", request.language, subject, request=request)


def forwarded_to_controller(request: Request, portal_url: str) -> tuple[str, str]:
    language = request.organisation.language if request.organisation else "en"
    with translation.override(language):
        subject = subject_for(request, _("A request from one of your data subjects"))
        kind = request.get_kind_display()
    return _render(
        "dpo/mail/forwarded_controller.txt", language, subject, request=request, kind=kind, portal_url=portal_url
    )
