"""The demo provider's legal documents (S8, S13): the six documents with short English texts, the data
protection policy in two versions (so the diff shows), terms v2 announced 30 days ahead, acceptances of
terms v1 by the demo customers' administrators (customer@example.org's organisation among them), and
art28's own cookies, their purposes in English, French, German and Italian (``legal.cookies.default_cookies``:
the same texts ``art28 legal-cookies-seed`` gives a real installation).

Texts are in ``templates/demo/legal/<slug>.md`` (and ``<slug>.v2.md``), their French, German and Italian
translations in ``<slug>.fr.md``, ``<slug>.v2.de.md`` … (Swiss terms: "conseiller à la protection des
données", "Datenschutzberater/in", "consulente per la protezione dei dati", "Auftragsbearbeiter"), the titles
and change summaries in ``TITLES`` and ``SUMMARIES`` below. The **cookie policy has no Italian text** on
purpose, so the demo shows the English text with its "not available in Italian" marker. Documents that
already exist (another part of the demo may create the DPA) are left as they are.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.models import User
from art28.core.roles import Role
from art28.legal.cookies import cookies_seed
from art28.legal.models import Document, DocumentKind
from art28.legal.services import document_accept, document_create, version_draft, version_publish

TEXTS = Path(__file__).parent / "templates" / "demo" / "legal"  # packaged with the templates
DOCUMENTS = [
    ("confidentiality", DocumentKind.CONFIDENTIALITY, "Confidentiality policy", False),
    ("data-protection", DocumentKind.DATA_PROTECTION, "Data protection policy (GDPR / nFADP)", False),
    ("cookies", DocumentKind.COOKIES, "Cookie policy", False),
    ("terms", DocumentKind.TERMS, "Terms and conditions", True),
    ("dpa", DocumentKind.DPA, "Data processing agreement (DPA)", True),
    ("toms", DocumentKind.TOMS, "Technical and organisational measures (annex to the DPA)", False),
]
TITLES = {
    "confidentiality": {
        "fr": "Politique de confidentialité",
        "de": "Vertraulichkeitsrichtlinie",
        "it": "Politica di confidenzialità",
    },
    "data-protection": {
        "fr": "Politique de protection des données (RGPD / LPD)",
        "de": "Datenschutzrichtlinie (DSGVO / DSG)",
        "it": "Politica di protezione dei dati (RGPD / LPD)",
    },
    "cookies": {"fr": "Politique en matière de cookies", "de": "Cookie-Richtlinie", "it": "Politica sui cookie"},
    "terms": {"fr": "Conditions générales", "de": "Allgemeine Geschäftsbedingungen", "it": "Condizioni generali"},
    "dpa": {
        "fr": "Contrat de sous-traitance (DPA)",
        "de": "Auftragsbearbeitungsvertrag",
        "it": "Accordo sul trattamento dei dati (DPA)",
    },
    "toms": {
        "fr": "Mesures techniques et organisationnelles (annexe au DPA)",
        "de": "Technische und organisatorische Massnahmen (Anhang zum Auftragsbearbeitungsvertrag)",
        "it": "Misure tecniche e organizzative (allegato al DPA)",
    },
}
SUMMARIES = {
    "data-protection": "Retention of support tickets shortened from 5 to 2 years; the Swiss FDPIC named as "
    "supervisory authority for complaints under the nFADP.",
    "terms": "Section 6: the notice period for changes of sub-processors is now 30 days (was 14); section 9: "
    "liability for data loss on managed backups clarified.",
}
SUMMARIES_I18N = {
    "data-protection": {
        "fr": "Conservation des tickets de support réduite de 5 à 2 ans ; le PFPDT suisse désigné comme autorité "
        "de contrôle pour les réclamations selon la LPD.",
        "de": "Aufbewahrung der Support-Tickets von 5 auf 2 Jahre verkürzt; der Schweizer EDÖB als "
        "Aufsichtsbehörde für Beschwerden nach dem DSG genannt.",
        "it": "Conservazione dei ticket di supporto ridotta da 5 a 2 anni; l'IFPDT svizzero indicato come autorità "
        "di vigilanza per i reclami secondo la LPD.",
    },
    "terms": {
        "fr": "Section 6 : le délai d'annonce des changements de sous-traitants ultérieurs est désormais de 30 jours "
        "(au lieu de 14) ; section 9 : responsabilité en cas de perte de données des sauvegardes gérées précisée.",
        "de": "Abschnitt 6: Die Ankündigungsfrist für Änderungen bei Unterauftragsbearbeitern beträgt neu 30 Tage "
        "(bisher 14); Abschnitt 9: Haftung bei Datenverlust in verwalteten Backups präzisiert.",
        "it": "Sezione 6: il termine di preavviso per le modifiche dei subresponsabili è ora di 30 giorni (prima "
        "14); sezione 9: precisata la responsabilità per la perdita di dati nei backup gestiti.",
    },
}
LANGUAGES = ("fr", "de", "it")


def _text(slug: str, version: int = 1, language: str = "") -> str:
    """The demo text of ``slug`` version ``version`` in ``language`` ("" = English), or "" if none."""
    name = slug if version == 1 else f"{slug}.v{version}"
    path = TEXTS / (f"{name}.{language}.md" if language else f"{name}.md")
    if language and not path.exists():
        return ""
    return path.read_text().replace("{provider}", settings.ART28_PROVIDER_NAME)


def _publish(actor: SystemActor, document: Document, number: int, on: dt.date) -> None:
    translations = {code: _text(document.slug, number, code) for code in LANGUAGES}
    version = version_draft(
        actor=actor,
        document=document,
        body=_text(document.slug, number),
        body_i18n={code: text for code, text in translations.items() if text},
        change_summary=SUMMARIES.get(document.slug, "") if number > 1 else "",
        change_summary_i18n=SUMMARIES_I18N.get(document.slug, {}) if number > 1 else {},
    )
    version_publish(actor=actor, version=version, effective_on=on)


def _accept_terms_v1(terms: Document) -> int:
    """The demo customers' administrators (customer@example.org's organisation first) accept terms v1."""
    version = terms.versions.get(number=1)
    admins = User.objects.filter(role=Role.CUSTOMER_ADMIN, organisation__isnull=False).order_by("email")
    count = 0
    for admin in admins:
        if admin.organisation is not None:
            document_accept(actor=admin, organisation=admin.organisation, version=version)
            count += 1
    return count


def load_demo_legal(actor: SystemActor) -> str:
    today = timezone.localdate()
    created: list[Document] = []
    for slug, kind, title, requires_acceptance in DOCUMENTS:
        if Document.objects.filter(kind=kind).exists():
            continue
        document = document_create(
            actor=actor,
            slug=slug,
            kind=kind,
            title=title,
            title_i18n=TITLES.get(slug, {}),
            requires_acceptance=requires_acceptance,
            position=len(created),
        )
        _publish(actor, document, 1, today)
        created.append(document)
    by_slug = {d.slug: d for d in created}
    if "data-protection" in by_slug:
        _publish(actor, by_slug["data-protection"], 2, today)
    accepted = 0
    if "terms" in by_slug:
        accepted = _accept_terms_v1(by_slug["terms"])
        _publish(actor, by_slug["terms"], 2, today + dt.timedelta(days=30))
    cookies = cookies_seed(actor=actor)
    return (
        f"legal documents: {len(created)} published, terms v1 accepted by {accepted} customers, terms v2 "
        f"announced for {today + dt.timedelta(days=30)}; {cookies} cookies in the inventory"
    )
