"""Subscribing to sub-processor changes on the public trust center (S4).

- Double opt-in: the form only mails a signed confirmation link; the link's page confirms on a POST
  (a GET only shows the button: mail scanners open links without anyone having asked).
- The form says the same thing whatever the address (new, pending, subscribed): it never reveals who
  is subscribed. A honeypot field catches naive bots; a per-IP limit (in the cache) the others.
- Unsubscribing is one click (RFC 8058): the URL of the List-Unsubscribe header accepts a POST with
  no CSRF token (the mail client sends it, with no page or cookie); a GET shows a button.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from art28.notify.mail import confirm_token_value
from art28.notify.models import Subscriber
from art28.notify.subscriptions import subscriber_confirm, subscriber_subscribe, subscriber_unsubscribe
from art28.trust.ratelimit import over_hourly_limit
from art28.trust.views import page_context, page_language

HONEYPOT_FIELD = "website"


def _private(response: HttpResponse) -> HttpResponse:
    """Token pages: the token is the credential; keep it out of caches, indexes and Referer headers."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _form_page(request: HttpRequest, language: str, *, email: str = "", error: str = "", status: int = 200) -> Any:
    context = page_context("trust:subscribe") | {
        "email": email,
        "error": error,
        "chosen_language": language,
        "languages": settings.LANGUAGES,
        "honeypot": HONEYPOT_FIELD,
    }
    return render(request, "trust/subscribe.html", context, status=status)


@csrf_exempt  # a forged submission can only mail a confirmation link to an address: double opt-in
@require_http_methods(["GET", "POST"])
@page_language
def subscribe(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, language)
    if over_hourly_limit(request, form="subscribe", per_hour=settings.ART28_SUBSCRIBE_PER_IP_PER_HOUR):
        error = _("Too many requests from your network. Please try again in an hour.")
        return _form_page(request, language, error=error, status=429)
    sent = redirect(reverse("trust:subscribe_sent", kwargs={"lang": language}))
    if request.POST.get(HONEYPOT_FIELD):
        return sent  # a bot filled the field people cannot see: pretend, do nothing
    email = request.POST.get("email", "")
    chosen = request.POST.get("language", language)
    try:
        subscriber_subscribe(email=email, language=chosen)
    except ValidationError:
        return _form_page(request, language, email=email, error=_("Enter a valid e-mail address."), status=400)
    return sent


@require_GET
@page_language
def subscribe_sent(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    return render(request, "trust/subscribe_sent.html", page_context("trust:subscribe_sent"))


def _subscriber_for_confirmation(token: str) -> Subscriber:
    try:
        return Subscriber.objects.get(token=confirm_token_value(token))
    except (signing.BadSignature, Subscriber.DoesNotExist) as exc:
        raise Http404("This confirmation link is not valid (any more).") from exc


@require_http_methods(["GET", "POST"])
@page_language
def subscribe_confirm(request: HttpRequest, token: str, *, language: str, from_url: bool) -> HttpResponse:
    subscriber = _subscriber_for_confirmation(token)
    confirmed = False
    if request.method == "POST":
        subscriber_confirm(subscriber=subscriber)
        confirmed = True
    context = page_context("trust:subscribe_confirm", token=token) | {
        "subscriber": subscriber,
        "confirmed": confirmed or subscriber.is_active,
        "unsubscribe_token": subscriber.token,
    }
    return _private(render(request, "trust/subscribe_confirm.html", context))


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a page, a cookie or a token
@require_http_methods(["GET", "POST"])
@page_language
def unsubscribe(request: HttpRequest, token: str, *, language: str, from_url: bool) -> HttpResponse:
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        raise Http404("This unsubscribe link is not valid.")
    if request.method == "POST":
        subscriber_unsubscribe(subscriber=subscriber, via="one-click" if _is_one_click(request) else "page")
    context = page_context("trust:unsubscribe", token=token) | {
        "subscriber": subscriber,
        "unsubscribed": subscriber.unsubscribed_at is not None,
    }
    return _private(render(request, "trust/unsubscribe.html", context))


def _is_one_click(request: HttpRequest) -> bool:
    return request.POST.get("List-Unsubscribe") == "One-Click"
