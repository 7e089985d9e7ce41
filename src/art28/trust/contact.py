"""The DPO contact form on the public trust center (S11): ``/trust/contact/`` and ``/<lang>/trust/contact/``.

Like the subscribe form (trust/subscribe.py): the empty form is cached whole with the other trust pages,
so it carries no CSRF token and the POST is exempt. A forged cross-site submission can only file a
request in someone's name and mail its acknowledgement to the address typed in — what anyone can do by
filling in the form. A honeypot field catches naive bots (they are told "sent" and nothing is kept) and a
per-IP hourly limit in the cache the rest. No third-party captcha (no visitor data leaves the provider),
no JavaScript needed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from art28.core.countries import ALPHA_2_CODES, EEA_COUNTRIES, country_name
from art28.core.dpo import dpo_profile, dpo_profile_changed
from art28.core.models import DpoProfile
from art28.dpo.models import DATA_SUBJECT_KINDS, Kind
from art28.dpo.services import request_submit
from art28.trust.cache import cached_response, invalidate
from art28.trust.ratelimit import over_hourly_limit
from art28.trust.views import page_context, page_language

HONEYPOT_FIELD = "website"
FIELDS = ("kind", "name", "email", "country", "language", "message", "concerns", "controller_kind")


def _countries(language: str) -> list[tuple[str, str]]:
    """Switzerland and the EEA first (where the law the deadline follows differs), then the rest."""
    named = sorted(((code, country_name(code, language)) for code in ALPHA_2_CODES), key=lambda item: item[1])
    first = {"CH"} | EEA_COUNTRIES
    return [c for c in named if c[0] in first] + [c for c in named if c[0] not in first]


def _context(language: str, values: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> dict:
    return page_context("trust:contact") | {
        "profile": dpo_profile(),
        "rights": [(k.value, k.label) for k in Kind if k in DATA_SUBJECT_KINDS],
        "others": [(k.value, k.label) for k in Kind if k not in DATA_SUBJECT_KINDS],
        "countries": _countries(language),
        "languages": settings.LANGUAGES,
        "values": values or {"language": language},
        "errors": errors or {},
        "honeypot": HONEYPOT_FIELD,
    }


def _form_page(request: HttpRequest, language: str, values: dict[str, str], errors: dict[str, str], status: int) -> Any:
    context = _context(language, values, errors) | {"form_error": errors.get("__all__", "")}
    response = render(request, "trust/contact.html", context, status=status)
    response["Cache-Control"] = "no-store"  # it echoes what the visitor typed
    return response


@csrf_exempt  # the empty form is a cached public page without a token; see the module docstring
@require_http_methods(["GET", "POST"])
@page_language
def contact(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    if request.method == "GET":

        def build() -> tuple[bytes, str]:
            return render_to_string("trust/contact.html", _context(language)).encode(), "text/html; charset=utf-8"

        return cached_response(request, page="contact", language=language, build=build, vary=not from_url)
    values = {name: request.POST.get(name, "") for name in FIELDS}
    if over_hourly_limit(request, form="contact", per_hour=settings.ART28_DPO_CONTACT_PER_IP_PER_HOUR):
        error = _("Too many messages from your network. Please try again in an hour.")
        return _form_page(request, language, values, {"__all__": error}, 429)
    sent = redirect(reverse("trust:contact_sent", kwargs={"lang": language}))
    if request.POST.get(HONEYPOT_FIELD):
        return sent  # a bot filled the field people cannot see: pretend, keep nothing
    try:
        request_submit(
            kind=values["kind"],
            name=values["name"],
            email=values["email"],
            country=values["country"],
            language=values["language"],
            message=values["message"],
            concerns=values["concerns"],
            controller_kind=values["controller_kind"],
        )
    except ValidationError as exc:
        errors = {field: " ".join(messages) for field, messages in exc.message_dict.items()}
        return _form_page(request, language, values, errors, 400)
    return sent


@require_GET
@page_language
def contact_sent(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    return render(request, "trust/contact_sent.html", page_context("trust:contact_sent") | {"profile": dpo_profile()})


def _profile_changed(sender: Any, profile: DpoProfile, **kwargs: Any) -> None:
    invalidate()  # sent after the commit already


def connect() -> None:
    dpo_profile_changed.connect(_profile_changed, dispatch_uid="trust-dpo-profile-changed")
