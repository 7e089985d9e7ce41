"""Collecting evidence (S2; docs/evidence.md): every registered collector (core.evidence) over the window
since its last run, its new items stored once each (the same source's key is never stored twice), one
CollectionRun and one audit entry per collector and window, in one transaction per collector.

A collector that raises is recorded with its error and the others go on; a collector whose item lies
outside its window, or is not JSON, is a collector's bug and is refused the same way (nothing of that
run is stored). The first run of a collector looks one year back, so the evidence of the past year is
there from the first day (``effective_at`` in the past; the audit entry of the collection is now); each
later run starts OVERLAP before the last one's end, for facts recorded after their day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record, jsonable
from art28.core.bulk import cyclic_gc_paused
from art28.core.evidence import Collected, Collector, collectors
from art28.evidence.models import CollectionRun, Evidence, EvidenceSource
from art28.records.models import TechnicalMeasure

FIRST_LOOK_BACK = dt.timedelta(days=366)
# Each run looks this far behind the last one's end: facts are often recorded after their day (a test's
# report imported weeks after the campaign, packages of the 31st imported on the 1st). Keys keep the
# overlap from storing anything twice.
OVERLAP = dt.timedelta(days=45)
KEY_CHUNK = 500
Progress = Callable[[Collector, int, int], None]


@dataclass
class CollectorOutcome:
    collector: str
    since: dt.datetime
    until: dt.datetime
    found: int = 0
    created: int = 0
    failing: int = 0
    error: str = ""


@dataclass
class CollectionReport:
    outcomes: list[CollectorOutcome] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(o.created for o in self.outcomes)

    @property
    def errors(self) -> list[CollectorOutcome]:
        return [o for o in self.outcomes if o.error]


def item_statement(
    *,
    collector: str,
    key: str,
    title: str,
    effective_at: str,
    valid_until: str,
    passed: bool,
    organisation_id: int | None,
    data: Any,
    attachment: tuple[str, str] | None,
) -> dict[str, Any]:
    """What a collected item states, as hashed: times as in ``core.audit.jsonable`` (``effective_at`` in
    UTC with microseconds, ``valid_until`` a date), an attachment as (file name, SHA-256 of its bytes).
    The pack's verifier (evidence.verify) rebuilds it from an index line, without the database. The title
    and file name are cut where the database cuts them (300 and 200 characters), so that what is stored
    is what was hashed."""
    return {
        "attachment": None if attachment is None else {"name": attachment[0][:200], "sha256": attachment[1]},
        "collector": collector,
        "key": key,
        "title": title[:300],
        "effective_at": effective_at,
        "valid_until": valid_until,
        "passed": passed,
        "organisation_id": organisation_id,
        "data": data,
    }


def statement_sha256(statement: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of an item's statement."""
    canonical = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def content_sha256(collector: str, item: Collected, valid_until: dt.date) -> str:
    """The SHA-256 of what the item states, in canonical JSON (sorted keys, no spaces): the pack's
    manifest and an auditor's check recompute it from the same fields (an attachment by its own hash)."""
    attachment = item.attachment
    return statement_sha256(
        item_statement(
            collector=collector,
            key=item.key,
            title=item.title,
            effective_at=jsonable(item.effective_at),
            valid_until=valid_until.isoformat(),
            passed=item.passed,
            organisation_id=item.organisation_id,
            data=item.data,
            attachment=None if attachment is None else (attachment[0], hashlib.sha256(attachment[1]).hexdigest()),
        )
    )


def _checked(
    collector: Collector, items: Iterable[Collected], since: dt.datetime, until: dt.datetime
) -> list[Collected]:
    found: list[Collected] = []
    seen: set[str] = set()
    for item in items:
        if not since <= item.effective_at < until:
            raise ValueError(f"item {item.key!r}: effective_at {item.effective_at} outside [{since}, {until})")
        if not item.key or len(item.key) > 200 or item.key in seen:
            raise ValueError(f"item {item.key!r}: a key of 1 to 200 characters, once per run")
        json.dumps(item.data)  # TypeError for anything not JSON
        seen.add(item.key)
        found.append(item)
    return found


def _new_items(collector: Collector, items: list[Collected]) -> list[Collected]:
    """The items whose key is not stored yet (a window already collected stores nothing again)."""
    keys = [item.key for item in items]
    stored: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):
        stored |= set(
            Evidence.objects.filter(
                source=EvidenceSource.COLLECTOR, collector=collector.key, key__in=keys[start : start + KEY_CHUNK]
            ).values_list("key", flat=True)
        )
    return [item for item in items if item.key not in stored]


def _store(collector: Collector, items: list[Collected], collected_at: dt.datetime) -> None:
    rows = []
    for item in items:
        valid_until = item.valid_until or (timezone.localtime(item.effective_at).date()
                                           + dt.timedelta(days=collector.valid_days))  # fmt: skip
        rows.append(
            Evidence(
                source=EvidenceSource.COLLECTOR,
                collector=collector.key,
                key=item.key,
                title=item.title[:300],
                effective_at=item.effective_at,
                collected_at=collected_at,
                valid_until=valid_until,
                passed=item.passed,
                data=item.data,
                sha256=content_sha256(collector.key, item, valid_until),
                organisation_id=item.organisation_id,
                file=item.attachment[1] if item.attachment else None,
                file_name=item.attachment[0][:200] if item.attachment else "",
                content_type=_content_type(item.attachment),
            )
        )
    Evidence.objects.bulk_create(rows, batch_size=1000)
    linked = [item for item in items if item.controls]
    if not linked:
        return
    refs = {ref for item in linked for ref in item.controls}
    measures = dict(TechnicalMeasure.objects.filter(ref__in=refs).values_list("ref", "pk"))
    ids = dict(
        Evidence.objects.filter(collector=collector.key, key__in=[i.key for i in linked]).values_list("key", "pk")
    )
    through = Evidence.controls.through
    through.objects.bulk_create(
        [
            through(evidence_id=ids[item.key], technicalmeasure_id=measures[ref])
            for item in linked
            for ref in item.controls
            if ref in measures
        ],
        batch_size=1000,
    )


def _content_type(attachment: tuple[str, bytes] | None) -> str:
    if attachment is None:
        return ""
    if attachment[1].startswith(b"%PDF-"):
        return "application/pdf"
    return "application/json" if attachment[0].endswith(".json") else "application/octet-stream"


def _window_start(collector: Collector, until: dt.datetime) -> dt.datetime:
    last = (
        CollectionRun.objects.filter(collector=collector.key, error="", until__lte=until)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )
    if last is None:
        return until - FIRST_LOOK_BACK
    # Local wall-clock days (a summer-time change in between does not shift the start by an hour).
    return max(timezone.localtime(last) - OVERLAP, until - FIRST_LOOK_BACK)


def collect_one(
    *, actor: Actor, collector: Collector, until: dt.datetime, since: dt.datetime | None = None
) -> CollectorOutcome:
    """Run one collector over ``[since, until)`` (since: where its last run ended) and store what is new."""
    since = since or _window_start(collector, until)
    outcome = CollectorOutcome(collector.key, since, until)
    started = timezone.now()
    try:
        with cyclic_gc_paused():
            items = _checked(collector, collector.collect(since, until), since, until)
            fresh = _new_items(collector, items)
    except Exception as exc:  # a collector's failure is recorded, the others still run
        outcome.error = f"{type(exc).__name__}: {exc}"[:2000]
        fresh = items = []
    outcome.found, outcome.created = len(items), len(fresh)
    outcome.failing = sum(not item.passed for item in fresh)
    with transaction.atomic():
        if not outcome.error:
            _store(collector, fresh, started)
        run = CollectionRun.objects.create(
            collector=collector.key,
            since=since,
            until=until,
            started_at=started,
            finished_at=timezone.now(),
            found=outcome.found,
            created=outcome.created,
            failing=outcome.failing,
            error=outcome.error,
        )
        audit_record(
            actor=actor,
            action="evidence.collect",
            obj=run,
            after={"collector": collector.key, "since": since, "until": until, "found": outcome.found,
                   "created": outcome.created, "failing": outcome.failing, "error": outcome.error or None},
        )  # fmt: skip
    return outcome


def evidence_collect(
    *,
    actor: Actor,
    until: dt.datetime | None = None,
    since: dt.datetime | None = None,
    only: list[str] | None = None,
    progress: Progress | None = None,
) -> CollectionReport:
    """Every registered collector (or ``only`` those keys), each over the window since its last run."""
    until = until or timezone.now()
    chosen = [c for c in collectors() if not only or c.key in only]
    unknown = sorted(set(only or []) - {c.key for c in chosen})
    if unknown:
        raise ValueError(f"no evidence collector {unknown[0]!r} (known: {', '.join(c.key for c in collectors())})")
    report = CollectionReport()
    for index, collector in enumerate(chosen):
        if progress:
            progress(collector, index, len(chosen))
        report.outcomes.append(collect_one(actor=actor, collector=collector, until=until, since=since))
    if progress and chosen:
        progress(chosen[-1], len(chosen), len(chosen))
    return report
