"""What people decide about intrusion-test findings (S6; docs/assurance.md): an affected asset's status
(fixed, a risk accepted with its owner, reason and expiry, a false positive, open again) and retest rounds
(per asset fixed / not fixed / partly, kept as history; the asset's status follows the latest round).
Each change is one audit entry in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from art28.assurance.models import (
    AffectedAsset,
    Finding,
    FindingStatus,
    Retest,
    RetestOutcome,
    RetestResult,
)
from art28.core.audit import Actor, audit_record
from art28.core.models import User
from art28.core.service_levels import risk_acceptance_errors

# A retest's outcome → the asset's status: only "fixed" closes it; "partly" is still open.
OUTCOME_STATUS = {
    RetestOutcome.FIXED: FindingStatus.FIXED,
    RetestOutcome.NOT_FIXED: FindingStatus.OPEN,
    RetestOutcome.PARTLY: FindingStatus.OPEN,
}


def _not_affected(finding: Finding, asset_ref: str) -> str:
    return _("%(asset)r is not an affected asset of %(finding)s") % {"asset": asset_ref, "finding": finding}


def _not_one_of(value: str, choices: list[str]) -> str:
    return _("%(value)r is not one of %(choices)s") % {"value": value, "choices": ", ".join(choices)}


def _affected(finding: Finding, asset_ref: str) -> AffectedAsset:
    affected = AffectedAsset.objects.filter(finding=finding, asset__ref=asset_ref).first()
    if affected is None:
        raise ValidationError({"asset": _not_affected(finding, asset_ref)})
    return affected


def affected_status_set(
    *,
    actor: Actor,
    finding: Finding,
    asset_ref: str,
    status: str,
    owner: User | None = None,
    reason: str = "",
    accepted_until: dt.date | None = None,
) -> AffectedAsset:
    """Set one affected asset's status. A risk accepted needs an owner on the staff, a reason and an expiry
    within ART28_RISK_ACCEPTANCE_MAX_DAYS (core.service_levels); raises ValidationError naming the field."""
    if status not in FindingStatus.values:
        raise ValidationError({"status": _not_one_of(status, FindingStatus.values)})
    affected = _affected(finding, asset_ref)
    if status == FindingStatus.RISK_ACCEPTED:
        if owner is None or accepted_until is None:
            raise ValidationError({"owner": _("a risk accepted needs an owner and an expiry")})
        errors = risk_acceptance_errors(
            owner=owner, reason=reason, expires_on=accepted_until, today=timezone.localdate()
        )
        if errors:
            raise ValidationError(errors)
    before = {"status": affected.status, "accepted_until": affected.accepted_until}
    accepted = status == FindingStatus.RISK_ACCEPTED
    affected.status = status
    affected.accepted_by = owner if accepted else None
    affected.accepted_reason = reason.strip() if accepted else ""
    affected.accepted_until = accepted_until if accepted else None
    with transaction.atomic():
        affected.save()
        audit_record(
            actor=actor,
            action="assurance.finding_status_set",
            obj=finding,
            before=before,
            after={
                "asset": asset_ref,
                "status": status,
                "owner": owner.email if accepted and owner else None,
                "reason": affected.accepted_reason or None,
                "accepted_until": affected.accepted_until,
            },
        )
    return affected


def retest_record(
    *, actor: Actor, finding: Finding, tested_on: dt.date, tester: str, outcomes: dict[str, str]
) -> Retest:
    """A retest round: ``outcomes`` asset ref → fixed / not-fixed / partly, for assets the finding affects.
    The round is kept; each asset's status becomes what the round found (a risk acceptance or a false
    positive stands unless the round names that asset)."""
    errors: dict[str, str] = {}
    if not tester.strip():
        errors["tester"] = _("name who retested")
    if tested_on > timezone.localdate():
        errors["tested_on"] = _("a retest cannot be in the future")
    if not outcomes:
        errors["outcomes"] = _("give the outcome for at least one affected asset")
    bad = sorted(outcome for outcome in outcomes.values() if outcome not in RetestOutcome.values)
    if bad:
        errors["outcomes"] = _not_one_of(bad[0], RetestOutcome.values)
    affected = {a.asset.ref: a for a in AffectedAsset.objects.filter(finding=finding).select_related("asset")}
    unknown = sorted(set(outcomes) - set(affected))
    if unknown:
        errors["asset"] = _not_affected(finding, unknown[0])
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        retest = Retest.objects.create(finding=finding, tested_on=tested_on, tester=tester.strip())
        RetestResult.objects.bulk_create(
            [RetestResult(retest=retest, asset=affected[ref].asset, outcome=o) for ref, o in sorted(outcomes.items())]
        )
        for ref, outcome in outcomes.items():
            row = affected[ref]
            row.status = OUTCOME_STATUS[RetestOutcome(outcome)]
            row.accepted_by, row.accepted_reason, row.accepted_until = None, "", None
            row.save()
        audit_record(
            actor=actor,
            action="assurance.finding_retest",
            obj=finding,
            after={"tested_on": tested_on, "tester": retest.tester, "outcomes": dict(sorted(outcomes.items()))},
        )
    return retest
