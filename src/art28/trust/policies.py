"""The public policy pages (S8, S10, S13): every published legal document, its version in force, any
version by number, the history and a readable diff of two versions; the cookie consent page.

Cached whole like the trust index (trust/cache.py), invalidated when a version is published or the cookie
inventory changes. Drafts are never public: an unknown or unpublished version is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from art28.core.translated import DEFAULT_LANGUAGE, all_languages, localized
from art28.legal import signals
from art28.legal.cookies import (
    CONSENT_COOKIE,
    CONSENT_COOKIE_MAX_AGE,
    Banner,
    banner_for,
    banner_state,
    consent_of,
    consent_record,
    optional_categories,
)
from art28.legal.diff import diff_lines, diff_stats, with_context
from art28.legal.models import Cookie, CookieCategory, DocumentKind, DocumentVersion
from art28.legal.redline import redline
from art28.legal.selectors import (
    document_by_slug,
    public_documents,
    published,
    published_version,
    upcoming_versions,
    version_in_force,
)
from art28.legal.source import render_document
from art28.trust.cache import cached_response, invalidate_on_commit
from art28.trust.views import page_context, page_language


def connect() -> None:
    """Publishing a version or changing the cookies makes the cached trust pages stale."""
    signals.version_published.connect(_invalidate, dispatch_uid="trust-policies-published")
    signals.cookies_changed.connect(_invalidate, dispatch_uid="trust-policies-cookies")


def _invalidate(**kwargs: Any) -> None:
    invalidate_on_commit()


def _cached(
    request: HttpRequest, *, page: str, language: str, from_url: bool, template: str, context: Callable[[], dict]
) -> HttpResponse:
    """A cached policy page; the consent banner (when there is one to show) is part of the cache key."""
    state = banner_state(request)

    def build() -> tuple[bytes, str]:
        html = render_to_string(template, context() | {"cookie_banner": state == "banner"})
        return html.encode(), "text/html; charset=utf-8"

    response = cached_response(request, page=f"{page}:{state}", language=language, build=build, vary=not from_url)
    patch_vary_headers(response, ("Cookie",))
    return response


@page_language
def policy_list(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    def context() -> dict[str, Any]:
        return page_context("trust:policies") | {"rows": public_documents(), "today": timezone.localdate()}

    return _cached(
        request, page="policies", language=language, from_url=from_url, template="trust/policies.html", context=context
    )


def _page_language() -> str:
    return (get_language() or DEFAULT_LANGUAGE)[:2]


def text_languages(version: DocumentVersion, alternates: list[tuple[str, str, str]], shown: str) -> list[Any]:
    """``(code, name, url)`` of the other languages this version has a text in: the same page there."""
    available = all_languages(version, "body")
    return [(code, name, url) for code, name, url in alternates if code in available and code != shown]


def _version_context(slug: str, number: int | None) -> dict[str, Any]:
    """The version in the page's language (the URL's, else the browser's): its text there, else the
    English one marked as not available in that language, and links to the languages it exists in."""
    document = document_by_slug(slug)
    in_force = version_in_force(document)
    version = published_version(document, number) if number is not None else in_force
    upcoming = upcoming_versions(document)
    if version is None and upcoming:
        version = upcoming[0]  # nothing in force yet: show the first upcoming version, marked as such
    if version is None:
        raise Http404(_("This document has no published version yet."))
    kwargs = {"slug": slug} | ({"number": str(number)} if number is not None else {})
    context = page_context("trust:policy_version" if number is not None else "trust:policy", **kwargs) | {
        "document": document,
        "version": version,
        "in_force": in_force,
        "upcoming": upcoming,
        "is_upcoming": version.effective_on > timezone.localdate(),  # type: ignore[operator]
        "text": (text := localized(version, "body", _page_language())),
        "html": render_document(text.text),
        "previous": published(document).filter(number__lt=version.number).first(),
    }
    context["text_languages"] = text_languages(version, context["alternates"], text.language)
    if document.kind == DocumentKind.COOKIES:
        context["cookies"] = list(Cookie.objects.all())
    return context


@page_language
def policy(request: HttpRequest, slug: str, *, language: str, from_url: bool) -> HttpResponse:
    return _cached(
        request,
        page=f"policy:{slug}",
        language=language,
        from_url=from_url,
        template="trust/policy.html",
        context=lambda: _version_context(slug, None),
    )


@page_language
def policy_version(request: HttpRequest, slug: str, number: int, *, language: str, from_url: bool) -> HttpResponse:
    return _cached(
        request,
        page=f"policy:{slug}:v{number}",
        language=language,
        from_url=from_url,
        template="trust/policy.html",
        context=lambda: _version_context(slug, number),
    )


@page_language
def policy_history(request: HttpRequest, slug: str, *, language: str, from_url: bool) -> HttpResponse:
    def context() -> dict[str, Any]:
        document = document_by_slug(slug)
        in_force = version_in_force(document)
        return page_context("trust:policy_history", slug=slug) | {
            "document": document,
            "document_title": localized(document, "title").text,
            "versions": list(published(document)),
            "in_force": in_force,
            "today": timezone.localdate(),
        }

    return _cached(
        request,
        page=f"history:{slug}",
        language=language,
        from_url=from_url,
        template="trust/policy_history.html",
        context=context,
    )


@dataclass(frozen=True)
class DiffChoice:
    """What a diff page was asked for: two version numbers (None: the latest two), redline or source."""

    numbers: tuple[int, int] | None
    source: bool  # the raw line diff of the Markdown, for auditors
    full: bool  # source view: the whole text, not only the changes and their context

    @property
    def query(self) -> str:
        """The query string naming this choice, kept by the language links (empty: the defaults)."""
        params: dict[str, str | int] = {}
        if self.numbers is not None:
            params |= {"from": self.numbers[0], "to": self.numbers[1]}
        if self.source:
            params["view"] = "source"
            if self.full:
                params["full"] = 1
        return f"?{urlencode(params)}" if params else ""


class NoComparison(Exception):
    """A diff that cannot be shown: the message for the page and its status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _diff_choice(request: HttpRequest) -> DiffChoice:
    """``from`` and ``to`` as numbers (both absent: the latest two versions), or NoComparison (400)."""
    raw_from, raw_to = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    source = request.GET.get("view") == "source"
    full = source and request.GET.get("full") == "1"
    if not raw_from and not raw_to:
        return DiffChoice(None, source, full)
    if not raw_from.isdigit() or not raw_to.isdigit() or len(raw_from) > 9 or len(raw_to) > 9:
        raise NoComparison(_("Name two versions by number: ?from=1&to=2 (the 'from' and 'to' parameters)."), 400)
    if int(raw_from) == int(raw_to):
        raise NoComparison(_("'from' and 'to' name the same version: choose two different versions."), 400)
    return DiffChoice((int(raw_from), int(raw_to)), source, full)


def _diff_context(slug: str, choice: DiffChoice) -> dict[str, Any]:
    document = document_by_slug(slug)
    versions = list(published(document))  # newest first
    context = page_context("trust:policy_diff", slug=slug)
    context["alternates"] = [(code, name, url + choice.query) for code, name, url in context["alternates"]]
    context |= {
        "document": document,
        "document_title": localized(document, "title").text,
        "versions": versions,
        "choice": choice,
    }
    if choice.numbers is None:
        if len(versions) < 2:
            return context | {"only": versions[0] if versions else None}
        new, old = versions[0], versions[1]
    else:
        by_number = {version.number: version for version in versions}
        unknown = [number for number in choice.numbers if number not in by_number]
        if unknown:
            message = _("%(document)s has no published version %(number)s.")
            raise NoComparison(message % {"document": document.title, "number": unknown[0]}, 404)
        old, new = by_number[choice.numbers[0]], by_number[choice.numbers[1]]
    # The two texts in the page's language; a version without one is compared by its English text, and
    # the page says so (a French reader must not take an English sentence for a change of wording).
    language = _page_language()
    old_text, new_text = localized(old, "body", language), localized(new, "body", language)
    context |= {"old": old, "new": new, "old_text": old_text, "new_text": new_text}
    if choice.source:
        lines = diff_lines(old_text.text, new_text.text)
        return context | {"lines": lines if choice.full else with_context(lines), "stats": diff_stats(lines)}
    marked = redline(old_text.text, new_text.text)
    return context | {"redline": marked, "stats": marked.stats}


def _diff_error(request: HttpRequest, slug: str, problem: NoComparison) -> HttpResponse:
    """A page saying what is wrong with the comparison asked for, with the way to the latest changes."""
    context = page_context("trust:policy_diff", slug=slug) | {"message": problem.message, "slug": slug}
    html = render_to_string("trust/policy_error.html", context, request=None)
    return HttpResponse(html.encode(), status=problem.status)


@page_language
def policy_diff(request: HttpRequest, slug: str, *, language: str, from_url: bool) -> HttpResponse:
    """Two published versions compared (GDPR Art. 28(9): the customer sees what changes before accepting):
    a redline of the formatted text, or the line diff of the Markdown (``?view=source``). Without
    ``from``/``to``, the latest two versions."""
    try:
        choice = _diff_choice(request)
        numbers = "latest" if choice.numbers is None else f"{choice.numbers[0]}:{choice.numbers[1]}"
        return _cached(
            request,
            page=f"diff:{slug}:{numbers}:{int(choice.source)}:{int(choice.full)}",
            language=language,
            from_url=from_url,
            template="trust/policy_diff.html",
            context=lambda: _diff_context(slug, choice),
        )
    except NoComparison as problem:
        return _diff_error(request, slug, problem)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/trust/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return "/trust/"
    return target


@page_language
def cookie_consent(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    """The consent form (not cached: it carries a CSRF token) and its POST, which records the choice
    (GDPR Art. 7(1)) and remembers it in the consent cookie (ePrivacy Art. 5(3), TCA Art. 45c)."""
    if request.method == "POST":
        banner = banner_for(request) or _asked_anyway(request)
        if banner is None:
            messages.info(request, _("Every cookie of this site is strictly necessary: there is nothing to choose."))
            return redirect(_next_url(request))
        accept_all = request.POST.get("choice") == "all"
        choices = {value: accept_all or request.POST.get(f"category-{value}") == "on" for value, _ in banner.categories}
        if request.POST.get("choice") == "none":
            choices = dict.fromkeys(choices, False)
        user = request.user if request.user.is_authenticated else None
        try:
            record = consent_record(choices=choices, user=user)  # type: ignore[arg-type]
        except ValidationError as exc:
            return HttpResponseBadRequest(" ".join(exc.messages))
        response = redirect(_next_url(request))
        response.set_cookie(
            CONSENT_COOKIE,
            str(record.consent_id),
            max_age=CONSENT_COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
    banner = banner_for(request) or _asked_anyway(request)
    return render(
        request,
        "trust/cookie_consent.html",
        page_context("trust:cookie_consent")
        | {"banner": banner, "consent": consent_of(request), "next": _next_url(request)},
    )


def _asked_anyway(request: HttpRequest) -> Banner | None:
    """A visitor who already chose may change their mind: the same categories, not "asked again"."""
    categories = optional_categories()
    if not categories:
        return None
    labels = dict(CookieCategory.choices)
    return Banner(categories=[(c, str(labels[c])) for c in categories], asked_again=False)
