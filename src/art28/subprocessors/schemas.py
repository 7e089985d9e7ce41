"""The sub-processor API's request and response shapes (subprocessors/api.py) and how rows become them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from art28.core.glossary import GlossaryTexts
from art28.core.models import CategoryKind
from art28.core.translated import all_languages
from art28.subprocessors.models import Change, ChangeRecipient, FlowDownAgreement, SubProcessor
from art28.subprocessors.rules import in_use_on, recipient_applies, recipient_state, today
from art28.subprocessors.selectors import ContractTerms, agreements_in_place, chain_of, effective_services


class SubProcessorIn(Schema):
    slug: str
    legal_name: str
    address: str
    purpose: str
    countries: list[str]
    contact_name: str = ""
    contact_email: str = ""
    website: str = ""
    data_categories: list[str] = []
    transfer_safeguard: str = ""
    # Translations, {"fr": "…", "de": "…", "it": "…"}; checked by the service (art28.core.translated).
    purpose_i18n: dict[str, Any] = {}
    transfer_safeguard_i18n: dict[str, Any] = {}
    dpf_eu_us_since: dt.date | None = None
    dpf_swiss_us_since: dt.date | None = None
    engaged_by: str | None = None
    services: list[str] = []
    sites: list[str] = []
    in_use_from: dt.date | None = None
    in_use_until: dt.date | None = None


class SubProcessorPatch(Schema):
    """Only the fields given change; ``engaged_by: null`` makes it engaged by the provider itself."""

    slug: str | None = None
    legal_name: str | None = None
    address: str | None = None
    purpose: str | None = None
    countries: list[str] | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    website: str | None = None
    data_categories: list[str] | None = None
    transfer_safeguard: str | None = None
    # Replaces all translations of the field; {} removes them.
    purpose_i18n: dict[str, Any] | None = None
    transfer_safeguard_i18n: dict[str, Any] | None = None
    dpf_eu_us_since: dt.date | None = None
    dpf_swiss_us_since: dt.date | None = None
    engaged_by: str | None = None
    services: list[str] | None = None
    sites: list[str] | None = None
    in_use_from: dt.date | None = None
    in_use_until: dt.date | None = None


class GroundOut(Schema):
    ground: str
    basis: str


class CountryGroundsOut(Schema):
    country: str
    gdpr: GroundOut
    nfadp: GroundOut


class FlowDownAgreementOut(Schema):
    """The agreement binding the sub-processor to the same obligations (GDPR Art. 28(4), nFADP Art. 9(3)),
    in place: in effect and covering every duty of Art. 28(3)(a)-(h). The document itself is not served here."""

    signed_on: dt.date
    valid_until: dt.date | None
    sha256: str = Field(description="SHA-256 of the signed document, computed by art28 from its bytes")
    clauses: list[str] = Field(description="The duties of GDPR Art. 28(3)(a)-(h) it covers, in the article's order")


def flow_down_out(agreement: FlowDownAgreement | None) -> FlowDownAgreementOut | None:
    if agreement is None:
        return None
    return FlowDownAgreementOut(
        signed_on=agreement.signed_on,
        valid_until=agreement.valid_until,
        sha256=agreement.sha256,
        clauses=agreement.clause_list,
    )


class FlowDownAgreementStaffOut(Schema):
    """One recorded flow-down agreement as staff see it (GDPR Art. 28(4), nFADP Art. 9(3)); the document is
    downloaded from the staff page."""

    id: int
    signed_on: dt.date
    valid_until: dt.date | None
    file_name: str
    size: int
    sha256: str
    clauses: list[str]
    missing: list[str] = Field(description="The duties of GDPR Art. 28(3)(a)-(h) it does not cover")
    complete: bool
    state: Literal["in-place", "incomplete", "superseded", "ended"]
    recorded_at: dt.datetime
    recorded_by: str


def flow_down_staff_out(agreement: FlowDownAgreement, state: str) -> FlowDownAgreementStaffOut:
    return FlowDownAgreementStaffOut(
        id=agreement.pk,
        signed_on=agreement.signed_on,
        valid_until=agreement.valid_until,
        file_name=agreement.file_name,
        size=agreement.size,
        sha256=agreement.sha256,
        clauses=agreement.clause_list,
        missing=agreement.missing_clauses,
        complete=agreement.complete,
        state=state,  # type: ignore[arg-type]
        recorded_at=agreement.recorded_at,
        recorded_by=agreement.recorded_by_label,
    )


class SubProcessorOut(Schema):
    slug: str
    legal_name: str
    address: str
    contact_name: str
    contact_email: str
    website: str
    purpose: str
    purpose_i18n: dict[str, str]
    data_categories: list[str]
    # {stored term: {"en": term, "fr": …}}: each term in every language the glossary has (the public
    # register JSON's rule); a term outside the glossary, English only.
    data_categories_i18n: dict[str, dict[str, str]]
    countries: list[str]
    transfer_safeguard: str
    transfer_safeguard_i18n: dict[str, str]
    dpf_eu_us_since: dt.date | None
    dpf_swiss_us_since: dt.date | None
    # Per country, the ground under each law (GDPR Art. 44-46, nFADP Art. 16): eea / switzerland /
    # adequacy / safeguard / none, with its basis.
    transfer_grounds: list[CountryGroundsOut]
    engaged_by: str | None
    chain: list[str]
    services: list[str]
    own_services: list[str]
    # {English name: {"en": name, "fr": …}} for every service that ``services`` and ``own_services`` list.
    services_i18n: dict[str, dict[str, str]]
    sites: list[str]
    in_use_from: dt.date | None
    in_use_until: dt.date | None
    in_use: bool
    # GDPR Art. 28(4): the agreement in place on the day asked (today by default), or null when none is.
    flow_down_agreement: FlowDownAgreementOut | None


def subprocessor_out(
    sp: SubProcessor,
    at: dt.date | None = None,
    glossary: GlossaryTexts | None = None,
    agreements: dict[int, FlowDownAgreement] | None = None,
) -> SubProcessorOut:
    """``glossary``: the data categories' terms read once for a whole list (else one query here);
    ``agreements``: the agreements in place (``selectors.agreements_in_place``), likewise."""
    glossary = glossary if glossary is not None else GlossaryTexts()
    agreements = agreements if agreements is not None else agreements_in_place([sp.pk], at)
    services = effective_services(sp)
    return SubProcessorOut(
        slug=sp.slug,
        legal_name=sp.legal_name,
        address=sp.address,
        contact_name=sp.contact_name,
        contact_email=sp.contact_email,
        website=sp.website,
        purpose=sp.purpose,
        purpose_i18n=sp.purpose_i18n or {},
        data_categories=[c for c in sp.data_categories.split(";") if c],
        data_categories_i18n=glossary.translations(sp.data_categories, CategoryKind.DATA),
        countries=sp.country_list,
        transfer_safeguard=sp.transfer_safeguard,
        transfer_safeguard_i18n=sp.transfer_safeguard_i18n or {},
        dpf_eu_us_since=sp.dpf_eu_us_since,
        dpf_swiss_us_since=sp.dpf_swiss_us_since,
        transfer_grounds=[CountryGroundsOut(**row) for row in sp.transfer_grounds(at or today())],
        engaged_by=sp.engaged_by.slug if sp.engaged_by else None,
        chain=[link.slug for link in chain_of(sp)[1:]],
        services=[s.name for s in services],
        own_services=sorted(s.name for s in sp.services.all()),
        services_i18n={s.name: all_languages(s, "name") for s in [*services, *sp.services.all()]},
        sites=sorted(s.code for s in sp.sites.all()),
        in_use_from=sp.in_use_from,
        in_use_until=sp.in_use_until,
        in_use=in_use_on(sp, at or today()),
        flow_down_agreement=flow_down_out(agreements.get(sp.pk)),
    )


class ChangeIn(Schema):
    kind: Literal["addition", "replacement", "removal"]
    subprocessor: str
    summary: str
    replaces: str | None = None
    services: list[str] | None = None


class ChangePatch(Schema):
    summary: str | None = None
    replaces: str | None = None
    services: list[str] | None = None


class AnnounceIn(Schema):
    effective_on: dt.date | None = None


class WithdrawIn(Schema):
    reason: str


class ResolveIn(Schema):
    customer: str
    resolution: Literal["withdrawn", "old_arrangement", "termination", "objection_withdrawn"]
    note: str


class ChangeOut(Schema):
    id: int
    kind: str
    status: str
    subprocessor: str
    replaces: str | None
    services: list[str]
    summary: str
    announced_at: dt.datetime | None
    effective_on: dt.date | None
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str
    recipients: int | None = None
    objections: int | None = None
    open_objections: int | None = None
    consents_given: int | None = None
    consents_pending: int | None = None
    not_authorised: int | None = None


def change_out(change: Change) -> ChangeOut:
    return ChangeOut(
        id=change.pk,
        kind=change.kind,
        status=change.status,
        subprocessor=change.subprocessor.slug,
        replaces=change.replaces.slug if change.replaces else None,
        services=[s.name for s in change.services.all()],
        summary=change.summary,
        announced_at=change.announced_at,
        effective_on=change.effective_on,
        withdrawn_at=change.withdrawn_at,
        withdrawn_reason=change.withdrawn_reason,
        recipients=getattr(change, "recipient_count", None),
        objections=getattr(change, "objection_count", None),
        open_objections=getattr(change, "open_objection_count", None),
        consents_given=getattr(change, "consent_given_count", None),
        consents_pending=getattr(change, "consent_pending_count", None),
        not_authorised=getattr(change, "not_authorised_count", None),
    )


class RecipientOut(Schema):
    customer: str
    authorisation: str = Field(description="specific, general, or none (no recorded authorisation: never applies)")
    notice_days: int | None
    state: str
    applies: bool
    consent: str
    objected_at: dt.datetime | None
    objection_reason: str
    resolution: str
    resolved_at: dt.datetime | None
    resolution_note: str


def recipient_out(row: ChangeRecipient, kind: str) -> RecipientOut:
    return RecipientOut(
        customer=row.organisation.ref,
        authorisation=row.authorisation,
        notice_days=row.notice_days,
        state=recipient_state(row, kind),
        applies=recipient_applies(row, kind),
        consent=row.consent,
        objected_at=row.objected_at,
        objection_reason=row.objection_reason,
        resolution=row.resolution,
        resolved_at=row.resolved_at,
        resolution_note=row.resolution_note,
    )


class MyChangeOut(Schema):
    """A change as announced to the caller's organisation, with its own answer."""

    change: ChangeOut
    authorisation: str
    notice_days: int | None
    state: str
    applies: bool
    consent: str
    objected_at: dt.datetime | None
    objection_reason: str
    resolution: str


def my_change_out(row: ChangeRecipient) -> MyChangeOut:
    return MyChangeOut(
        change=change_out(row.change),
        authorisation=row.authorisation,
        notice_days=row.notice_days,
        state=recipient_state(row, row.change.kind),
        applies=recipient_applies(row, row.change.kind),
        consent=row.consent,
        objected_at=row.objected_at,
        objection_reason=row.objection_reason,
        resolution=row.resolution,
    )


class ObjectIn(Schema):
    """GDPR Art. 28(2), SCC 2021/914 Clause 9(a): no reason is required; missing, null or empty is fine."""

    reason: str | None = None


class ConsentIn(Schema):
    consent: bool


class ContractIn(Schema):
    authorisation: Literal["specific", "general"]
    notice_days: int
    signed_on: dt.date | None = None


class AcceptanceRefOut(Schema):
    document: str
    version: int
    accepted_at: dt.datetime
    accepted_by: str


class ContractOut(Schema):
    """A customer's recorded authorisation of sub-processors (GDPR Art. 28(2), nFADP Art. 9(3), DSV Art. 7).
    Without one, ``authorised`` is false and ``authorisation`` is ``none``: there is no default."""

    customer: str
    authorised: bool
    authorisation: Literal["specific", "general", "none"]
    notice_days: int | None
    signed_on: dt.date | None
    recorded_on: dt.date | None
    source: Literal["manual", "dpa-acceptance"] | None
    evidence_sha256: str | None
    acceptance: AcceptanceRefOut | None


def contract_out(customer: str, terms: ContractTerms) -> ContractOut:
    acceptance = terms.acceptance
    return ContractOut(
        customer=customer,
        authorised=terms.authorised,
        authorisation=terms.authorisation,  # type: ignore[arg-type]
        notice_days=terms.notice_days,
        signed_on=terms.signed_on,
        recorded_on=terms.recorded_on,
        source=terms.source or None,  # type: ignore[arg-type]
        evidence_sha256=terms.evidence_sha256 or None,
        acceptance=AcceptanceRefOut(
            document=acceptance.version.document.slug,
            version=acceptance.version.number,
            accepted_at=acceptance.accepted_at,
            accepted_by=acceptance.accepted_by_label,
        )
        if acceptance is not None
        else None,
    )
