"""The public trust center (read-only, no login): sub-processors, changes, datacenters, DPO, policies,
FAQ, the attestation key (S1, S4, S10), and its machine-readable forms.

Language: ``/trust/`` speaks the browser's language (LocaleMiddleware: the language cookie, then
Accept-Language) and says so with ``Vary``; ``/fr/trust/``, ``/de/trust/`` … name it in the URL, so a
link or a search engine always gets that language. Only the trust center has prefixed URLs: Django's
``i18n_patterns`` would either redirect every unprefixed URL of the site or pin them all to English.

Pages are cached whole (trust/cache.py) and hold nothing specific to the visitor (no session, no CSRF
token: the subscribe form is protected by double opt-in, a honeypot and a rate limit instead).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

from art28.assurance.selectors import published_certifications
from art28.core.dpo import dpo_profile
from art28.core.models import Language
from art28.core.selectors import security_txt_state
from art28.core.signing import FORMAT, SigningKeyMissing, key_id, provider_public_key, public_key_pem
from art28.legal.cookies import banner_state
from art28.legal.selectors import public_documents
from art28.physical.selectors import public_sites
from art28.residency.selectors import datacenter_list
from art28.trust.cache import cached_response
from art28.trust.feeds import ATOM_CONTENT_TYPE, atom_feed, change_title, security_contact, security_txt
from art28.trust.geography import geography
from art28.trust.register import Register, announced_changes, countries_named, current_register, subprocessors_document
from art28.trust.storefront import brand_context, summary

ALGORITHM = "Ed25519"


def page_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run ``view`` in the URL's language (``lang``), else in the one LocaleMiddleware chose.

    The view gets ``language`` and ``from_url`` (False: the response must vary on the request headers).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, lang: str | None = None, **kwargs: Any) -> HttpResponse:
        language = lang or (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        if language not in Language.values:
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, language=language, from_url=lang is not None, **kwargs)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapped


def alternates(url_name: str, **kwargs: str) -> list[tuple[str, str, str]]:
    """``(code, name, url)`` of the same page in each language, for the language links and hreflang."""
    return [(code, name, reverse(url_name, kwargs=kwargs | {"lang": code})) for code, name in settings.LANGUAGES]


def page_context(url_name: str = "trust:index", **kwargs: str) -> dict[str, Any]:
    return {
        "provider_name": settings.ART28_PROVIDER_NAME,
        "alternates": alternates(url_name, **kwargs),
        "base_url": settings.ART28_BASE_URL.rstrip("/"),
        **brand_context(),
    }


def _public_key() -> Ed25519PublicKey | None:
    try:
        return provider_public_key()
    except SigningKeyMissing:
        return None


def _index_context(register: Register) -> dict[str, Any]:
    key = _public_key()
    sites = datacenter_list()
    physical = {row.site.pk: row for row in public_sites([site.pk for site in sites])}
    operated_by = {site.pk: sp for sp in register.subprocessors for site in sp.sites.all()}
    certifications = published_certifications()
    return page_context() | {
        "summary": summary(sites, register.subprocessors, certifications),
        "certifications": certifications,
        "subprocessors": [
            {
                "sp": sp,
                "countries": countries_named(sp.countries),
                "data_categories": [c for c in sp.data_categories.split(";") if c],
                "chain": register.chain_of(sp),
                "agreement": register.agreement_of(sp),
            }
            for sp in register.subprocessors
        ],
        "upcoming": [
            {
                "change": change,
                "title": change_title(change),
                "countries": countries_named(change.subprocessor.countries),
                "agreement": register.agreement_of(change.subprocessor),
            }
            for change in register.upcoming
        ],
        "geography": geography(sites, register.subprocessors, register.upcoming),
        "sites": [
            {
                "site": site,
                "country": countries_named(site.country),
                "operator": operated_by.get(site.pk),
                "physical": physical.get(site.pk),
            }
            for site in sites
        ],
        "profile": (profile := dpo_profile()),
        "dpo_name": profile.name,
        "dpo_email": profile.email,
        "security_contact": security_contact().removeprefix("mailto:"),
        "security_href": security_contact(),
        "policies": public_documents(),
        "key_id": key_id(key) if key else None,
        "algorithm": ALGORITHM,
        "languages": settings.LANGUAGES,
        "security_txt": security_txt_state(),
    }


@page_language
def index(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    state = banner_state(request)  # the cookie consent banner, when there is one to show

    def build() -> tuple[bytes, str]:
        context = _index_context(current_register()) | {"cookie_banner": state == "banner"}
        html = render_to_string("trust/index.html", context)
        return html.encode(), "text/html; charset=utf-8"

    return cached_response(request, page=f"index:{state}", language=language, build=build, vary=not from_url)


def subprocessors_json(request: HttpRequest, lang: str | None = None) -> HttpResponse:
    """The register as JSON (the same in every language: codes, not names)."""

    def build() -> tuple[bytes, str]:
        document = subprocessors_document(current_register())
        return json.dumps(document, ensure_ascii=False, indent=1).encode(), "application/json"

    response = cached_response(request, page="json", language=None, build=build, vary=False)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@page_language
def subprocessors_atom(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    """Every announced change, one Atom entry each; titles in the page's language."""

    def build() -> tuple[bytes, str]:
        self_url = settings.ART28_BASE_URL.rstrip("/") + request.path
        changes, agreements = announced_changes()
        return atom_feed(changes, self_url=self_url, agreements=agreements), ATOM_CONTENT_TYPE

    page = "atom-" + ("url" if from_url else "negotiated")
    return cached_response(request, page=page, language=language, build=build, vary=not from_url)


def security_txt_view(request: HttpRequest) -> HttpResponse:
    """``/.well-known/security.txt`` (RFC 9116) with the Expires staff last renewed (§2.5.5).

    Expires is REQUIRED (§2.5.5): until staff set one, nobody has vouched for the file and it is not
    served (404; the staff dashboard says so). Once the date has passed the file is still served, with
    that past date, so that readers see it is stale. Not cached here: a renewal shows at once.
    """
    state = security_txt_state()
    if state.record is None:
        return HttpResponseNotFound(
            "security.txt is not published yet: its expiry date has not been set (RFC 9116 section 2.5.5).\n",
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(security_txt(expires_at=state.record.expires_at), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=settings.ART28_TRUST_MAX_AGE)
    return response


def bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: the same stack of middleware, no work (only with ART28_BENCH_VIEWS)."""
    if not settings.ART28_BENCH_VIEWS:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")


def _public_key_or_404() -> Ed25519PublicKey:
    key = _public_key()
    if key is None:
        raise Http404("The provider has not published an attestation key yet.")
    return key


def attestation_key_pem(request: HttpRequest, lang: str | None = None) -> HttpResponse:
    """The provider's public key (PEM, SubjectPublicKeyInfo) that verifies residency attestations."""
    return HttpResponse(public_key_pem(_public_key_or_404()), content_type="text/plain; charset=utf-8")


def attestation_key_json(request: HttpRequest, lang: str | None = None) -> JsonResponse:
    key = _public_key_or_404()
    return JsonResponse(
        {"key_id": key_id(key), "algorithm": ALGORITHM, "format": FORMAT, "public_key_pem": public_key_pem(key)}
    )
