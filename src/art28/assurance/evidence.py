"""The assurance app's evidence collectors (S6 as evidence for S2; core/evidence.py, docs/evidence.md).

* ``assurance.intrusion_test``: each intrusion-test campaign completed, with its findings as reported and
  its report's SHA-256; valid until the service's next test is due (its cadence). GDPR Art. 32(1)(d)
  (regularly testing the measures), the provider page's "intrusion tests at least once a year".
* ``assurance.finding_remediation``: each month, the findings whose remediation was due that month and what
  had become of them when the month ended (fixed, risk accepted, false positive, still open: past due).
  Art. 32(1)(d) again: testing is worth its follow-up.
* ``assurance.isolation_run``: each isolation probe run, with its counts and the SHA-256 of its signed
  statement; GDPR Art. 32(1)(b) (confidentiality of processing systems), the page's "isolation of
  customers' data".

The data names no person: a tester is a firm, a finding a reference, a run a suite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.assurance.findings import OUTCOME_STATUS
from art28.assurance.models import (
    AffectedAsset,
    Campaign,
    Finding,
    FindingSeverity,
    FindingStatus,
    IsolationRun,
    RetestOutcome,
)
from art28.assurance.pentest_selectors import finding_status
from art28.core.audit import jsonable
from art28.core.dates import add_months, month_ends
from art28.core.evidence import Collected, register_collector
from art28.core.models import AuditEntry
from art28.core.service_levels import SEVERITIES_WITH_LEVELS, service_level_days, service_levels

PENTEST_CONTROLS = ("tom-d-pentest",)
ISOLATION_CONTROLS = ("tom-b-tenant-isolation",)
STATUS_SET, RETEST = "assurance.finding_status_set", "assurance.finding_retest"


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_default_timezone())


def effective_on_day(recorded_at: dt.datetime, day: dt.date) -> dt.datetime:
    """When a dated fact counts from: the moment art28 recorded it when that is on its day, else the start of
    its day (ART28_TIME_ZONE). A collection that ran earlier that day then still finds it in its next window."""
    if recorded_at.astimezone(timezone.get_default_timezone()).date() == day:
        return recorded_at
    return _day_start(day)


# --------------------------------------------------------------------------------------------------------
# Intrusion tests


def _cadence_months(row: dict[str, Any]) -> int:
    return int(row["cadence"] or settings.ART28_PENTEST_CADENCE_MONTHS)


@register_collector(
    "assurance.intrusion_test",
    title=_("Intrusion tests"),
    proves=_(
        "An intrusion test of a service was completed, by the tester shown, with the findings it reported and "
        "its report's SHA-256; it holds until the service's next test is due."
    ),
    valid_days=365,
    controls=PENTEST_CONTROLS,
)
def collect_intrusion_tests(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per campaign completed in ``[since, until)``: effective on its completion day (when it was
    recorded complete, if that was the same day: ``effective_on_day``). One query: the campaigns with their
    service, its cadence, their findings counted by severity (as reported: what the tester found, not what
    became of it; ``assurance.finding_remediation`` follows that) and when each was recorded complete (the
    last audit entry that set its completion, else its creation, which set it at import)."""
    zone = timezone.get_default_timezone()
    completed_entries = AuditEntry.objects.filter(
        object_type=Campaign._meta.label_lower,
        object_id=Cast(OuterRef("pk"), CharField()),
        action="assurance.campaign_complete",
    )
    columns = ("ref", "service_name", "kind", "tester", "tester_independent", "started_on", "completed_on",
               "report_sha256", "created_at", "cadence", "completion_recorded")  # fmt: skip
    rows = (
        Campaign.objects.filter(
            completed_on__gte=since.astimezone(zone).date(), completed_on__lte=until.astimezone(zone).date()
        )
        .annotate(
            service_name=F("service__name"),
            cadence=F("service__pentest_cadence__months"),
            completion_recorded=Subquery(completed_entries.order_by("-seq").values("at")[:1]),
            **{f"found_{s}": Count("findings", filter=Q(findings__severity=s)) for s in FindingSeverity.values},
        )
        .order_by("completed_on", "ref")
        .values(*columns, *(f"found_{s}" for s in FindingSeverity.values))
    )
    for row in rows:
        completed: dt.date = row["completed_on"]
        effective_at = effective_on_day(row["completion_recorded"] or row["created_at"], completed)
        if not since <= effective_at < until:
            continue
        months = _cadence_months(row)
        found = {s: row[f"found_{s}"] for s in FindingSeverity.values}
        yield Collected(
            key=row["ref"],
            title=f"Intrusion test {row['ref']} of {row['service_name']}, completed {completed.isoformat()}: "
            f"{_plural(sum(found.values()), 'finding')}",
            effective_at=effective_at,
            data={
                "campaign": row["ref"],
                "service": row["service_name"],
                "kind": row["kind"],
                "tester": row["tester"],
                "independent": row["tester_independent"],
                "started_on": jsonable(row["started_on"]),
                "completed_on": completed.isoformat(),
                "findings_reported": sum(found.values()),
                "findings_by_severity": found,
                "report_sha256": row["report_sha256"] or None,
                "cadence_months": months,
                "next_test_due": add_months(completed, months).isoformat(),
            },
            valid_until=add_months(completed, months),
        )


# --------------------------------------------------------------------------------------------------------
# Finding remediation


def _due_in(first_days: list[dt.date], last_days: list[dt.date]) -> Q:
    """Findings whose due date (reported_on + the level of their severity, core.service_levels) falls from
    ``min(first_days)`` through ``max(last_days)``: one condition per severity with a level."""
    start, end = min(first_days), max(last_days)
    condition = Q(pk__in=[])
    for severity in SEVERITIES_WITH_LEVELS:
        days = dt.timedelta(days=service_level_days(severity) or 0)
        condition |= Q(severity=severity, reported_on__gte=start - days, reported_on__lte=end - days)
    return condition


# An asset's status change: (audit seq, what kind, when it counts, new status, risk accepted until).
Change = tuple[int, str, Any, str, dt.date | None]


def _changes(findings: Any) -> dict[tuple[int, str], list[Change]]:
    """Every audited status change of these findings' assets, by (finding id, asset ref), in the order they
    were made (the audit trail's): one query. A person's status change counts from its audit entry's time
    (it has no other date); a retest round from the day it was tested (its own date: a retest recorded the
    next morning still proves the fix of the day before)."""
    per_asset: dict[tuple[int, str], list[Change]] = defaultdict(list)
    entries = (
        AuditEntry.objects.filter(
            object_type=Finding._meta.label_lower,
            action__in=(STATUS_SET, RETEST),
            object_id__in=findings.annotate(key=Cast("pk", CharField())).values("key"),
        )
        .order_by("seq")
        .values_list("seq", "action", "object_id", "at", "after")
    )
    for seq, action, object_id, at, stored in entries.iterator(chunk_size=2000):
        finding_id, after = int(object_id), stored or {}
        if action == STATUS_SET:
            until = after.get("accepted_until")
            change = (seq, STATUS_SET, at, after["status"], dt.date.fromisoformat(until) if until else None)
            per_asset[(finding_id, after["asset"])].append(change)
        else:
            tested_on = dt.date.fromisoformat(after["tested_on"])
            for asset, outcome in after.get("outcomes", {}).items():
                status = OUTCOME_STATUS[RetestOutcome(outcome)]
                per_asset[(finding_id, asset)].append((seq, RETEST, tested_on, status, None))
    return per_asset


def status_at(changes: list[Change], end: dt.datetime, day: dt.date) -> tuple[str, dt.date | None]:
    """An affected asset's status at the instant ``end`` (``day``: its date): open as imported, then each
    change that counted by then, in the order they were made."""
    status: tuple[str, dt.date | None] = (FindingStatus.OPEN, None)
    for _seq, kind, when, new_status, accepted_until in changes:
        counted = when < end if kind == STATUS_SET else when < day
        if counted:
            status = (new_status, accepted_until)
    return status


@register_collector(
    "assurance.finding_remediation",
    title=_("Remediation of intrusion-test findings"),
    proves=_(
        "Every month, each intrusion-test finding whose remediation was due that month was fixed, a risk "
        "accepted or a false positive by the month's end; an item fails when one was still open past due."
    ),
    valid_days=35,
    controls=PENTEST_CONTROLS,
)
def collect_finding_remediation(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per month ending in ``[since, until)`` (and by now), effective at its end: the findings due
    that month and their status when it ended, rebuilt from the audit trail (every status change and retest
    round is audited in the same transaction; core.audit) rather than from today's status. Three queries
    whatever the number of months or findings: the findings due, their affected assets, their changes.

    At the month's end every finding due that month is past due (overdue from the day after its due date,
    docs/assurance.md), so "open" here means open past due; a risk acceptance that expired by then counts as
    open, as ``pentest_selectors.finding_status`` says."""
    now = timezone.now()
    months = [(m.label, m.first, m.end) for m in month_ends(since, until) if m.end <= now]
    if not months:
        return
    last_days = [end.astimezone(timezone.get_default_timezone()).date() - dt.timedelta(days=1) for *_, end in months]
    findings = Finding.objects.filter(_due_in([first for _l, first, _e in months], last_days))
    rows = list(findings.order_by("campaign__ref", "ref").values_list("pk", "campaign__ref", "ref", "severity",
                                                                       "reported_on"))  # fmt: skip
    assets: dict[int, list[str]] = defaultdict(list)
    changes: dict[tuple[int, str], list[Change]] = {}
    if rows:
        for finding_id, asset in (
            AffectedAsset.objects.filter(finding__in=findings.values("pk"))
            .order_by("asset__ref")
            .values_list("finding_id", "asset__ref")
            .iterator(chunk_size=2000)
        ):
            assets[finding_id].append(asset)
        changes = _changes(findings)
    levels = service_levels()
    for label, first, end in months:
        day = end.astimezone(timezone.get_default_timezone()).date()  # the first day of the next month
        counts = dict.fromkeys(FindingStatus.values, 0)
        by_severity: dict[str, dict[str, int]] = {}
        still_open: list[str] = []
        for finding_id, campaign, ref, severity, reported_on in rows:
            due = reported_on + dt.timedelta(days=levels[severity])
            if not first <= due < day:
                continue
            statuses = [status_at(changes.get((finding_id, a), []), end, day) for a in assets[finding_id]]
            status = finding_status(statuses, day)
            counts[status] += 1
            by_severity.setdefault(severity, dict.fromkeys(FindingStatus.values, 0))[status] += 1
            if status == FindingStatus.OPEN:
                still_open.append(f"{campaign}/{ref}")
        due_count = sum(counts.values())
        yield Collected(
            key=label,
            title=f"Intrusion-test findings due in {label}: {_plural(due_count, 'finding')}, "
            f"{counts[FindingStatus.OPEN]} open past due at the month's end",
            effective_at=end,
            data={
                "month": label,
                "as_of": jsonable(end),
                "service_levels_days": levels,
                "findings_due": due_count,
                "fixed": counts[FindingStatus.FIXED],
                "risk_accepted": counts[FindingStatus.RISK_ACCEPTED],
                "false_positive": counts[FindingStatus.FALSE_POSITIVE],
                "open_past_due": counts[FindingStatus.OPEN],
                "by_severity": by_severity,
                "open_past_due_findings": still_open,
            },
            passed=not still_open,
        )


# --------------------------------------------------------------------------------------------------------
# Isolation runs


def _signed_facts(signed: str) -> dict[str, Any]:
    if not signed:
        return {"signed": False, "signed_sha256": None, "key_id": None}
    try:
        key_id = json.loads(signed).get("key_id")
    except (ValueError, AttributeError):
        key_id = None
    return {"signed": True, "signed_sha256": hashlib.sha256(signed.encode()).hexdigest(), "key_id": key_id}


@register_collector(
    "assurance.isolation_run",
    title=_("Isolation probe runs"),
    proves=_(
        "A run of the cross-tenant isolation probes found each customer's resources refused to another "
        "customer's access while the owner's own access succeeded; it fails on any breach or inconclusive pair."
    ),
    valid_days=2,
    controls=ISOLATION_CONTROLS,
)
def collect_isolation_runs(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per run that finished in ``[since, until)``, effective when it finished: a run is stored,
    with its outcome, when it ends, so a collection during a run finds it in its next window (one that
    dated it at its start would have passed it by). A signed run carries its signed statement as the
    item's attachment, and its SHA-256 in the data. One query."""
    columns = ("pk", "suite", "suite_sha256", "started_at", "finished_at", "isolated", "breaches",
               "inconclusive", "signed")  # fmt: skip
    rows = (
        IsolationRun.objects.filter(started_at__lt=until, finished_at__gte=since, finished_at__lt=until)
        .order_by("finished_at", "pk")
        .values_list(*columns)
    )
    for pk, suite, suite_sha256, started_at, finished_at, isolated, breaches, inconclusive, signed in rows.iterator(
        chunk_size=500
    ):
        passed = breaches == 0 and inconclusive == 0 and isolated > 0
        yield Collected(
            key=str(pk),
            title=f"Isolation run of {suite}: {isolated} isolated, {inconclusive} inconclusive, "
            f"{breaches} breach{'' if breaches == 1 else 'es'}",
            effective_at=finished_at,
            data={
                "run": pk,
                "suite": suite,
                "suite_sha256": suite_sha256,
                "started_at": jsonable(started_at),
                "finished_at": jsonable(finished_at),
                "pairs": isolated + breaches + inconclusive,
                "isolated": isolated,
                "breach": breaches,
                "inconclusive": inconclusive,
                **_signed_facts(signed),
            },
            passed=passed,
            # The signed statement is itself the evidence: the auditor checks its signature offline
            # (``art28 attestation-verify``, docs/attestations.md).
            attachment=(f"isolation-run-{pk}.json", signed.encode()) if signed else None,
        )
