"""Reads of controls and their evidence (S2; docs/evidence.md, "Status").

A control's status ages by itself, with this precedence:

1. **failing**: the latest item of one of its evidence collectors found a problem (residency violations,
   a breach notice late, a DPO answer past its deadline, an isolation probe breached …), or the latest
   item uploaded for it says so;
2. **stale**: one of its collectors has no valid item (none yet, or its last one expired), it has no
   evidence at all, or its test is overdue (``next_review_on`` passed: GDPR Art. 32(1)(d) "regularly");
3. **effective**: otherwise; valid evidence from each of its sources and its test on time.

A control that does not apply (the Statement of Applicability says why) has no status. The number of
queries is bounded by the number of collectors, not of evidence items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from art28.core.evidence import collector as registered_collector
from art28.evidence.models import Evidence, EvidenceSource
from art28.records.models import TechnicalMeasure

EFFECTIVE, STALE, FAILING, NOT_APPLICABLE = "effective", "stale", "failing", "not-applicable"
STATUS_ORDER = {FAILING: 0, STALE: 1, EFFECTIVE: 2, NOT_APPLICABLE: 3}


@dataclass
class SourceState:
    """One collector's latest item and its latest validity, as of a day."""

    collector: str
    latest_at: dt.datetime | None = None
    latest_passed: bool = True
    latest_title: str = ""
    valid_until: dt.date | None = None
    count: int = 0


@dataclass
class ControlStatus:
    measure: TechnicalMeasure
    status: str
    reasons: list[str] = field(default_factory=list)
    sources: list[SourceState] = field(default_factory=list)
    latest_at: dt.datetime | None = None
    valid_until: dt.date | None = None
    evidence_count: int = 0

    def age_days(self, today: dt.date) -> int | None:
        return None if self.latest_at is None else (today - timezone.localtime(self.latest_at).date()).days


def _source_states(keys: set[str], before: dt.datetime) -> dict[str, SourceState]:
    """Per collector: its count, its latest validity, and its latest item (one query per collector), of
    the items true before ``before`` (a status as of a past day ignores what came later)."""
    states = {key: SourceState(key) for key in keys}
    items = Evidence.objects.filter(source=EvidenceSource.COLLECTOR, effective_at__lt=before)
    totals = (
        items.filter(collector__in=keys)
        .values("collector")
        .annotate(valid=Max("valid_until"), latest=Max("effective_at"), n=Count("pk"))
    )
    for row in totals:
        state = states[row["collector"]]
        state.valid_until, state.latest_at, state.count = row["valid"], row["latest"], row["n"]
    for key, state in states.items():
        if state.latest_at is None:
            continue
        # Every item of the latest moment counts: a week's snapshot is one item, a day may hold several.
        latest = items.filter(collector=key, effective_at=state.latest_at)
        rows = list(latest.values_list("passed", "title"))
        state.latest_passed = all(passed for passed, _title in rows)
        state.latest_title = next((title for passed, title in rows if not passed), rows[0][1])
    return states


def _linked(measure_ids: list[int], before: dt.datetime) -> dict[int, list[dict[str, Any]]]:
    """Items linked to a control by hand or by a collector's item (an upload, a measure's review)."""
    through = Evidence.controls.through
    linked: dict[int, list[dict[str, Any]]] = defaultdict(list)
    chosen = through.objects.filter(technicalmeasure_id__in=measure_ids, evidence__effective_at__lt=before)
    rows = chosen.values(
        "technicalmeasure_id",
        "evidence__effective_at",
        "evidence__valid_until",
        "evidence__passed",
        "evidence__title",
        "evidence__collector",
    )
    for row in rows:
        linked[row["technicalmeasure_id"]].append(dict(row))
    return linked


def control_statuses(
    *, today: dt.date | None = None, measures: QuerySet[TechnicalMeasure] | None = None
) -> list[ControlStatus]:
    """Every active control with its status as of ``today`` (evidence true by the end of that day), the
    failing first, then the oldest stale. A past day's status reads the evidence of then; the test's due
    day is the control's current one (its history is in the audit trail)."""
    today = today or timezone.localdate()
    before = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    chosen = list((measures if measures is not None else TechnicalMeasure.objects.filter(active=True))
                  .select_related("owner"))  # fmt: skip
    states = _source_states({key for m in chosen for key in m.evidence_sources}, before)
    linked = _linked([m.pk for m in chosen], before)
    statuses = [_status_of(m, states, linked.get(m.pk, []), today) for m in chosen]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    statuses.sort(key=lambda s: (STATUS_ORDER[s.status], s.latest_at or oldest, s.measure.ref))
    return statuses


def _status_of(
    measure: TechnicalMeasure, states: dict[str, SourceState], linked: list[dict[str, Any]], today: dt.date
) -> ControlStatus:
    if not measure.applicable:
        return ControlStatus(measure, NOT_APPLICABLE, [measure.applicability_reason])
    sources = [states[key] for key in measure.evidence_sources if key in states]
    result = ControlStatus(measure, EFFECTIVE, sources=sources)
    moments = [s.latest_at for s in sources if s.latest_at] + [row["evidence__effective_at"] for row in linked]
    validities = [s.valid_until for s in sources if s.valid_until] + [row["evidence__valid_until"] for row in linked]
    result.latest_at = max(moments, default=None)
    result.valid_until = max(validities, default=None)
    result.evidence_count = sum(s.count for s in sources) + len(linked)
    failing, stale = [], []
    for source in sources:
        title = _collector_title(source.collector)
        if source.latest_at is None:
            stale.append(_("no evidence from %(source)s yet") % {"source": title})
        elif not source.latest_passed:
            failing.append(_("%(source)s: %(item)s") % {"source": title, "item": source.latest_title})
        elif source.valid_until is None or source.valid_until < today:
            stale.append(_("the evidence from %(source)s expired") % {"source": title})
    if linked:
        latest = max(linked, key=lambda row: row["evidence__effective_at"])
        if not latest["evidence__passed"]:
            failing.append(latest["evidence__title"])
    if not sources and not linked:
        stale.append(_("no evidence"))
    elif not sources and (result.valid_until is None or result.valid_until < today):
        stale.append(_("its evidence expired"))
    if measure.next_review_on < today:
        stale.append(_("its test was due on %(day)s") % {"day": measure.next_review_on.isoformat()})
    result.reasons = failing or stale
    result.status = FAILING if failing else STALE if stale else EFFECTIVE
    return result


def _collector_title(key: str) -> str:
    found = registered_collector(key)
    return str(found.title) if found else key


def status_counts(statuses: list[ControlStatus]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for status in statuses:
        counts[status.status] += 1
    return counts


SOA_HEADER = [
    "ref", "title", "gdpr_art_32_1", "nfadp_dsv", "iso_27001_2022_annex_a", "applicable", "why_not_applicable",
    "owner", "test_every_days", "last_tested_on", "next_test_on", "status", "evidence_items", "latest_evidence_at",
    "valid_until",
]  # fmt: skip


def soa_rows(today: dt.date) -> Iterator[list[object]]:
    """The Statement of Applicability's rows, in the catalogue's order (every control, retired ones not)."""
    by_pk = {s.measure.pk: s for s in control_statuses(today=today)}
    for measure in TechnicalMeasure.objects.filter(active=True).select_related("owner").order_by("area", "ref"):
        status = by_pk[measure.pk]
        yield [
            measure.ref, measure.title, f"32(1)({measure.area})", "; ".join(measure.nfadp_refs),
            "; ".join(measure.iso_refs), "yes" if measure.applicable else "no", measure.applicability_reason,
            measure.owner.email, measure.review_every_days, measure.last_reviewed_on, measure.next_review_on,
            status.status, status.evidence_count,
            timezone.localtime(status.latest_at).isoformat(timespec="minutes") if status.latest_at else "",
            status.valid_until or "",
        ]  # fmt: skip


def customer_controls(service_ids: list[int] | set[int], today: dt.date | None = None) -> list[ControlStatus]:
    """The applicable controls that concern a customer: those of every service (no service named) and
    those of the services its data uses. What the portal shows of them is the status and the evidence's
    age, never the reasons (they may name other customers' incidents or requests)."""
    from django.db.models import Q

    measures = (
        TechnicalMeasure.objects.filter(active=True, applicable=True)
        .filter(Q(services__isnull=True) | Q(services__in=list(service_ids)))
        .distinct()
    )
    return sorted(control_statuses(today=today, measures=measures), key=lambda s: (s.measure.area, s.measure.ref))
