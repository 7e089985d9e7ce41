"""The geometry of an incident's timeline, drawn as server-side SVG (templates/breaches/_timeline.html).

Lanes: the breach itself (started → ended, or ongoing), the provider (aware, declared, assessments,
decisions), the notices (each phase sent), the acknowledgements (ticks, bucketed per pixel column).
A vertical line marks the provider's commitment (aware + ART28_BREACH_NOTICE_HOURS); it is red when it
passed before the first notice was sent. Every mark also appears in a text list for screen readers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from art28.breaches.models import Decision, Incident, IncidentDecision, Notice, SeverityAssessment

WIDTH, LEFT, RIGHT = 900, 130, 20
LANES = {"breach": 30, "provider": 70, "notices": 110, "acks": 150}
HEIGHT = 200
TICKS = 5


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    y: int
    kind: str  # start, end, aware, declared, assessment, decision, notice
    label: str
    at: dt.datetime


@dataclass
class Timeline:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    lanes: list[tuple[str, int]] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    bar_x: float = 0
    bar_width: float = 0
    bar_ongoing: bool = False
    deadline_x: float | None = None
    now_x: float | None = None
    deadline_missed: bool = False
    deadline_label: str = ""
    ticks: list[tuple[float, str]] = field(default_factory=list)
    ack_ticks: list[tuple[float, int]] = field(default_factory=list)
    ack_total: int = 0
    events: list[tuple[dt.datetime, str]] = field(default_factory=list)


def _when(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def build_timeline(
    incident: Incident,
    *,
    decisions: list[IncidentDecision],
    assessments: list[SeverityAssessment],
    notices: list[Notice],
    acknowledgements: list[tuple[int, dt.datetime]],
    now: dt.datetime | None = None,
) -> Timeline:
    now = now or timezone.now()
    due = incident.notice_due_at
    sent = sorted((n for n in notices if n.sent_at), key=lambda n: n.sent_at or now)
    first_sent = sent[0].sent_at if sent else None
    events: list[tuple[dt.datetime, str, str, str]] = [
        (incident.started_at, "breach", "start", _("breach started")),
        (incident.aware_at, "provider", "aware", _("provider became aware")),
        (incident.declared_at, "provider", "declared", _("incident declared")),
    ]
    if incident.ended_at:
        events.append((incident.ended_at, "breach", "end", _("breach ended")))
    for a in assessments:
        events.append(
            (
                a.assessed_at,
                "provider",
                "assessment",
                _("severity assessed: %(score)s") % {"score": a.score.normalize()},
            )
        )
    for d in decisions:
        events.append(
            (d.decided_at, "provider", "decision", _("decision: %(decision)s") % {"decision": d.get_decision_display()})
        )
    for n in sent:
        label = _("notice no. %(n)s sent (%(kind)s)") % {"n": n.sequence, "kind": n.get_kind_display()}
        events.append((n.sent_at or now, "notices", "notice", label))
    end = incident.closed_at or now
    times = [t for t, *_ in events] + [due, end] + [t for _, t in acknowledgements]
    start, stop = min(times), max(times)
    span = max((stop - start).total_seconds(), 3600.0)
    start -= dt.timedelta(seconds=span * 0.03)
    span *= 1.06
    usable = WIDTH - LEFT - RIGHT

    def x(at: dt.datetime) -> float:
        return round(LEFT + (at - start).total_seconds() / span * usable, 1)

    timeline = Timeline(
        lanes=[
            (_("Breach"), LANES["breach"]),
            (_("Provider"), LANES["provider"]),
            (_("Notices"), LANES["notices"]),
            (_("Acknowledgements"), LANES["acks"]),
        ]
    )
    timeline.marks = [Mark(x(at), LANES[lane], kind, label, at) for at, lane, kind, label in events]
    timeline.bar_x = x(incident.started_at)
    timeline.bar_width = max(round(x(incident.ended_at or end) - timeline.bar_x, 1), 2)
    timeline.bar_ongoing = incident.ended_at is None
    timeline.deadline_x = x(due)
    timeline.now_x = None if incident.closed_at else x(now)
    if first_sent is not None:
        timeline.deadline_missed = first_sent > due
    else:
        timeline.deadline_missed = now > due and incident.decision != Decision.NO_NOTIFICATION
    timeline.deadline_label = _("provider's commitment: %(when)s") % {"when": _when(due)}
    timeline.ticks = [
        (x(start + dt.timedelta(seconds=span * i / TICKS)), _when(start + dt.timedelta(seconds=span * i / TICKS)))
        for i in range(1, TICKS)
    ]
    columns = Counter(round(x(at)) for _, at in acknowledgements)
    timeline.ack_ticks = sorted(columns.items())
    timeline.ack_total = len(acknowledgements)
    timeline.events = sorted([(at, f"{_when(at)}: {label}") for at, _lane, _kind, label in events])
    timeline.events.append((due, f"{_when(due)}: {timeline.deadline_label}"))
    if acknowledgements:
        timeline.events.append(
            (
                acknowledgements[0][1],
                _("%(n)s acknowledgements, the first at %(when)s")
                % {"n": len(acknowledgements), "when": _when(acknowledgements[0][1])},
            )
        )
    timeline.events.sort()
    return timeline
