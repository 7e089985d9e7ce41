"""The residency API (S1): the staff audit, and each customer's own placements, flows, violations and
signed attestations.

Scoping: ``/audit`` is for provider staff only; everything under ``/my/`` is for customer users and
reads only the caller's organisation, through selectors that take it. Another organisation's
attestation answers 404, exactly like one that does not exist, so ids cannot be probed.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from art28.core.api import api_user, require_staff
from art28.core.glossary import GlossaryTexts
from art28.core.models import CategoryKind, Organisation
from art28.core.roles import Role
from art28.core.selectors import organisation_for_user
from art28.core.signing import SigningKeyMissing
from art28.residency.engine import REASONS, Violation, run_audit
from art28.residency.models import Attestation
from art28.residency.moment import MomentRefused, as_of, requested_moment
from art28.residency.pdf import attestation_pdf
from art28.residency.selectors import (
    attestation_for_organisation,
    attestations_for_organisation,
    filter_violations,
    organisation_residency,
)
from art28.residency.services import AttestationRefused, attestation_issue

router = Router(tags=["residency"])


class ViolationOut(Schema):
    """One finding of the residency audit; the same seven keys as `art28 residency-audit --json`."""

    customer: str
    asset: str | None
    site: str | None
    country: str | None
    allowed: list[str]
    reason: str
    destination: str | None


class PlacementOut(Schema):
    asset: str
    kind: str
    site: str | None
    country: str | None
    within_policy: bool
    # The terms as stored (English, the glossary's key), and each term in every language the glossary has
    # for it, English first: {"contact details": {"en": "contact details", "fr": "coordonnées", …}}; a term
    # outside the glossary has its English only (the public register JSON's rule, art28.core.translated).
    data_categories: list[str]
    data_categories_i18n: dict[str, dict[str, str]]
    subjects: int
    records: int


class FlowOut(Schema):
    from_asset: str
    from_site: str | None
    kind: str
    destination: str
    destination_site: str | None
    country: str | None
    within_policy: bool


class AttestationOut(Schema):
    public_id: UUID
    as_of: dt.datetime = Field(description="The moment the attestation speaks for.")
    issued_at: dt.datetime = Field(description="When it was signed: as_of, or later for a past moment.")
    compliant: bool
    countries: list[str]
    key_id: str
    document_url: str
    pdf_url: str


_user = api_user


def _caller_organisation(request: HttpRequest) -> Organisation:
    """The caller's own organisation; staff have none and are refused (403) on customer endpoints."""
    try:
        return organisation_for_user(_user(request))
    except PermissionError as exc:
        raise HttpError(403, "this endpoint is for customer users; staff use /residency/audit") from exc


def _violation_out(v: Violation) -> ViolationOut:
    return ViolationOut(**v.as_dict())


def _attestation_out(attestation: Attestation) -> AttestationOut:
    document_url = reverse("api:residency_attestation_document", kwargs={"public_id": attestation.public_id})
    pdf_url = reverse("api:residency_attestation_pdf", kwargs={"public_id": attestation.public_id})
    return AttestationOut(
        public_id=attestation.public_id,
        as_of=attestation.as_of,
        issued_at=attestation.issued_at,
        compliant=attestation.compliant,
        countries=[code for code in attestation.countries.split(";") if code],
        key_id=attestation.key_id,
        document_url=document_url,
        pdf_url=pdf_url,
    )


AT_DESCRIPTION = (
    "As the inventory was then, from its history: a date (2026-03-14, the end of that day in the provider's "
    "time zone) or an ISO date-time (2026-03-14T09:30); from the history's first day up to today. "
    "Empty: now."
)


def _moment(at: str) -> dt.datetime | None:
    """The moment ``at`` names (None: now); 400 with the reason when it is not one, is in the future or is
    before the inventory's history begins."""
    try:
        return requested_moment(at)
    except MomentRefused as refused:
        raise HttpError(400, f"at: {refused}") from None


@router.get("/audit", response=list[ViolationOut], summary="The residency audit (staff)")
def audit(
    request: HttpRequest,
    reason: str = "",
    customer: str = "",
    country: str = "",
    at: str = Query("", description=AT_DESCRIPTION),
) -> list[ViolationOut]:
    """Every placement or flow outside its customer's allowed countries, sorted by customer, asset, reason
    and destination; optional filters: ``reason``, ``customer`` (ref), ``country`` (ISO code or ``unknown``);
    ``at``: the audit as the inventory was then (docs/residency-audit.md)."""
    require_staff(request, "the residency audit")
    if reason and reason not in REASONS:
        raise HttpError(422, f"reason must be one of {', '.join(REASONS)}")
    moment = _moment(at)
    with as_of(moment):
        violations = run_audit(at=moment)
    return [_violation_out(v) for v in filter_violations(violations, reason=reason, customer=customer, country=country)]


@router.get("/my/placements", response=list[PlacementOut], summary="Where my data is stored")
def my_placements(request: HttpRequest, at: str = Query("", description=AT_DESCRIPTION)) -> list[PlacementOut]:
    organisation = _caller_organisation(request)
    moment = _moment(at)
    with as_of(moment):
        residency = organisation_residency(organisation, at=moment)
    allowed = set(residency.organisation.allowed_country_list)
    glossary = GlossaryTexts()  # one query for every placement
    return [
        PlacementOut(
            asset=p.asset_ref,
            kind=p.kind,
            site=p.site,
            country=p.country,
            within_policy=p.country in allowed,
            data_categories=p.data_categories,
            data_categories_i18n=glossary.translations(p.data_categories, CategoryKind.DATA),
            subjects=p.subjects,
            records=p.records,
        )
        for p in residency.placements
    ]


@router.get("/my/flows", response=list[FlowOut], summary="Flows that carry my data")
def my_flows(request: HttpRequest, at: str = Query("", description=AT_DESCRIPTION)) -> list[FlowOut]:
    organisation = _caller_organisation(request)
    moment = _moment(at)
    with as_of(moment):
        residency = organisation_residency(organisation, at=moment)
    allowed = set(residency.organisation.allowed_country_list)
    return [
        FlowOut(
            from_asset=f.from_asset,
            from_site=f.from_site,
            kind=f.kind,
            destination=f.destination,
            destination_site=f.destination_site,
            country=f.country,
            within_policy=f.country in allowed,
        )
        for f in residency.flows
    ]


@router.get("/my/violations", response=list[ViolationOut], summary="My residency violations")
def my_violations(request: HttpRequest, at: str = Query("", description=AT_DESCRIPTION)) -> list[ViolationOut]:
    organisation = _caller_organisation(request)
    moment = _moment(at)
    with as_of(moment):
        violations = run_audit(organisation_id=organisation.pk, at=moment)
    return [_violation_out(v) for v in violations]


@router.get("/my/attestations", response=list[AttestationOut], summary="My signed attestations")
def my_attestations(request: HttpRequest) -> list[AttestationOut]:
    organisation = _caller_organisation(request)
    return [_attestation_out(a) for a in attestations_for_organisation(organisation)]


@router.post(
    "/my/attestations", response={201: AttestationOut}, summary="Issue a signed attestation, as of now or a past day"
)
def my_attestation_issue(
    request: HttpRequest, at: str = Query("", description=AT_DESCRIPTION)
) -> Status[AttestationOut]:
    """Customer administrators only: signs where the organisation's data is now, or was at ``at`` (S1;
    the statement's ``as_of`` is that moment, its ``issued_at`` the signing)."""
    organisation = _caller_organisation(request)
    user = _user(request)
    if user.role != Role.CUSTOMER_ADMIN:
        raise HttpError(403, "only a customer administrator may issue attestations")
    moment = _moment(at)
    try:
        attestation = attestation_issue(actor=user, organisation=organisation, at=moment)
    except SigningKeyMissing as exc:
        raise HttpError(503, "attestations cannot be signed right now (the provider has no signing key)") from exc
    except AttestationRefused as refused:
        raise HttpError(400, f"at: {refused}") from None
    return Status(201, _attestation_out(attestation))


@router.get(
    "/my/attestations/{public_id}",
    url_name="residency_attestation_document",
    summary="The signed attestation document (JSON, exactly as issued)",
    openapi_extra={"responses": {200: {"description": "The signed document", "content": {"application/json": {}}}}},
)
def my_attestation_document(request: HttpRequest, public_id: str) -> HttpResponse:
    attestation = attestation_for_organisation(_caller_organisation(request), public_id)
    response = HttpResponse(attestation.document.encode(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="attestation-{attestation.public_id}.json"'
    return response


@router.get(
    "/my/attestations/{public_id}/pdf",
    url_name="residency_attestation_pdf",
    summary="The attestation as PDF (a readable copy; the JSON is the proof)",
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def my_attestation_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    attestation = attestation_for_organisation(_caller_organisation(request), public_id)
    key_url = request.build_absolute_uri(reverse("trust:attestation_key_pem"))
    response = HttpResponse(attestation_pdf(attestation, key_url=key_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-{attestation.public_id}.pdf"'
    return response
