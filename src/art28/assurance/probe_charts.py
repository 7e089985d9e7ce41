"""The isolation runs' history as a chart (S6): per run, its pairs stacked by outcome (isolated at the
bottom, then inconclusive, then breaches on top), the oldest run on the left; SVG drawn on the server,
its data as a table on the page too."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.assurance.models import IsolationRun

LEFT, TOP, PLOT_HEIGHT, BOTTOM = 40, 26, 140, 22
SLOT_MIN, SLOT_MAX, PLOT_WIDTH = 14, 48, 780
SERIES = (
    ("isolated", _("isolated"), "#1f7a3d"),
    ("inconclusive", _("inconclusive"), "#c77700"),
    ("breaches", _("breach"), "#b3261e"),
)


@dataclass(frozen=True, slots=True)
class Segment:
    series: str
    colour: str
    y: float
    height: float
    value: int


@dataclass(frozen=True, slots=True)
class RunBar:
    run: IsolationRun
    x: float
    width: float
    segments: list[Segment]
    title: str


@dataclass(frozen=True, slots=True)
class RunChart:
    bars: list[RunBar]
    legend: list[tuple[str, str]]
    width: int
    height: int
    left: int
    top: int
    baseline: int
    largest: int
    first_label: str
    last_label: str


def run_chart(runs: list[IsolationRun]) -> RunChart | None:
    """``runs`` oldest first; None without any."""
    if not runs:
        return None
    largest = max(r.isolated + r.inconclusive + r.breaches for r in runs) or 1
    slot = min(SLOT_MAX, max(SLOT_MIN, PLOT_WIDTH / len(runs)))
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for index, run in enumerate(runs):
        y = float(baseline)
        segments = []
        for key, _label, colour in SERIES:
            value = getattr(run, key)
            height = round(value / largest * PLOT_HEIGHT, 1)
            y = round(y - height, 1)
            segments.append(Segment(key, colour, y, height, value))
        when = timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M")
        title = f"{when}: {run.isolated} isolated, {run.inconclusive} inconclusive, {run.breaches} breach(es)"
        bars.append(RunBar(run, round(LEFT + index * slot + slot * 0.15, 1), round(slot * 0.7, 1), segments, title))
    first, last = (timezone.localtime(r.started_at).strftime("%Y-%m-%d") for r in (runs[0], runs[-1]))
    width = int(max(LEFT + len(runs) * slot + 10, 420))
    return RunChart(bars, [(str(label), colour) for _k, label, colour in SERIES], width, baseline + BOTTOM, LEFT,
                    TOP, baseline, largest, first, last)  # fmt: skip
