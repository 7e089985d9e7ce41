"""A measure as a control (S2; docs/evidence.md, "The control catalogue"): its references in Swiss law and
in ISO/IEC 27001:2022 Annex A (ids only; the standard's text is copyrighted), whether it applies and why
not (the Statement of Applicability), and the evidence collectors that prove it. The measure's GDPR
reference is its ``area``, Art. 32(1)(a)-(d). One service, one audit entry."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from art28.core.audit import Actor, audit_record
from art28.core.evidence import collectors
from art28.records.models import TechnicalMeasure
from art28.records.services import ensure_writer

# ISO/IEC 27001:2022 Annex A: A.5.1-A.5.37 organisational, A.6.1-A.6.8 people, A.7.1-A.7.14 physical,
# A.8.1-A.8.34 technological.
ISO_ANNEX_A = {5: 37, 6: 8, 7: 14, 8: 34}
ISO_REF = re.compile(r"A\.([5-8])\.(\d{1,2})")
# nFADP / DSV references as written in Swiss law: "nFADP 8", "DSV 3(1)(a)", "DSV 5".
SWISS_REF = re.compile(r"(nFADP|DSV) \d{1,2}[a-z]?(\(\d{1,2}\))?(\([a-z]\))?")


def _iso_errors(refs: list[str]) -> str | None:
    for ref in refs:
        match = ISO_REF.fullmatch(ref)
        if match is None or not 1 <= int(match[2]) <= ISO_ANNEX_A[int(match[1])]:
            return f"{ref!r} is not an ISO/IEC 27001:2022 Annex A control (A.5.1 to A.8.34)"
    return None


def control_set(
    *,
    actor: Actor,
    measure: TechnicalMeasure,
    nfadp_refs: list[str],
    iso_refs: list[str],
    applicable: bool,
    applicability_reason: str = "",
    evidence_sources: list[str],
) -> TechnicalMeasure:
    """Set what makes the measure a control; raises ValidationError naming the field."""
    ensure_writer(actor)
    errors: dict[str, str] = {}
    nfadp = [ref.strip() for ref in nfadp_refs if ref.strip()]
    iso = [ref.strip() for ref in iso_refs if ref.strip()]
    bad_swiss = next((ref for ref in nfadp if not SWISS_REF.fullmatch(ref)), None)
    if bad_swiss:
        errors["nfadp_refs"] = f"{bad_swiss!r}: write e.g. 'nFADP 8' or 'DSV 3(1)(a)'"
    if (iso_error := _iso_errors(iso)) is not None:
        errors["iso_refs"] = iso_error
    if not applicable and not applicability_reason.strip():
        errors["applicability_reason"] = "Say why the control does not apply."
    known = {c.key for c in collectors()}
    unknown = sorted(set(evidence_sources) - known)
    if unknown:
        errors["evidence_sources"] = f"no evidence collector {unknown[0]!r} (known: {', '.join(sorted(known))})"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = TechnicalMeasure.objects.select_for_update().get(pk=measure.pk)
        names = ("nfadp_refs", "iso_refs", "applicable", "applicability_reason", "evidence_sources")
        before = {name: getattr(locked, name) for name in names}
        locked.nfadp_refs, locked.iso_refs = sorted(set(nfadp)), sorted(set(iso), key=_iso_order)
        locked.applicable = applicable
        locked.applicability_reason = "" if applicable else applicability_reason.strip()
        locked.evidence_sources = sorted(set(evidence_sources))
        locked.save(update_fields=list(names))
        audit_record(actor=actor, action="records.measure.control", obj=locked, before=before,
                     after={name: getattr(locked, name) for name in names})  # fmt: skip
    return locked


def _iso_order(ref: str) -> tuple[int, int]:
    match = ISO_REF.fullmatch(ref)
    return (int(match[1]), int(match[2])) if match else (9, 0)
