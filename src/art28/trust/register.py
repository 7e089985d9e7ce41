"""What the public may read of the sub-processor register (S4): the current list, upcoming changes, the
announced changes, in a few queries whatever the number of rows.

The register's own rules (which sub-processors are in use today, which changes are upcoming) are the
subprocessors app's selectors (``public_register``, ``upcoming_changes``, ``announced_changes``); this
module only prefetches what the public pages show (a no-op where they did already) and shapes it.
Private fields (``contact_name``, ``contact_email``) never leave this module.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone

from art28.core.countries import country_name
from art28.core.dpo import dpo_profile
from art28.core.glossary import glossary_translations
from art28.core.models import CategoryKind
from art28.core.translated import all_languages
from art28.inventory.models import Service
from art28.subprocessors import selectors
from art28.subprocessors.models import Change, FlowDownAgreement, SubProcessor

# 2: each translatable text (purpose, transfer safeguard, service names) keeps its English string and gains
# ``<field>_i18n`` = {language: text} with every language that has one, English first (art28.core.translated).
JSON_VERSION = 2


def _split(value: str) -> list[str]:
    return [part for part in (value or "").split(";") if part]


@dataclass
class Register:
    """The current register with its chain worked out, and the changes to come."""

    subprocessors: list[SubProcessor]
    upcoming: list[Change]
    children: dict[int, list[SubProcessor]] = field(default_factory=dict)
    # GDPR Art. 28(4): each one's flow-down agreement in place today (absent: none is).
    agreements: dict[int, FlowDownAgreement] = field(default_factory=dict)

    def chain_of(self, subprocessor: SubProcessor) -> list[SubProcessor]:
        return self.children.get(subprocessor.pk, [])

    def agreement_of(self, subprocessor: SubProcessor) -> FlowDownAgreement | None:
        return self.agreements.get(subprocessor.pk)

    @cached_property
    def category_texts(self) -> dict[str, dict[str, str]]:
        """The glossary's data categories in every language (one query, when first needed)."""
        return glossary_translations(CategoryKind.DATA)


def current_register() -> Register:
    """The register in force today and the upcoming changes; seven queries however many rows."""
    subprocessors = list(selectors.public_register())
    prefetch_related_objects(subprocessors, "services", "sites", "engaged_by")
    upcoming = list(selectors.upcoming_changes())
    _prefetch_changes(upcoming)
    children: dict[int, list[SubProcessor]] = defaultdict(list)
    for subprocessor in subprocessors:
        if subprocessor.engaged_by_id is not None:
            children[subprocessor.engaged_by_id].append(subprocessor)
    ids = {sp.pk for sp in subprocessors} | {change.subprocessor_id for change in upcoming}
    return Register(
        subprocessors=subprocessors,
        upcoming=upcoming,
        children=dict(children),
        agreements=selectors.agreements_in_place(ids),
    )


def announced_changes() -> tuple[list[Change], dict[int, FlowDownAgreement]]:
    """Every change ever announced (the Atom feed), newest first, with the flow-down agreements in place
    today of the sub-processors they name (GDPR Art. 28(4))."""
    changes = list(selectors.announced_changes())
    _prefetch_changes(changes)
    return changes, selectors.agreements_in_place({change.subprocessor_id for change in changes})


def _prefetch_changes(changes: Sequence[Change]) -> None:
    prefetch_related_objects(
        list(changes),
        "services",
        "subprocessor__services",
        "subprocessor__sites",
        "subprocessor__engaged_by",
        "replaces",
    )


# --- the shapes shown -------------------------------------------------------------------------------


def countries_named(codes: str, language: str | None = None) -> list[tuple[str, str]]:
    """``[("CH", "Suisse"), …]`` in the active (or given) language."""
    return [(code, country_name(code, language)) for code in _split(codes)]


def subprocessor_public(subprocessor: SubProcessor, register: Register) -> dict[str, Any]:
    """Every register field except the private contact (JSON; the schema is docs/schemas/)."""
    engaged_by = subprocessor.engaged_by
    return {
        "id": subprocessor.slug,
        "legal_name": subprocessor.legal_name,
        "address": subprocessor.address,
        "website": subprocessor.website or None,
        "purpose": subprocessor.purpose,
        "purpose_i18n": all_languages(subprocessor, "purpose"),
        "services": [service.name for service in subprocessor.services.all()],
        "services_i18n": services_i18n(subprocessor.services.all()),
        "data_categories": _split(subprocessor.data_categories),
        # {English term: {"en": term, "fr": …}}: every language the glossary has; a term outside it, English only.
        "data_categories_i18n": {
            term: register.category_texts.get(term, {"en": term}) for term in _split(subprocessor.data_categories)
        },
        "countries": _split(subprocessor.countries),
        "transfer_safeguard": subprocessor.transfer_safeguard or None,
        "transfer_safeguard_i18n": all_languages(subprocessor, "transfer_safeguard"),
        # Per country, the ground under each law (GDPR Art. 44-46, nFADP Art. 16), and the recipient's
        # Data Privacy Framework certifications (the US is adequate only for certified organisations).
        "transfer_grounds": subprocessor.transfer_grounds(timezone.localdate()),
        "dpf": {
            "eu_us_since": _date(subprocessor.dpf_eu_us_since),
            "swiss_us_since": _date(subprocessor.dpf_swiss_us_since),
        },
        "engaged_by": engaged_by.slug if engaged_by is not None else None,
        "sub_processors": [child.slug for child in register.chain_of(subprocessor)],
        "sites": [site.code for site in subprocessor.sites.all()],
        "in_use_from": _date(subprocessor.in_use_from),
        "in_use_until": _date(subprocessor.in_use_until),
        "flow_down_agreement": agreement_public(register.agreement_of(subprocessor)),
    }


def agreement_public(agreement: FlowDownAgreement | None) -> dict[str, Any] | None:
    """GDPR Art. 28(4): the agreement in place, as the public may read it: when it was signed, until when it
    binds, the duties of Art. 28(3) it covers. Never the document, its name or its hash."""
    if agreement is None:
        return None
    return {
        "signed_on": _date(agreement.signed_on),
        "valid_until": _date(agreement.valid_until),
        "clauses": agreement.clause_list,
    }


def services_i18n(services: Iterable[Service]) -> dict[str, dict[str, str]]:
    """``{"<English name>": {"en": …, "fr": …}}``: each service's name in every language it has, keyed by
    the English name that ``services`` lists (the name is the service's key)."""
    return {service.name: all_languages(service, "name") for service in services}


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _timestamp(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def change_public(change: Change, register: Register) -> dict[str, Any]:
    replaces = change.replaces
    return {
        "id": change.pk,
        "kind": change.kind,
        "status": change.status,
        "subprocessor": subprocessor_public(change.subprocessor, register),
        "replaces": {"id": replaces.slug, "legal_name": replaces.legal_name} if replaces is not None else None,
        "services": [service.name for service in change.services.all()],
        "services_i18n": services_i18n(change.services.all()),
        "summary": change.summary,
        "announced_at": _timestamp(change.announced_at),
        "effective_on": change.effective_on.isoformat() if change.effective_on else None,
    }


def trust_url(path: str = "") -> str:
    return settings.ART28_BASE_URL.rstrip("/") + "/trust/" + path


def subprocessors_document(register: Register, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """``/trust/subprocessors.json``: versioned; additions to the format keep ``version``, a change of
    meaning or a removal raises it."""
    return {
        "version": JSON_VERSION,
        "provider": {
            "name": settings.ART28_PROVIDER_NAME,
            "address": settings.ART28_PROVIDER_ADDRESS,
            "country": settings.ART28_PROVIDER_COUNTRY,
            "dpo": {"name": (dpo := dpo_profile()).name or None, "email": dpo.email},
            "trust_center": trust_url(),
        },
        "generated_at": _timestamp(now or timezone.now()),
        "subprocessors": [subprocessor_public(sp, register) for sp in register.subprocessors],
        "upcoming_changes": [change_public(change, register) for change in register.upcoming],
        "links": {"atom": trust_url("subprocessors.atom"), "html": trust_url()},
    }
