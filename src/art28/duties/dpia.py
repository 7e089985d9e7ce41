"""The DPIA support pack of one customer for one service (GDPR Art. 28(3)(f): the processor assists the
controller "in ensuring compliance with the obligations pursuant to Articles 32 to 36"; Art. 35(7) says
what an assessment contains; nFADP Arts. 22-23 the same in Swiss law; docs/dpia.md).

GENERATED, never typed: each fact is read from its one source, through the other apps' selectors and
engines, in the customer's language (``translation.override``; texts with translations through
``art28.core.translated``, categories through the glossary):

* the processing (Art. 35(7)(a)): the customer's placements on the service (inventory), their categories
  of data and of data subjects, and every copy the flows carry (the end-of-contract engine,
  ``duties.deletion``, which follows the breach impact's reachability);
* where it happens: the sites holding the data, the flows and where they go, every foreign state with its
  ground under each law (``records.generation.foreign_states``, the Art. 30(2) record's own rule);
* who else processes it: the sub-processors working for the service and their chain (Art. 28(2),(4);
  ``subprocessors.selectors``);
* the measures and the risks (Art. 35(7)(c),(d)): ``duties.dpia_assurance``.

Nothing here names another customer: the pack holds the customer's own data and the provider's figures.
The content is a plain JSON object (strings, numbers, lists), so its digest can be recomputed from the
downloaded file (``content_sha256``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from art28.core.countries import country_name
from art28.core.glossary import GlossaryTexts
from art28.core.models import CategoryKind, Organisation
from art28.duties.deletion import Planned, deletion_list
from art28.duties.dpia_assurance import (
    incidents_section,
    intrusion_tests_section,
    isolation_section,
    measures_section,
    security_updates_section,
    text_fields,
)
from art28.duties.models import DeletionItem
from art28.inventory.models import FlowKind, Placement, Service, Site
from art28.records.generation import foreign_states, processor
from art28.subprocessors.models import SubProcessor
from art28.subprocessors.selectors import chain_of, effective_services, subprocessors_for_organisation

PACK_FORMAT = "art28-dpia-pack/1"
# What the GDPR and the nFADP ask of the processor here; the pack names them, the template explains them.
LEGAL_BASIS = ["GDPR Art. 28(3)(f)", "GDPR Art. 35", "GDPR Art. 36", "nFADP Art. 22", "nFADP Art. 23"]
# Keys of the stored document that are not content: a version found unchanged keeps its number and moment.
NOT_CONTENT = ("version", "generated_at", "sha256")


def canonical(content: dict[str, Any]) -> bytes:
    """The bytes the digest is taken of: keys sorted, no spaces, UTF-8 (docs/dpia.md shows how to redo it)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_sha256(document: dict[str, Any]) -> str:
    """The digest of a pack's content: the document without its version, moment and digest."""
    return hashlib.sha256(canonical({k: v for k, v in document.items() if k not in NOT_CONTENT})).hexdigest()


def _terms(glossary: GlossaryTexts, terms: set[str], kind: str, language: str) -> list[dict[str, str]]:
    """Stored category terms (the glossary's English keys), each in the language where the glossary has it."""
    ordered = sorted({term.strip() for term in terms if term.strip()})
    return [
        {"key": key, "text": term.text, "text_language": term.language}
        for key, term in zip(ordered, glossary.terms(ordered, kind, language), strict=True)
    ]


def _processing(placements: list[Planned], glossary: GlossaryTexts, language: str) -> dict[str, Any]:
    """Art. 35(7)(a): what is processed on the service, from the customer's placements (inventory)."""
    ids = [p.placement_id for p in placements if p.placement_id is not None]
    data: set[str] = set()
    subjects: set[str] = set()
    estimated = {"subjects": 0, "records": 0}
    rows = Placement.objects.filter(pk__in=ids).values_list(
        "data_categories", "subject_categories", "subjects", "records"
    )
    for data_categories, subject_categories, subject_count, record_count in rows:
        data.update(term for term in data_categories.split(";") if term)
        subjects.update(term for term in subject_categories.split(";") if term)
        estimated["subjects"] += subject_count
        estimated["records"] += record_count
    return {
        "placements": len(ids),
        "data_categories": _terms(glossary, data, CategoryKind.DATA, language),
        "subject_categories": _terms(glossary, subjects, CategoryKind.SUBJECTS, language),
        "data_subjects_estimated": estimated["subjects"],
        "records_estimated": estimated["records"],
    }


def _country(code: str) -> dict[str, str]:
    return {"country": code, "country_name": country_name(code)}


def _locations(placements: list[Planned]) -> list[dict[str, Any]]:
    """The sites holding the data on the service (an asset with no known site is listed as unknown)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for placement in placements:
        counts[(placement.site_label, placement.country)] += 1
    sites = {site.code: site for site in Site.objects.filter(code__in=[code for code, _c in counts if code])}
    return [
        {
            "site": code or None,
            "name": sites[code].name if code in sites else None,
            "city": sites[code].city if code in sites else None,
            "colocation_operator": (sites[code].operator or None) if code in sites else None,
            **_country(country),
            "placements": count,
        }
        for (code, country), count in sorted(counts.items())
    ]


def _flows(copies: list[Planned], on: dt.date) -> list[dict[str, Any]]:
    """Where the flows carry copies of the data (backups, replicas, support access, transfers); a backup
    copy is gone when its store's rotation expires (duties.deletion: the days it is kept)."""
    grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
    for copy in copies:
        key = (copy.flow_kind, copy.site_label, copy.country)
        entry = grouped.setdefault(key, {"origins": set(), "kept_days": None})
        entry["origins"] |= copy.origins
        if copy.method == DeletionItem.Method.EXPIRE:
            entry["kept_days"] = max(entry["kept_days"] or 0, (copy.gone_on - on).days)
    return [
        {
            "kind": kind,
            "kind_text": str(FlowKind(kind).label) if kind in FlowKind.values else kind,
            "destination_site": site or None,
            **_country(country),
            "copies_of_assets": len(entry["origins"]),
            "kept_days": entry["kept_days"],
        }
        for (kind, site, country), entry in sorted(grouped.items())
    ]


def _working_subprocessors(organisation: Organisation, service: Service, on: dt.date) -> list[SubProcessor]:
    """The customer's sub-processors (its objections and changes applied) that work for this service,
    themselves or through the sub-processor that engaged them (Art. 28(4))."""
    return [
        sp
        for sp in subprocessors_for_organisation(organisation, on)
        if service.pk in {s.pk for s in effective_services(sp)}
    ]


def _subprocessors(working: list[SubProcessor], glossary: GlossaryTexts, language: str) -> list[dict[str, Any]]:
    entries = []
    for sp in working:
        categories = {term for term in sp.data_categories.split(";") if term}
        entries.append(
            {
                "name": sp.legal_name,
                "address": sp.address,
                **text_fields(sp, "purpose", language),
                "countries": [_country(code) for code in sp.country_list],
                **text_fields(sp, "transfer_safeguard", language),
                # The chain up to the provider, nearest first: empty when the provider engages it directly.
                "engaged_by": [link.legal_name for link in chain_of(sp)[1:]],
                "data_categories": _terms(glossary, categories, CategoryKind.DATA, language),
            }
        )
    return entries


def _foreign_states(
    placements: list[Planned], copies: list[Planned], working: list[SubProcessor], on: dt.date
) -> list[dict[str, Any]]:
    """GDPR Art. 30(2)(c), 44-46; nFADP Art. 16: each state outside the provider's country where the data
    is, with its ground under each law, by the records' own rule (records.generation.foreign_states)."""
    home = settings.ART28_PROVIDER_COUNTRY
    states = foreign_states(
        home=home,
        on=on,
        sites=[(p.site_label, p.country) for p in placements if p.country and p.country != home],
        flows=[(c.where, c.country) for c in copies if c.country and c.country != home],
        subprocessors=working,
    )
    return [
        {
            **_country(state.country),
            "gdpr_third_country": state.gdpr_third_country,
            "places": [
                {
                    "kind": place.kind,
                    "name": place.name,
                    "gdpr": {**place.gdpr.as_dict(), "text": place.gdpr_text},
                    "nfadp": {**place.nfadp.as_dict(), "text": place.nfadp_text},
                }
                for place in state.places
            ],
            "has_problem": state.has_problem,
        }
        for state in states
    ]


def dpia_pack(organisation: Organisation, service: Service, language: str) -> dict[str, Any]:
    """The pack's content (without version, moment and digest: ``services.dpia_pack_generate`` adds
    them), every text in ``language``. The caller checks that the customer uses the service."""
    with translation.override(language):
        on = timezone.localdate()
        planned = deletion_list(customer_id=organisation.pk, service_ids=[service.pk], deletion_from=on)
        placements = [p for p in planned if p.kind == DeletionItem.Kind.PLACEMENT]
        copies = [p for p in planned if p.kind == DeletionItem.Kind.COPY]
        working = _working_subprocessors(organisation, service, on)
        glossary = GlossaryTexts()
        the_processor = processor()
        return {
            "format": PACK_FORMAT,
            "language": language,
            "legal_basis": LEGAL_BASIS,
            "processor": {
                "name": the_processor.name,
                "address": the_processor.address,
                "dpo": {"name": the_processor.dpo_name, "email": the_processor.dpo_email},
            },
            "controller": {
                "ref": organisation.ref,
                "name": organisation.name,
                "country": organisation.country,
                "contact": organisation.privacy_email,
            },
            "service": {
                "key": service.name,
                **text_fields(service, "name", language),
                **text_fields(service, "description", language),
            },
            "processing": _processing(placements, glossary, language),
            "locations": _locations(placements),
            "flows": _flows(copies, on),
            "foreign_states": _foreign_states(placements, copies, working, on),
            "subprocessors": _subprocessors(working, glossary, language),
            "measures": measures_section(service, on),
            "incidents": incidents_section(organisation, service, on),
            "security_updates": security_updates_section(organisation, placements),
            "intrusion_tests": intrusion_tests_section(service, on),
            "isolation": isolation_section(organisation),
        }
