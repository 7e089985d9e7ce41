"""Writes on the register and the contracts; each in one transaction with its audit entry.

Only the provider's DPO and administrators change the register, the contracts and changes (other staff
read); scripts act as a SystemActor. Changes are written in subprocessors/changes.py, customers'
objections and consents and their resolution in subprocessors/responses.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core import access
from art28.core.adequacy import needs_safeguard
from art28.core.audit import Actor, SystemActor, audit_record, changed_fields
from art28.core.countries import parse_country_list
from art28.core.glossary import canonical_categories
from art28.core.models import CategoryKind, Organisation, User
from art28.core.translated import clean_translations
from art28.inventory.models import Service, Site
from art28.subprocessors.models import (
    NOT_AUTHORISED,
    Authorisation,
    Contract,
    ContractSource,
    CountriesPeriod,
    SubProcessor,
)
from art28.subprocessors.rules import today

SUBPROCESSOR_WRITERS = access.SUBPROCESSOR_WRITERS  # the role table
TEXT_FIELDS = (
    "slug",
    "legal_name",
    "address",
    "contact_name",
    "contact_email",
    "website",
    "purpose",
    "data_categories",
    "countries",
    "transfer_safeguard",
)
DATE_FIELDS = ("dpf_eu_us_since", "dpf_swiss_us_since", "in_use_from", "in_use_until")
# The texts a customer reads in its language: ``<field>_i18n`` = {"fr": …} (art28.core.translated).
TRANSLATED_FIELDS = ("purpose", "transfer_safeguard")
I18N_FIELDS = tuple(f"{name}_i18n" for name in TRANSLATED_FIELDS)
FIELDS = (*TEXT_FIELDS, *DATE_FIELDS, *I18N_FIELDS)
MAX_NOTICE_DAYS = 365
# Path segments of the staff pages (/staff/subprocessors/<slug>/): no sub-processor may be called so.
RESERVED_SLUGS = frozenset({"new", "changes", "contracts", "at"})


def can_write(actor: Actor) -> bool:
    return isinstance(actor, SystemActor) or actor.role in SUBPROCESSOR_WRITERS


def ensure_writer(actor: Actor) -> None:
    if not can_write(actor):
        raise PermissionDenied("Only the provider's DPO or an administrator changes sub-processors and contracts.")


def actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def snapshot(sp: SubProcessor) -> dict[str, Any]:
    """What the audit trail keeps of a sub-processor: its fields, chain, services and sites."""
    data: dict[str, Any] = {name: getattr(sp, name) for name in FIELDS}
    data["engaged_by"] = sp.engaged_by.slug if sp.engaged_by_id and sp.engaged_by else None
    if sp.pk:
        data["services"] = sorted(sp.services.values_list("name", flat=True))
        data["sites"] = sorted(sp.sites.values_list("code", flat=True))
    return data


def _normalise(sp: SubProcessor) -> None:
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        setattr(sp, name, str(getattr(sp, name) or "").strip())
    for name in TRANSLATED_FIELDS:
        try:
            setattr(sp, f"{name}_i18n", clean_translations(getattr(sp, f"{name}_i18n"), field=name))
        except ValidationError as exc:
            errors.update({key: " ".join(messages) for key, messages in exc.message_dict.items()})
    sp.slug = sp.slug.lower()
    if sp.slug in RESERVED_SLUGS:
        errors["slug"] = f"{sp.slug!r} is reserved for a page; choose another short name."
    try:
        sp.countries = ";".join(parse_country_list(sp.countries.replace(",", ";")))
    except ValueError as exc:
        errors["countries"] = str(exc)
    else:
        if not sp.countries:
            errors["countries"] = "Name at least one country where it processes data (ISO 3166-1 alpha-2, e.g. DE)."
        elif not sp.transfer_safeguard and (
            uncovered := [
                c for c in sp.country_list if needs_safeguard(c, on=today(), certifications=sp.certifications)
            ]
        ):
            errors["transfer_safeguard"] = (
                f"No adequacy finding covers {', '.join(uncovered)} for this sub-processor (GDPR Art. 45, "
                "nFADP Art. 16(1) with DSV Annex 1; the US only for a Data Privacy Framework certification): "
                "name the safeguard (GDPR Art. 46, nFADP Art. 16(2)), e.g. SCC (EU 2021/914) with the Swiss "
                "addendum."
            )
    # The glossary's terms (names and aliases map to the name); a term not in it is kept as given.
    sp.data_categories = ";".join(canonical_categories(sp.data_categories.replace(",", ";"), CategoryKind.DATA)[0])
    if sp.in_use_from and sp.in_use_until and sp.in_use_until <= sp.in_use_from:
        errors["in_use_until"] = "It cannot stop being in use before (or on the day) it starts."
    if errors:
        raise ValidationError(errors)


def _check_chain(sp: SubProcessor, engaged_by: SubProcessor | None) -> None:
    """Art. 28(4): the chain goes up to the provider; it must never come back to where it started."""
    if engaged_by is None:
        return
    path = [sp.slug]
    current: SubProcessor | None = engaged_by
    while current is not None:
        path.append(current.slug)
        if sp.pk is not None and current.pk == sp.pk:
            raise ValidationError(
                {
                    "engaged_by": f"The chain of sub-processors would loop: {' → '.join(path)}. A sub-processor "
                    "cannot be engaged, directly or through others, by itself."
                }
            )
        if len(path) > 50:
            raise ValidationError({"engaged_by": "The chain of sub-processors is longer than 50; it loops already."})
        current = current.engaged_by


def _resolve_engaged_by(value: SubProcessor | str | None) -> SubProcessor | None:
    if value is None or value == "":
        return None
    if isinstance(value, SubProcessor):
        return value
    found = SubProcessor.objects.filter(slug=value).first()
    if found is None:
        raise ValidationError({"engaged_by": f"no sub-processor {value!r}"})
    return found


def resolve_services(names: Iterable[str | Service]) -> list[Service]:
    wanted = [n.name if isinstance(n, Service) else str(n).strip() for n in names]
    found = {s.name: s for s in Service.objects.filter(name__in=wanted)}
    if missing := sorted(set(wanted) - set(found)):
        raise ValidationError({"services": f"unknown service: {', '.join(missing)}"})
    return [found[n] for n in dict.fromkeys(wanted)]


def _resolve_sites(codes: Iterable[str | Site]) -> list[Site]:
    wanted = [c.code if isinstance(c, Site) else str(c).strip() for c in codes]
    found = {s.code: s for s in Site.objects.filter(code__in=wanted)}
    if missing := sorted(set(wanted) - set(found)):
        raise ValidationError({"sites": f"unknown site: {', '.join(missing)}"})
    return [found[c] for c in dict.fromkeys(wanted)]


def _validate(sp: SubProcessor) -> None:
    _normalise(sp)
    sp.full_clean(exclude=["engaged_by"], validate_constraints=False)


def _countries_period(sp: SubProcessor, *, previous: str | None) -> None:
    """Record the sub-processor's countries from now on (the residency "as of" answers read them; docs/
    inventory-sync.md). ``previous``: its countries until now, for one registered before periods existed."""
    now = timezone.now()
    closed = CountriesPeriod.objects.filter(subprocessor=sp, valid_to__isnull=True).update(valid_to=now)
    if not closed and previous is not None:
        CountriesPeriod.objects.create(subprocessor=sp, countries=previous, valid_from=sp.created_at, valid_to=now)
    CountriesPeriod.objects.create(subprocessor=sp, countries=sp.countries, valid_from=now)


def subprocessor_create(
    *,
    actor: Actor,
    slug: str,
    legal_name: str,
    address: str,
    purpose: str,
    countries: str | Iterable[str],
    engaged_by: SubProcessor | str | None = None,
    services: Iterable[str | Service] = (),
    sites: Iterable[str | Site] = (),
    **fields: Any,
) -> SubProcessor:
    """Register a sub-processor. ``in_use_from`` empty: not in use until a change makes it effective."""
    ensure_writer(actor)
    if unknown := set(fields) - set(FIELDS):
        raise ValueError(f"unknown sub-processor field {', '.join(sorted(unknown))}")
    if not isinstance(countries, str):
        countries = ";".join(countries)
    with transaction.atomic():
        parent = _resolve_engaged_by(engaged_by)
        sp = SubProcessor(
            slug=slug, legal_name=legal_name, address=address, purpose=purpose, countries=countries, **fields
        )
        sp.engaged_by = parent
        _validate(sp)
        _check_chain(sp, parent)
        service_rows, site_rows = resolve_services(services), _resolve_sites(sites)
        sp.save()
        _countries_period(sp, previous=None)
        sp.services.set(service_rows)
        sp.sites.set(site_rows)
        audit_record(actor=actor, action="subprocessor.create", obj=sp, after=snapshot(sp))
    return sp


def subprocessor_update(
    *,
    actor: Actor,
    subprocessor: SubProcessor,
    services: Iterable[str | Service] | None = None,
    sites: Iterable[str | Site] | None = None,
    **changes: Any,
) -> SubProcessor:
    """Change fields, the chain (``engaged_by``: a slug, an instance, or None), services or sites.
    The audit entry keeps what changed, before and after."""
    ensure_writer(actor)
    if unknown := set(changes) - {*FIELDS, "engaged_by"}:
        raise ValueError(f"unknown sub-processor field {', '.join(sorted(unknown))}")
    with transaction.atomic():
        sp = SubProcessor.objects.select_for_update(of=("self",)).select_related("engaged_by").get(pk=subprocessor.pk)
        before = snapshot(sp)
        if "engaged_by" in changes:
            parent = _resolve_engaged_by(changes.pop("engaged_by"))
            _check_chain(sp, parent)
            sp.engaged_by = parent
        for name, value in changes.items():
            if name in I18N_FIELDS:
                setattr(sp, name, value or {})
            else:
                setattr(sp, name, value if name in DATE_FIELDS else ("" if value is None else value))
        if isinstance(sp.countries, (list, tuple)):
            sp.countries = ";".join(sp.countries)
        _validate(sp)
        sp.save()
        if sp.countries != before["countries"]:
            _countries_period(sp, previous=before["countries"])
        if services is not None:
            sp.services.set(resolve_services(services))
        if sites is not None:
            sp.sites.set(_resolve_sites(sites))
        after = snapshot(sp)
        if after != before:
            audit_record(
                actor=actor,
                action="subprocessor.update",
                obj=sp,
                **changed_fields(before, after),
            )
    return sp


def subprocessor_delete(*, actor: Actor, subprocessor: SubProcessor) -> None:
    """Remove an entry made by mistake: only one never in use, with no change, no sub-processor of its
    own and no flow-down agreement. One that was ever in use stays in the register (its history is the
    register at past dates)."""
    ensure_writer(actor)
    with transaction.atomic():
        sp = SubProcessor.objects.select_for_update().get(pk=subprocessor.pk)
        if sp.in_use_from is not None:
            raise ValidationError("It was in use: it stays in the register. Announce its removal instead.")
        if sp.changes.exists() or sp.replaced_by_changes.exists():
            raise ValidationError("A change names it: it stays in the register with that change.")
        if sp.sub_processors.exists():
            raise ValidationError("It engages other sub-processors; move or delete those first.")
        if sp.flowdown_agreements.exists():
            raise ValidationError(
                "A flow-down agreement is recorded for it (GDPR Art. 28(4)): it stays in the register with "
                "that evidence."
            )
        audit_record(actor=actor, action="subprocessor.delete", obj=sp, before=snapshot(sp))
        sp.delete()


def contract_terms_errors(authorisation: object, notice_days: object) -> dict[str, str]:
    """What is wrong with an authorisation and its notice period, by field (empty: nothing)."""
    errors: dict[str, str] = {}
    if authorisation not in Authorisation.values:
        errors["authorisation"] = f"unknown authorisation {authorisation!r}; use {' or '.join(Authorisation.values)}"
    if isinstance(notice_days, bool) or not isinstance(notice_days, int) or not 1 <= notice_days <= MAX_NOTICE_DAYS:
        errors["notice_days"] = f"A notice period is between 1 and {MAX_NOTICE_DAYS} days."
    return errors


def _contract_state(contract: Contract | None) -> dict[str, Any]:
    if contract is None:
        return {"authorisation": NOT_AUTHORISED, "notice_days": None, "signed_on": None, "source": None}
    return {
        "authorisation": contract.authorisation,
        "notice_days": contract.notice_days,
        "signed_on": contract.signed_on,
        "source": contract.source,
        "recorded_on": contract.recorded_on,
        "acceptance": contract.acceptance_id,
        "evidence_sha256": contract.evidence_sha256 or None,
    }


def _contract_save(
    *, actor: Actor, organisation: Organisation, action: str, fields: dict[str, Any], force: bool = False
) -> Contract:
    """Create or change the customer's Contract (in the caller's transaction) and write its audit entry
    when anything changed."""
    contract = Contract.objects.select_for_update().filter(organisation=organisation).first()
    before = _contract_state(contract)
    if contract is None:
        contract = Contract(organisation=organisation)
    for name, value in fields.items():
        setattr(contract, name, value)
    after = _contract_state(contract)
    compared = ("authorisation", "notice_days", "signed_on", "source", "acceptance", "evidence_sha256")
    if contract.pk is None or force or any(before.get(k) != after.get(k) for k in compared):
        contract.save()
        audit_record(
            actor=actor,
            action=action,
            obj=contract,
            object_repr=f"contract of {organisation.ref}",
            organisation_id=organisation.pk,
            before=before,
            after=after,
        )
    return contract


def contract_set(
    *,
    actor: Actor,
    organisation: Organisation,
    authorisation: str,
    notice_days: int,
    signed_on: dt.date | None = None,
) -> Contract:
    """Record a customer's written authorisation by hand (specific or general, GDPR Art. 28(2), nFADP
    Art. 9(3), DSV Art. 7; e.g. a signed paper DPA, ``signed_on`` its date) with its notice period. It
    replaces any earlier one, also one recorded from a DPA acceptance. Changes already announced keep the
    terms they were announced under (the recipient's snapshot)."""
    ensure_writer(actor)
    if errors := contract_terms_errors(authorisation, notice_days):
        raise ValidationError(errors)
    with transaction.atomic():
        return _contract_save(
            actor=actor,
            organisation=organisation,
            action="subprocessor.contract.set",
            fields={
                "authorisation": authorisation,
                "notice_days": notice_days,
                "signed_on": signed_on,
                "source": ContractSource.MANUAL,
                "acceptance": None,
                "evidence_sha256": "",
                "recorded_on": timezone.localdate(),
            },
        )


def contract_record_from_acceptance(
    *, actor: Actor, acceptance: Any, authorisation: str, notice_days: int, evidence_sha256: str
) -> Contract:
    """Record the authorisation a customer gave by accepting a DPA version that grants it (GDPR Art.
    28(2) and (9): prior, written, electronic form allowed): dated the day of the acceptance, linked to
    the ``legal.Acceptance`` and the SHA-256 of the text accepted. It replaces any earlier one.

    Called by ``legal.services.document_accept`` inside its transaction, after its own checks (only the
    customer's administrator accepts): the customer gives this authorisation, not staff."""
    if errors := contract_terms_errors(authorisation, notice_days):
        raise ValidationError(errors)
    if len(evidence_sha256) != 64:
        raise ValidationError({"evidence_sha256": "An authorisation from a DPA acceptance keeps the text's SHA-256."})
    day = timezone.localdate(acceptance.accepted_at)
    return _contract_save(
        actor=actor,
        organisation=acceptance.organisation,
        action="subprocessor.contract.dpa-acceptance",
        force=True,  # each acceptance is its own evidence, even with the same terms as before
        fields={
            "authorisation": authorisation,
            "notice_days": notice_days,
            "signed_on": day,
            "source": ContractSource.DPA_ACCEPTANCE,
            "acceptance": acceptance,
            "evidence_sha256": evidence_sha256,
            "recorded_on": day,
        },
    )


CONTRACT_BATCH = 2000


def contracts_record_signed(
    *,
    actor: Actor,
    organisations: Iterable[Organisation],
    authorisation: str,
    notice_days: int,
    signed_on: dt.date,
) -> int:
    """Record the same written authorisation (signed on paper on ``signed_on``) for many customers at
    once, e.g. when the provider first records the DPAs it holds: set-based, one transaction and one
    summary audit entry (the count and the SHA-256 of the sorted references), as the importers do.
    Customers that have a recorded authorisation already keep it; returns how many were recorded."""
    ensure_writer(actor)
    if errors := contract_terms_errors(authorisation, notice_days):
        raise ValidationError(errors)
    wanted = {org.pk: org.ref for org in organisations}
    today = timezone.localdate()
    with transaction.atomic():
        existing = set(Contract.objects.filter(organisation_id__in=wanted).values_list("organisation_id", flat=True))
        new = sorted(pk for pk in wanted if pk not in existing)
        Contract.objects.bulk_create(
            [
                Contract(
                    organisation_id=pk,
                    authorisation=authorisation,
                    notice_days=notice_days,
                    signed_on=signed_on,
                    source=ContractSource.MANUAL,
                    recorded_on=today,
                )
                for pk in new
            ],
            batch_size=CONTRACT_BATCH,
        )
        refs = sorted(wanted[pk] for pk in new)
        audit_record(
            actor=actor,
            action="subprocessor.contract.set-many",
            object_type=Contract._meta.label_lower,
            object_repr=f"{len(refs)} customers' written authorisations",
            after={
                "authorisation": authorisation,
                "notice_days": notice_days,
                "signed_on": signed_on,
                "customers": len(refs),
                "customers_sha256": hashlib.sha256("\n".join(refs).encode()).hexdigest(),
                "kept_their_own": len(existing),
            },
        )
    return len(new)
