"""Reads on the sub-processor register, contracts and changes, for pages, the API, the CLI and the
trust center (``public_register``, ``upcoming_changes``, ``announced_changes`` are its contract).

Customer-facing selectors take the organisation and cannot return another organisation's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.http import Http404

from art28.core.models import AuditEntry, Organisation
from art28.inventory.models import Service
from art28.inventory.selectors import organisation_service_ids
from art28.subprocessors.models import (
    NOT_AUTHORISED,
    Authorisation,
    Change,
    ChangeKind,
    ChangeRecipient,
    ChangeStatus,
    ConsentStatus,
    Contract,
    ContractSource,
    FlowDownAgreement,
    RecipientAuthorisation,
    Resolution,
    SubProcessor,
)
from art28.subprocessors.rules import (
    agreement_in_effect,
    agreement_in_place,
    in_use_on,
    is_authorised,
    needs_answer,
    recipient_applies,
    today,
    unauthorised_subprocessors,
)

# ----------------------------------------------------------------------------------------------------
# The register


def _in_use_ids(at: dt.date) -> set[int]:
    """Sub-processors in use on ``at``: in use themselves, and every engager up the chain in use too
    (Art. 28(4): a sub-processor's own sub-processor works only while it does)."""
    rows = {sp.pk: sp for sp in SubProcessor.objects.only("pk", "engaged_by_id", "in_use_from", "in_use_until")}
    memo: dict[int, bool] = {}

    def used(pk: int, seen: frozenset[int] = frozenset()) -> bool:
        if pk not in memo:
            sp = rows[pk]
            parent = sp.engaged_by_id
            memo[pk] = in_use_on(sp, at) and (parent is None or (parent not in seen and used(parent, seen | {pk})))
        return memo[pk]

    return {pk for pk in rows if used(pk)}


def _with_chain(subprocessors: list[SubProcessor]) -> list[SubProcessor]:
    """Attach each one's ``engaged_by`` from the list itself (the chain is within it): no more queries."""
    by_pk = {sp.pk: sp for sp in subprocessors}
    for sp in subprocessors:
        if sp.engaged_by_id in by_pk:
            sp.engaged_by = by_pk[sp.engaged_by_id]
    return subprocessors


def _register_queryset() -> QuerySet[SubProcessor]:
    return SubProcessor.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name")), "sites"
    ).order_by("legal_name")


def public_register(at: dt.date | None = None) -> list[SubProcessor]:
    """The sub-processors in use on ``at`` (default today), by legal name, with their services and sites
    prefetched and ``engaged_by`` loaded along the whole chain (four queries, whatever the size)."""
    ids = _in_use_ids(at or today())
    return _with_chain(list(_register_queryset().filter(pk__in=ids)))


def register_all() -> list[SubProcessor]:
    """Every sub-processor ever registered (staff), including those not (or no longer) in use."""
    return _with_chain(list(_register_queryset()))


def subprocessor_by_slug(slug: str) -> SubProcessor:
    sp = _register_queryset().filter(slug=slug).first()
    if sp is None:
        raise Http404(f"no sub-processor {slug!r}")
    return sp


def chain_of(subprocessor: SubProcessor) -> list[SubProcessor]:
    """The sub-processor and its engagers up to the one the provider engages directly (Art. 28(4))."""
    chain, seen = [subprocessor], {subprocessor.pk}
    while chain[-1].engaged_by_id is not None and chain[-1].engaged_by_id not in seen:
        parent = chain[-1].engaged_by
        assert parent is not None
        chain.append(parent)
        seen.add(parent.pk)
    return chain


def effective_services(subprocessor: SubProcessor) -> list[Service]:
    """The services it works for: its own and those of every engager up the chain (Art. 28(4))."""
    found: dict[int, Service] = {}
    for link in chain_of(subprocessor):
        for service in link.services.all():
            found.setdefault(service.pk, service)
    return sorted(found.values(), key=lambda s: s.name)


def audit_history(obj: Model | None, limit: int = 50) -> list[AuditEntry]:
    """The audit trail of one register entry, change or contract, newest first."""
    if obj is None or obj.pk is None:
        return []
    entries = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(entries.order_by("-seq")[:limit])


def changes_naming(subprocessor: SubProcessor) -> QuerySet[Change]:
    """Changes that add, remove or replace it, or in which it is replaced; newest first."""
    return (
        Change.objects.filter(Q(subprocessor=subprocessor) | Q(replaces=subprocessor))
        .select_related("subprocessor", "replaces")
        .order_by("-created_at", "-pk")
    )


def engaged_subprocessors(subprocessor: SubProcessor) -> QuerySet[SubProcessor]:
    return SubProcessor.objects.filter(engaged_by=subprocessor).order_by("legal_name")


# ----------------------------------------------------------------------------------------------------
# Flow-down agreements (GDPR Art. 28(4), nFADP Art. 9(3))


def _agreements() -> QuerySet[FlowDownAgreement]:
    """Agreements without their document's bytes (only the staff download reads those)."""
    return FlowDownAgreement.objects.defer("document")


def flowdown_agreements_of(subprocessor: SubProcessor) -> list[FlowDownAgreement]:
    """Every agreement recorded for it, latest signature first (staff)."""
    return list(_agreements().filter(subprocessor=subprocessor))


def agreements_in_effect(subprocessor_ids: Iterable[int], on: dt.date | None = None) -> dict[int, FlowDownAgreement]:
    """``{sub-processor id: the agreement in effect on ``on`` (default today)}``, complete or not; one query
    whatever the number of sub-processors. A sub-processor without one is left out."""
    day = on or today()
    ids = list(subprocessor_ids)
    rows = _agreements().filter(subprocessor_id__in=ids, signed_on__lte=day)
    rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    by_subprocessor: dict[int, list[FlowDownAgreement]] = {}
    for agreement in rows:
        by_subprocessor.setdefault(agreement.subprocessor_id, []).append(agreement)
    found = {pk: agreement_in_effect(agreements, day) for pk, agreements in by_subprocessor.items()}
    return {pk: agreement for pk, agreement in found.items() if agreement is not None}


def agreements_in_place(subprocessor_ids: Iterable[int], on: dt.date | None = None) -> dict[int, FlowDownAgreement]:
    """``{sub-processor id: its agreement in place}``: in effect and covering every duty of GDPR Art.
    28(3)(a)-(h). What customers and the public are shown ("agreement in place since …"); one query."""
    return {pk: agreement for pk, agreement in agreements_in_effect(subprocessor_ids, on).items() if agreement.complete}


def agreement_in_place_for(subprocessor: SubProcessor, on: dt.date | None = None) -> FlowDownAgreement | None:
    return agreement_in_place(_agreements().filter(subprocessor=subprocessor), on or today())


# ----------------------------------------------------------------------------------------------------
# Changes


def _change_queryset() -> QuerySet[Change]:
    return Change.objects.select_related("subprocessor", "replaces", "created_by").prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name"))
    )


def upcoming_changes() -> list[Change]:
    """Announced changes not yet effective (nor withdrawn), soonest first."""
    return list(_change_queryset().filter(status=ChangeStatus.ANNOUNCED).order_by("effective_on", "pk"))


def announced_changes() -> list[Change]:
    """Every change ever announced, effective and withdrawn ones included, newest first (the feed)."""
    return list(_change_queryset().filter(announced_at__isnull=False).order_by("-announced_at", "-pk"))


def _open_objection_q(prefix: str = "") -> Q:
    objected = Q(**{f"{prefix}objected_at__isnull": False}) | Q(**{f"{prefix}consent": ConsentStatus.REFUSED})
    return objected & Q(**{f"{prefix}resolution": Resolution.NONE})


def changes_with_counts(status: str = "") -> QuerySet[Change]:
    """Changes for the staff list, newest first, with recipients, objections and consents counted."""
    rows = _change_queryset().annotate(
        recipient_count=Count("recipients", distinct=True),
        objection_count=Count("recipients", filter=Q(recipients__objected_at__isnull=False), distinct=True),
        open_objection_count=Count("recipients", filter=_open_objection_q("recipients__"), distinct=True),
        consent_given_count=Count("recipients", filter=Q(recipients__consent=ConsentStatus.GIVEN), distinct=True),
        consent_pending_count=Count("recipients", filter=Q(recipients__consent=ConsentStatus.PENDING), distinct=True),
        # Told, but never applies to them (GDPR Art. 28(2): no recorded authorisation).
        not_authorised_count=Count("recipients", filter=Q(recipients__authorisation=NOT_AUTHORISED), distinct=True),
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def change_by_id(change_id: int) -> Change:
    change = _change_queryset().filter(pk=change_id).first()
    if change is None:
        raise Http404(f"no change {change_id}")
    return change


def recipients_of(change: Change) -> QuerySet[ChangeRecipient]:
    return (
        ChangeRecipient.objects.filter(change=change)
        .select_related("organisation", "objected_by", "consent_by", "resolved_by")
        .order_by("organisation__ref")
    )


def open_objections() -> QuerySet[ChangeRecipient]:
    """Objections and refused consents waiting for staff (the dashboard), oldest first."""
    return (
        ChangeRecipient.objects.filter(_open_objection_q())
        .exclude(change__status=ChangeStatus.WITHDRAWN)
        .select_related("change", "change__subprocessor", "organisation")
        .order_by("objected_at", "consent_at", "pk")
    )


# ----------------------------------------------------------------------------------------------------
# One customer


@dataclass(frozen=True)
class ContractTerms:
    """A customer's recorded authorisation of sub-processors, or the absence of one: ``authorisation``
    is ``none`` and ``notice_days`` None when nothing is recorded (GDPR Art. 28(2): no default)."""

    authorisation: str
    notice_days: int | None
    signed_on: dt.date | None
    recorded_on: dt.date | None = None
    source: str = ""
    evidence_sha256: str = ""
    acceptance: Any = None  # legal.Acceptance when recorded from a DPA acceptance

    @property
    def authorised(self) -> bool:
        return is_authorised(self.authorisation)

    @property
    def authorisation_label(self) -> str:
        return str(RecipientAuthorisation(self.authorisation).label)

    @property
    def source_label(self) -> str:
        return str(ContractSource(self.source).label) if self.source else ""


NO_AUTHORISATION = ContractTerms(NOT_AUTHORISED, None, None)


def terms_of(contract: Contract | None) -> ContractTerms:
    if contract is None:
        return NO_AUTHORISATION
    return ContractTerms(
        authorisation=contract.authorisation,
        notice_days=contract.notice_days,
        signed_on=contract.signed_on,
        recorded_on=contract.recorded_on,
        source=contract.source,
        evidence_sha256=contract.evidence_sha256,
        acceptance=contract.acceptance,
    )


def contract_terms(organisation: Organisation) -> ContractTerms:
    contract = (
        Contract.objects.filter(organisation=organisation).select_related("acceptance__version__document").first()
    )
    return terms_of(contract)


def customer_authorisations(authorisation: str = "", query: str = "") -> QuerySet[Organisation]:
    """Every customer with its recorded authorisation (``contract``, or none), by reference, for the
    staff list. ``authorisation``: ``general``, ``specific`` or ``none`` (not authorised)."""
    rows = Organisation.objects.select_related("contract").order_by("ref")
    if authorisation == NOT_AUTHORISED:
        rows = rows.filter(contract__isnull=True)
    elif authorisation in Authorisation.values:
        rows = rows.filter(contract__authorisation=authorisation)
    if query:
        rows = rows.filter(ref__icontains=query)
    return rows


def _not_applying_for(organisation: Organisation) -> tuple[set[int], set[int]]:
    """(new sub-processors an effective change does not apply to for this organisation,
    old ones it still keeps because a replacement does not apply to it, or left because it does)."""
    blocked: set[int] = set()
    moved_away: set[int] = set()
    rows = ChangeRecipient.objects.filter(
        organisation=organisation, change__status=ChangeStatus.EFFECTIVE
    ).select_related("change")
    for row in rows:
        change = row.change
        if not needs_answer(change.kind):
            continue
        if not recipient_applies(row, change.kind):
            blocked.add(change.subprocessor_id)
        elif change.kind == ChangeKind.REPLACEMENT and change.replaces_id is not None:
            moved_away.add(change.replaces_id)
    return blocked, moved_away


def subprocessors_for_organisation(organisation: Organisation, at: dt.date | None = None) -> list[SubProcessor]:
    """The sub-processors in use that work for this customer's services (through its placements), less
    those a change does not apply to for it (objection, missing consent) and those it moved away from.
    The same rule as the residency audit's ``subprocessor-outside``."""
    services = organisation_service_ids(organisation)
    blocked, moved_away = _not_applying_for(organisation)
    found = []
    for sp in public_register(at):
        chain = {link.pk for link in chain_of(sp)}
        if chain & (blocked | moved_away):
            continue
        if {s.pk for link in chain_of(sp) for s in link.services.all()} & services:
            found.append(sp)
    return found


def changes_for_organisation(organisation: Organisation) -> QuerySet[ChangeRecipient]:
    """The changes announced to this customer (its recipient rows), newest first."""
    return (
        ChangeRecipient.objects.filter(organisation=organisation, change__announced_at__isnull=False)
        .select_related("change", "change__subprocessor", "change__replaces")
        .prefetch_related(Prefetch("change__services", queryset=Service.objects.order_by("name")))
        .order_by("-change__announced_at", "-change_id")
    )


def recipient_for_organisation(organisation: Organisation, change_id: int) -> ChangeRecipient:
    """This customer's row of a change; another organisation's change (or none) is a 404, alike."""
    row = changes_for_organisation(organisation).filter(change_id=change_id).first()
    if row is None:
        raise Http404("no such change for your organisation")
    return row


def unauthorised_subprocessors_for(organisation: Organisation, at: dt.date | None = None) -> list[str]:
    """The sub-processors working on this customer's data while it has no recorded authorisation (GDPR
    Art. 28(2), nFADP Art. 9(3), DSV Art. 7): the Python side of the residency audit's
    ``subprocessor-unauthorised`` (the tests hold the two to the same answer)."""
    if Contract.objects.filter(organisation=organisation).exists():
        return []
    return unauthorised_subprocessors(None, subprocessors_for_organisation(organisation, at))


# The customers with data on the assets of the given services, or below one (the customers of a service).
_CUSTOMERS_OF_SERVICES = """
WITH RECURSIVE cover(asset_id) AS (
    SELECT a.id FROM {asset} a WHERE a.service_id IN ({services})
    UNION
    SELECT child.id FROM cover JOIN {asset} child ON child.parent_id = cover.asset_id
)
SELECT p.customer_id FROM cover JOIN {placement} p ON p.asset_id = cover.asset_id
"""


def unauthorised_customers_of(subprocessor: SubProcessor) -> QuerySet[Organisation]:
    """The customers without a recorded authorisation whose data it processes (its services and its
    engagers', Art. 28(4)), less those a change keeps it away from: the staff page of a sub-processor.
    Empty when it is not in use today."""
    from django.db.models.expressions import RawSQL

    from art28.inventory.models import Asset, Placement

    chain = chain_of(subprocessor)
    service_ids = sorted({s.pk for s in effective_services(subprocessor)})
    if not service_ids or not all(in_use_on(link, today()) for link in chain):
        return Organisation.objects.none()
    sql = _CUSTOMERS_OF_SERVICES.format(
        asset=Asset._meta.db_table, placement=Placement._meta.db_table, services=", ".join(["%s"] * len(service_ids))
    )
    kept_away: set[int] = set()
    chain_ids = {link.pk for link in chain}
    rows = ChangeRecipient.objects.filter(
        Q(change__subprocessor_id__in=chain_ids) | Q(change__replaces_id__in=chain_ids),
        organisation__contract__isnull=True,
        change__status=ChangeStatus.EFFECTIVE,
    ).select_related("change")
    for row in rows:
        change = row.change
        if not needs_answer(change.kind):
            continue
        applies = recipient_applies(row, change.kind)
        # A new one the change does not apply to, or an old one a replacement moved the customer from.
        new_but_kept_out = change.subprocessor_id in chain_ids and not applies
        moved_away = change.kind == ChangeKind.REPLACEMENT and change.replaces_id in chain_ids and applies
        if new_but_kept_out or moved_away:
            kept_away.add(row.organisation_id)
    return (
        Organisation.objects.filter(pk__in=RawSQL(sql, service_ids), contract__isnull=True)  # noqa: S611
        .exclude(pk__in=kept_away)
        .order_by("ref")
    )


def changes_awaiting_answer(organisation: Organisation, on: dt.date | None = None) -> QuerySet[ChangeRecipient]:
    """The additions and replacements announced to ``organisation`` that wait for its answer, earliest
    effective date first (one query): under a general authorisation, while the objection window is open
    (announced, before the effective date) and it has not objected; under a specific one, while its
    consent is pending (the change never applies without it, DSV Art. 7). GDPR Art. 28(2)."""
    day = on or today()
    general_window_open = Q(
        authorisation=Authorisation.GENERAL,
        objected_at__isnull=True,
        change__status=ChangeStatus.ANNOUNCED,
        change__effective_on__gt=day,
    )
    specific_pending = Q(
        authorisation=Authorisation.SPECIFIC,
        consent=ConsentStatus.PENDING,
        change__status__in=(ChangeStatus.ANNOUNCED, ChangeStatus.EFFECTIVE),
    )
    return (
        ChangeRecipient.objects.filter(
            organisation=organisation,
            resolution=Resolution.NONE,
            change__kind__in=(ChangeKind.ADDITION, ChangeKind.REPLACEMENT),
        )
        .filter(general_window_open | specific_pending)
        .select_related("change__subprocessor", "change__replaces")
        .order_by("change__effective_on", "change_id")
    )


def subprocessor_search(query: str) -> QuerySet[SubProcessor]:
    """Sub-processors whose legal name or slug contains ``query`` (the staff search), by legal name."""
    return SubProcessor.objects.filter(Q(legal_name__icontains=query) | Q(slug__icontains=query)).order_by(
        "legal_name", "pk"
    )
