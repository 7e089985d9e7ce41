"""art28's own cookies (S13) and the visitors' consent to the non-essential ones.

ePrivacy Directive Art. 5(3) (and Swiss TCA Art. 45c: information and the right to refuse): storing or
reading a cookie that is not strictly necessary needs the visitor's consent. GDPR Art. 7(1): the
provider must be able to demonstrate that consent, hence one ``ConsentRecord`` per choice, with the
cookie-policy version it was given under. Today every art28 cookie is essential, so no banner is shown;
the banner appears by itself as soon as a non-essential cookie is in the inventory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.models import User
from art28.core.translated import clean_translations
from art28.legal import signals
from art28.legal.models import ConsentRecord, Cookie, CookieCategory, DocumentVersion
from art28.legal.selectors import cookie_policy_in_force
from art28.legal.services import ensure_writer

CONSENT_COOKIE = "art28_consent"
CONSENT_COOKIE_MAX_AGE = 60 * 60 * 24 * 365  # a year, then the visitor is asked again
_OPTIONAL_KEY = "legal:optional-cookie-categories"
# ``purpose_i18n``: the purpose in French, German, Italian (art28.core.translated); the visitor reads theirs.
COOKIE_FIELDS = ("name", "purpose", "purpose_i18n", "duration", "category", "set_by")


def default_cookies() -> list[dict[str, Any]]:
    """The cookies art28 itself sets, named as configured in the settings (all strictly necessary), with
    their purposes in the four languages of the pages (Swiss usage: no "ß")."""
    first_party = "art28 (first party)"
    return [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": "Keeps you signed in to the customer portal or the back office.",
            "purpose_i18n": {
                "fr": "Maintient votre session ouverte dans le portail client ou l'espace d'administration.",
                "de": "Hält Sie im Kundenportal oder im Backoffice angemeldet.",
                "it": "Mantiene aperta la sua sessione nel portale clienti o nel back office.",
            },
            "duration": f"{settings.SESSION_COOKIE_AGE // 3600} hours, or until you sign out",
            "category": CookieCategory.ESSENTIAL,
            "set_by": first_party,
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": "Protects forms against cross-site request forgery.",
            "purpose_i18n": {
                "fr": "Protège les formulaires contre la falsification de requêtes intersites (CSRF).",
                "de": "Schützt Formulare vor websiteübergreifender Anfragefälschung (CSRF).",
                "it": "Protegge i moduli dalla falsificazione di richieste tra siti (CSRF).",
            },
            "duration": f"{settings.CSRF_COOKIE_AGE // 86400} days",
            "category": CookieCategory.ESSENTIAL,
            "set_by": first_party,
        },
        {
            "name": settings.LANGUAGE_COOKIE_NAME,
            "purpose": "Remembers the language you chose for the pages.",
            "purpose_i18n": {
                "fr": "Retient la langue que vous avez choisie pour les pages.",
                "de": "Merkt sich die Sprache, die Sie für die Seiten gewählt haben.",
                "it": "Ricorda la lingua che ha scelto per le pagine.",
            },
            "duration": "until the browser is closed"
            if settings.LANGUAGE_COOKIE_AGE is None
            else f"{settings.LANGUAGE_COOKIE_AGE // 86400} days",
            "category": CookieCategory.ESSENTIAL,
            "set_by": first_party,
        },
        {
            "name": "messages",
            "purpose": "Carries a confirmation message (e.g. 'Saved.') to the next page you see.",
            "purpose_i18n": {
                "fr": "Transmet un message de confirmation (p. ex. « Enregistré. ») à la page suivante.",
                "de": "Überbringt eine Bestätigung (z. B. «Gespeichert.») an die nächste Seite, die Sie sehen.",
                "it": "Trasmette un messaggio di conferma (p. es. «Salvato.») alla pagina successiva.",
            },
            "duration": "until the next page",
            "category": CookieCategory.ESSENTIAL,
            "set_by": first_party,
        },
        {
            "name": CONSENT_COOKIE,
            "purpose": "Remembers your cookie choice (the identifier of your consent record).",
            "purpose_i18n": {
                "fr": "Retient votre choix en matière de cookies (l'identifiant de votre consentement enregistré).",
                "de": "Merkt sich Ihre Cookie-Wahl (die Kennung Ihrer erfassten Einwilligung).",
                "it": "Ricorda la sua scelta sui cookie (l'identificativo del suo consenso registrato).",
            },
            "duration": "1 year",
            "category": CookieCategory.ESSENTIAL,
            "set_by": first_party,
        },
    ]


def _invalidate_optional() -> None:
    """Forget the cached categories now (this process sees its own write) and again after the commit
    (a request that read the old inventory meanwhile must not keep it)."""
    cache.delete(_OPTIONAL_KEY)
    transaction.on_commit(lambda: cache.delete(_OPTIONAL_KEY))


def cookie_save(*, actor: Actor, name: str, **fields: Any) -> Cookie:
    """Create or change the cookie called ``name`` in the inventory."""
    ensure_writer(actor)
    if unknown := set(fields) - set(COOKIE_FIELDS):
        raise ValueError(f"unknown cookie field {', '.join(sorted(unknown))}")
    if "purpose_i18n" in fields:  # known languages only, blanks dropped; a bad entry names the field
        fields["purpose_i18n"] = clean_translations(fields["purpose_i18n"], field="purpose")
    with transaction.atomic():
        cookie = Cookie.objects.select_for_update().filter(name=name).first()
        before = {f: getattr(cookie, f) for f in COOKIE_FIELDS} if cookie else None
        cookie = cookie or Cookie(name=name)
        for key, value in fields.items():
            setattr(cookie, key, value)
        cookie.full_clean()
        cookie.save()
        audit_record(
            actor=actor,
            action="legal.cookie.save",
            obj=cookie,
            before=before,
            after={f: getattr(cookie, f) for f in COOKIE_FIELDS},
        )
        _invalidate_optional()
        signals.cookies_changed.send(sender=Cookie)
    return cookie


def cookie_delete(*, actor: Actor, cookie: Cookie) -> None:
    ensure_writer(actor)
    with transaction.atomic():
        before = {f: getattr(cookie, f) for f in COOKIE_FIELDS}
        pk, label = cookie.pk, str(cookie)
        cookie.delete()
        audit_record(
            actor=actor,
            action="legal.cookie.delete",
            object_type="legal.cookie",
            object_id=pk,
            object_repr=label,
            before=before,
        )
        _invalidate_optional()
        signals.cookies_changed.send(sender=Cookie)


def cookies_seed(*, actor: Actor) -> int:
    """Put art28's own cookies in the inventory (those missing); returns how many were added.

    A cookie seeded before its purpose had translations, whose English purpose is still ours and which
    has none yet, gets them (an edited purpose is the provider's own text and is left alone)."""
    added = 0
    existing = {cookie.name: cookie for cookie in Cookie.objects.all()}
    for cookie in default_cookies():
        if (known := existing.get(cookie["name"])) is None:
            cookie_save(actor=actor, **cookie)
            added += 1
        elif not known.purpose_i18n and known.purpose == cookie["purpose"]:
            cookie_save(actor=actor, name=known.name, purpose_i18n=cookie["purpose_i18n"])
    return added


def optional_categories(*, cached: bool = False) -> list[str]:
    """The non-essential categories in the inventory.

    ``cached``: from the shared cache (for the trust center's cached pages, whose hits cost no query);
    it is forgotten on every inventory write and expires after ART28_TRUST_CACHE_SECONDS, so that another
    process's write (with a per-process cache) shows within that delay, like the pages themselves.
    Pages rendered per request ask the database (one small query), so they are never stale.
    """
    if cached:
        categories = cache.get(_OPTIONAL_KEY)
        if categories is not None:
            return list(categories)
    categories = sorted(
        set(Cookie.objects.exclude(category=CookieCategory.ESSENTIAL).values_list("category", flat=True))
    )
    if cached:
        cache.set(_OPTIONAL_KEY, categories, settings.ART28_TRUST_CACHE_SECONDS)
    return categories


def consent_record(
    *, choices: dict[str, bool], user: User | None = None, policy_version: DocumentVersion | None = None
) -> ConsentRecord:
    """Record a visitor's choice, per category, under the cookie policy in force (GDPR Art. 7(1)).

    Not an audit-trail entry: the visitor acts for themselves, and the record is itself the proof.
    Only categories present in the inventory are kept; essential cookies need no consent.
    """
    categories = optional_categories()
    if not categories:
        raise ValidationError("No cookie needs consent: every cookie of this site is strictly necessary.")
    if unknown := set(choices) - set(categories):
        raise ValidationError({"choices": f"unknown category {', '.join(sorted(unknown))}"})
    with transaction.atomic():
        return ConsentRecord.objects.create(
            given_at=timezone.now(),
            policy_version=policy_version or cookie_policy_in_force(),
            choices={category: bool(choices.get(category)) for category in categories},
            user=user,
        )


def consent_of(request: HttpRequest) -> ConsentRecord | None:
    value = request.COOKIES.get(CONSENT_COOKIE, "")
    try:
        return ConsentRecord.objects.filter(consent_id=value).select_related("policy_version").first()
    except ValidationError:  # not a UUID: a stale or forged cookie, as if there were none
        return None


@dataclass(frozen=True)
class Banner:
    categories: list[tuple[str, str]]  # (value, label)
    asked_again: bool  # the visitor chose under an earlier cookie policy


def banner_for(request: HttpRequest, *, cached: bool = False) -> Banner | None:
    """The consent banner to show, or None: no non-essential cookie (with ``cached``, no query), or the
    visitor already chose under the cookie policy in force (asked again after a new version)."""
    categories = optional_categories(cached=cached)
    if not categories:
        return None
    consent = consent_of(request)
    in_force = cookie_policy_in_force()
    current_id = in_force.pk if in_force else None
    if consent is not None and consent.policy_version_id == current_id:
        return None
    labels = dict(CookieCategory.choices)
    return Banner(categories=[(c, str(labels[c])) for c in categories], asked_again=consent is not None)


def banner_state(request: HttpRequest) -> str:
    """A short key for caches: pages that show the banner differ from those that do not."""
    return "banner" if banner_for(request, cached=True) else "plain"
