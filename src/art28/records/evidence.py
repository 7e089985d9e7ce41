"""The records app's evidence collector (S2; core/evidence.py, docs/evidence.md).

``records.measure_review``: each review of a technical or organisational measure, GDPR Art. 32(1)(d)
("a process for regularly testing, assessing and evaluating the effectiveness of technical and
organisational measures"; nFADP Art. 8, DSV Art. 3). Reviews are the audit trail's
``records.measure.review`` entries (``services.measure_review``), so the evidence of a past window is
read from the hash-chained trail and never changes afterwards.

When a review counts from: the moment it was recorded (the audit entry's time), which is the review day
itself for every review made in the application. A review recorded for another day than the one it was
recorded on (``measure_review(on=…)``, as the demo's history does) counts from the start of the day it
states, in ART28_TIME_ZONE. Either way the item falls on the review day, and its validity, the measure's
next review date, never ends before it.

The data names the measure, the days and the audit entry (its number and hash, for the auditor to find it
in the chain), never the reviewer (an e-mail address) nor the note (free text that may name people).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.core.audit import jsonable
from art28.core.evidence import Collected, register_collector
from art28.core.models import AuditEntry
from art28.records.models import TechnicalMeasure

REVIEW_ACTION = "records.measure.review"


def review_effective_at(recorded_at: dt.datetime, reviewed_on: dt.date) -> dt.datetime:
    """The recording moment when it is on the review day, else the start of the review day (local)."""
    zone = timezone.get_default_timezone()
    if recorded_at.astimezone(zone).date() == reviewed_on:
        return recorded_at
    return timezone.make_aware(dt.datetime.combine(reviewed_on, dt.time()), zone)


@register_collector(
    "records.measure_review",
    title=_("Reviews of technical and organisational measures"),
    proves=_(
        "A measure was reviewed on the day shown (GDPR Art. 32(1)(d): regularly testing, assessing and "
        "evaluating the measures), and its next review was set; the item holds until that next review."
    ),
    valid_days=365,
)
def collect_measure_reviews(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per review whose day is in ``[since, until)`` as ``review_effective_at`` places it. Two
    queries whatever the number of reviews: the audit entries (by the day they state, which is also the
    day of their effective moment), then their measures' references."""
    zone = timezone.get_default_timezone()
    first, last = since.astimezone(zone).date(), until.astimezone(zone).date()
    entries = list(
        AuditEntry.objects.filter(
            action=REVIEW_ACTION,
            after__last_reviewed_on__gte=first.isoformat(),  # ISO dates: JSON strings that sort as days
            after__last_reviewed_on__lte=last.isoformat(),
        )
        .annotate(reviewed=KT("after__last_reviewed_on"), next_review=KT("after__next_review_on"))
        .order_by("seq")
        .values_list("seq", "hash", "at", "object_id", "reviewed", "next_review")
    )
    ids = {int(object_id) for _seq, _hash, _at, object_id, _r, _n in entries if object_id.isdigit()}
    refs = dict(TechnicalMeasure.objects.filter(pk__in=ids).values_list("pk", "ref")) if ids else {}
    for seq, digest, at, object_id, reviewed, next_review in entries:
        reviewed_on = dt.date.fromisoformat(reviewed)
        effective_at = review_effective_at(at, reviewed_on)
        if not since <= effective_at < until:
            continue
        next_on = dt.date.fromisoformat(next_review) if next_review else None
        ref = refs.get(int(object_id)) if object_id.isdigit() else None
        yield Collected(
            key=f"audit-{seq}",
            title=f"Review of measure {ref or object_id} on {reviewed_on.isoformat()}",
            effective_at=effective_at,
            data={
                "measure": ref,
                "reviewed_on": reviewed_on.isoformat(),
                "next_review_on": next_on.isoformat() if next_on else None,
                "recorded_at": jsonable(at),
                "audit_entry": seq,
                "audit_entry_sha256": digest,
            },
            valid_until=next_on if next_on and next_on >= reviewed_on else None,
            controls=(ref,) if ref else (),
        )
