"""The demo provider's legal documents (S8, S13): the six documents with short English texts, the data
protection policy in two versions (so the diff shows), terms v2 announced 30 days ahead, acceptances of
terms v1 by the demo customers' administrators (customer@example.org's organisation among them), and
art28's own cookies.

Texts are in ``templates/demo/legal/<slug>.md`` (and ``<slug>.v2.md``). Documents that already exist (another part
of the demo may create the DPA) are left as they are.
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
SUMMARIES = {
    "data-protection": "Retention of support tickets shortened from 5 to 2 years; the Swiss FDPIC named as "
    "supervisory authority for complaints under the nFADP.",
    "terms": "Section 6: the notice period for changes of sub-processors is now 30 days (was 14); section 9: "
    "liability for data loss on managed backups clarified.",
}


def _text(slug: str, version: int = 1) -> str:
    name = f"{slug}.md" if version == 1 else f"{slug}.v{version}.md"
    return (TEXTS / name).read_text().replace("{provider}", settings.ART28_PROVIDER_NAME)


def _publish(actor: SystemActor, document: Document, number: int, on: dt.date) -> None:
    version = version_draft(
        actor=actor,
        document=document,
        body=_text(document.slug, number),
        change_summary=SUMMARIES.get(document.slug, "") if number > 1 else "",
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
