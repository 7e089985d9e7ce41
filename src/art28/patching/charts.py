"""The security-update charts (S7; docs/patching.md, "Charts"), drawn server-side in SVG: no JavaScript,
printable, each with its data as a table on the page too.

- Exposure over time: the fleet's open exposures per severity at each week's end over the last year,
  stacked. It is read from the installed periods (what each host had, and when) against today's
  advisories: a host counts as exposed to a CVE from the later of its getting that version and the
  CVE's publication (else its first import) until that version's period ended. So the last point is
  the exposures open now; an advisory imported late is counted back from its publication.
- Time-to-patch per severity per month: for each month of the patch record, the median and the 95th
  percentile of the days fixes took, against the service level (a dashed line), as small multiples.

The history is aggregated in the database (one statement, grouped by first and last week), so its cost
does not grow with the number of rows sent to Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from art28.core.service_levels import service_level_days
from art28.patching.figures import SeverityFigures
from art28.patching.models import AdvisoryStatus, Severity

# The severities inside the service levels, most urgent first; "unimportant" is listed, not charted.
CHARTED = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
COLOURS = {Severity.CRITICAL: "#7a1020", Severity.HIGH: "#b3261e", Severity.MEDIUM: "#c77700", Severity.LOW: "#0b5cad"}
WEEK_DAYS = 7

EXPOSURE_HISTORY_SQL = """
WITH pairs AS (
    SELECT DISTINCT version_id, release FROM patching_installedperiod WHERE until IS NULL OR until > %(since)s
), vulnerable AS (
    SELECT p.version_id, p.release, a.severity, COALESCE(v.published, a.first_seen) AS known
    FROM pairs p
    JOIN patching_packageversion pv ON pv.id = p.version_id
    JOIN patching_advisory a ON a.package = pv.package AND a.release = p.release
    JOIN patching_vulnerability v ON v.id = a.vulnerability_id
    WHERE (a.status = %(resolved)s AND pv.key < a.fixed_key) OR a.status IN (%(open)s, %(unsupported)s)
), spans AS (
    SELECT x.severity,
           CASE WHEN ip.since > x.known THEN ip.since ELSE x.known END AS started,
           CASE WHEN h.ended_at IS NOT NULL AND (ip.until IS NULL OR h.ended_at < ip.until)
                THEN h.ended_at ELSE ip.until END AS ended
    FROM vulnerable x
    JOIN patching_installedperiod ip ON ip.version_id = x.version_id AND ip.release = x.release
    JOIN inventory_asset h ON h.id = ip.host_id
    WHERE (ip.until IS NULL OR ip.until > %(since)s) AND (h.ended_at IS NULL OR h.ended_at > %(since)s)
)
SELECT severity, first_point, last_point, COUNT(*) FROM (
    SELECT severity,
           CASE WHEN started < %(since)s THEN 0 ELSE {floor_started} + 1 END AS first_point,
           CASE WHEN ended IS NULL THEN %(points)s ELSE {floor_ended} END AS last_point
    FROM spans
) counted
WHERE first_point <= last_point
GROUP BY severity, first_point, last_point
"""


def _weeks_since(column: str) -> str:
    """SQL: whole weeks from ``%(since)s`` to ``column`` (a later moment), rounded down."""
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({column} - %(since)s)) / {WEEK_DAYS * 86400}) AS integer)"
    return f"CAST((julianday({column}) - julianday(%(since)s)) / {WEEK_DAYS} AS integer)"


def exposure_history(*, weeks: int = 52, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Per charted severity, the exposures open at each of ``weeks + 1`` moments a week apart, the last
    being ``now``. An exposure counts at a moment when it had started before it and not ended by then."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=WEEK_DAYS * weeks)
    sql = EXPOSURE_HISTORY_SQL.format(floor_started=_weeks_since("started"), floor_ended=_weeks_since("ended"))
    params = {
        "since": connection.ops.adapt_datetimefield_value(since),
        "points": weeks,
        "resolved": AdvisoryStatus.RESOLVED.value,
        "open": AdvisoryStatus.OPEN.value,
        "unsupported": AdvisoryStatus.UNSUPPORTED.value,
    }
    changes: dict[str, list[int]] = defaultdict(lambda: [0] * (weeks + 2))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for severity, first, last, count in cursor.fetchall():
            changes[severity][max(0, int(first))] += count
            changes[severity][min(weeks, int(last)) + 1] -= count
    history: dict[str, list[int]] = {}
    for severity in CHARTED:
        running, series = 0, []
        for change in changes[severity][: weeks + 1]:
            running += change
            series.append(running)
        history[severity] = series
    return history


@dataclass(frozen=True, slots=True)
class Band:
    severity: str
    label: str
    colour: str
    points: str  # an SVG polygon: the band's top left to right, then its bottom right to left


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str
    anchor: str  # the first label starts at its point, the last ends there: both stay inside the chart


@dataclass(frozen=True, slots=True)
class ExposureChart:
    bands: list[Band]
    ticks: list[Tick]
    rows: list[dict[str, Any]]  # the table: one per moment
    width: int
    height: int
    left: int
    top: int
    baseline: int
    largest: int
    empty: bool


def exposure_chart(*, weeks: int = 52, now: dt.datetime | None = None) -> ExposureChart:
    """The stacked areas of ``exposure_history``, critical at the bottom."""
    now = now or timezone.now()
    history = exposure_history(weeks=weeks, now=now)
    left, top, plot_width, plot_height = 48, 30, 780, 170
    totals = [sum(history[s][i] for s in CHARTED) for i in range(weeks + 1)]
    largest = max(totals) or 1
    x = [left + plot_width * i / weeks for i in range(weeks + 1)]
    baseline = top + plot_height

    def y(value: int) -> float:
        return round(baseline - plot_height * value / largest, 1)

    bands, below = [], [0] * (weeks + 1)
    for severity in CHARTED:
        above = [below[i] + history[severity][i] for i in range(weeks + 1)]
        outline = [f"{x[i]:.1f},{y(above[i])}" for i in range(weeks + 1)]
        outline += [f"{x[i]:.1f},{y(below[i])}" for i in reversed(range(weeks + 1))]
        bands.append(Band(severity, str(Severity(severity).label), COLOURS[severity], " ".join(outline)))
        below = above
    moments = [now - dt.timedelta(days=WEEK_DAYS * (weeks - i)) for i in range(weeks + 1)]
    marked = sorted(set(range(0, weeks + 1, max(1, weeks // 4))) | {weeks})
    ticks = [
        Tick(
            round(x[i], 1),
            timezone.localtime(moments[i]).strftime("%Y-%m-%d"),
            "start" if i == 0 else "end" if i == weeks else "middle",
        )
        for i in marked
        if i == weeks or weeks - i >= weeks // 8  # no label crowding the last one
    ]
    rows = [
        {"at": moments[i], "counts": [history[s][i] for s in CHARTED], "total": totals[i]}
        for i in reversed(range(weeks + 1))
    ]
    return ExposureChart(
        bands, ticks, rows, left + plot_width + 10, baseline + 26, left, top, baseline, max(totals), not any(totals)
    )


@dataclass(frozen=True, slots=True)
class MonthBar:
    month: str
    x: float
    width: float
    centre: float
    median_y: float
    height: float  # the median's bar, down to the baseline
    p95_y: float
    title: str
    figures: SeverityFigures


@dataclass(frozen=True, slots=True)
class Panel:
    severity: str
    label: str
    colour: str
    bars: list[MonthBar]
    sla_days: int | None
    sla_y: float | None
    largest: float
    summary: str


@dataclass(frozen=True, slots=True)
class TimeToPatchChart:
    panels: list[Panel]
    months: list[str]
    width: int
    height: int
    left: int
    top: int
    baseline: int
    first_label: str
    last_label: str
    empty: bool


def last_months(until: dt.datetime, count: int) -> list[str]:
    """The ``count`` months up to ``until``'s, oldest first, as YYYY-MM."""
    year, month = timezone.localtime(until).year, timezone.localtime(until).month
    labels = []
    for _step in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return labels[::-1]


def time_to_patch_chart(record: dict[str, Any], *, months: int = 12) -> TimeToPatchChart:
    """One panel per charted severity from a patch record (figures.patch_record): per month, a bar to the
    median and a whisker to the 95th percentile, in days, under the service level's dashed line."""
    labels = last_months(record["until"], months)
    left, top, plot_width, plot_height = 40, 22, 300, 110
    baseline = top + plot_height
    slot = plot_width / months
    panels = []
    for severity in CHARTED:
        per_month = {
            month: next(f for f in figures if f.severity == severity) for month, figures in record["months"].items()
        }
        sla = service_level_days(severity)
        largest = max([sla or 0] + [f.p95_days or 0 for f in per_month.values()]) * 1.1 or 1.0

        def y(days: float, largest: float = largest) -> float:
            return round(baseline - plot_height * days / largest, 1)

        bars = []
        for index, month in enumerate(labels):
            figures = per_month.get(month)
            if figures is None or not figures.count:
                continue
            assert figures.median_days is not None and figures.p95_days is not None
            within = (
                ""
                if figures.within_sla is None
                else _(", %(share)d%% within the service level") % {"share": round(figures.within_sla * 100)}
            )
            title = _(
                "%(month)s — fixes installed: %(count)d, median %(median).1f days, 95th percentile %(p95).1f days"
            ) % {
                "month": month,
                "count": figures.count,
                "median": figures.median_days,
                "p95": figures.p95_days,
            }
            bar_x = left + slot * index + slot * 0.2
            bars.append(
                MonthBar(
                    month,
                    round(bar_x, 1),
                    round(slot * 0.6, 1),
                    round(bar_x + slot * 0.3, 1),
                    y(figures.median_days),
                    round(baseline - y(figures.median_days), 1),
                    y(figures.p95_days),
                    title + within,
                    figures,
                )
            )
        overall = next(f for f in record["severities"] if f.severity == severity)
        summary = (
            _("%(share)d%% within %(days)d days") % {"share": round(overall.within_sla * 100), "days": sla}
            if overall.within_sla is not None and sla is not None
            else _("no fix installed")
        )
        panels.append(
            Panel(
                severity,
                str(Severity(severity).label),
                COLOURS[severity],
                bars,
                sla,
                y(sla) if sla is not None else None,
                round(largest / 1.1, 1),
                summary,
            )
        )
    return TimeToPatchChart(
        panels,
        labels,
        left + plot_width + 8,
        baseline + 22,
        left,
        top,
        baseline,
        labels[0],
        labels[-1],
        not any(panel.bars for panel in panels),
    )
