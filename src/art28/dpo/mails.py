"""What the DPO desk writes to requesters and controllers, in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from art28.core.dpo import dpo_profile
from art28.dpo.models import Request


def _render(template: str, language: str, subject: str, **context: Any) -> tuple[str, str]:
    with translation.override(language):
        body = render_to_string(
            template, {"provider_name": settings.ART28_PROVIDER_NAME, "dpo_email": dpo_profile().email} | context
        )
    return subject, body


def subject_for(request: Request, title: str) -> str:
    return f"[{request.reference}] {title}"


def acknowledgement(request: Request, *, deadline_is_law: bool) -> tuple[str, str]:
    with translation.override(request.language):
        subject = subject_for(request, _("We received your message"))
        kind = request.get_kind_display()
    return _render(
        "dpo/mail/acknowledgement.txt",
        request.language,
        subject,
        request=request,
        kind=kind,
        deadline_is_law=deadline_is_law,
    )


def reply(request: Request, text: str) -> tuple[str, str]:
    with translation.override(request.language):
        subject = subject_for(request, _("Reply to your message"))
    return _render("dpo/mail/reply.txt", request.language, subject, request=request, text=text)


def extension(request: Request) -> tuple[str, str]:
    with translation.override(request.language):
        subject = subject_for(request, _("More time is needed to answer your request"))
    return _render("dpo/mail/extension.txt", request.language, subject, request=request)


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
