"""The sync history's chart: placements created, updated and ended by each of the latest imports, as a
grouped bar chart drawn server-side in SVG (no JavaScript, printable; the page gives it as a table too)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from art28.inventory.models import InventorySync

LEFT = 44  # room for the axis' numbers
TOP = 30  # room for the legend
PLOT_HEIGHT = 160
BOTTOM = 26  # room for the dates
PLOT_WIDTH = 820  # the groups share it, each between these widths
GROUP_MIN, GROUP_MAX = 27, 64
DATE_LABEL_WIDTH = 64  # a short date at the labels' font size, with room to breathe

# (key in the counts, legend, colour): the site's "ok", accent and "bad" colours.
SERIES = (
    ("created", _("Placements created"), "#1f7a3d"),
    ("updated", _("Placements updated"), "#0b5cad"),
    ("ended", _("Placements ended"), "#b3261e"),
)


@dataclass(frozen=True, slots=True)
class ChartBar:
    series: str
    value: int
    x: int
    width: int
    y: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class ChartGroup:
    sync: InventorySync
    label: str  # the sync's date and time
    x: int  # the group's left edge
    centre: float
    bars: list[ChartBar]
    show_label: bool
    created: int
    updated: int
    ended: int


@dataclass(frozen=True, slots=True)
class LegendItem:
    label: str
    colour: str
    x: int


@dataclass(frozen=True, slots=True)
class SyncChart:
    groups: list[ChartGroup]
    legend: list[LegendItem]
    width: int
    height: int
    left: int
    top: int
    baseline: int  # y of the zero line
    largest: int
    first_label: str
    last_label: str


def _placement_counts(sync: InventorySync) -> dict[str, int]:
    counts = (sync.counts or {}).get("placements")
    counts = counts if isinstance(counts, dict) else {}
    return {key: int(counts.get(key, 0)) for key, _label, _colour in SERIES}


def _bar_title(series: str, value: int, when: str) -> str:
    if series == "created":
        text = ngettext("%(count)s placement created", "%(count)s placements created", value)
    elif series == "updated":
        text = ngettext("%(count)s placement updated", "%(count)s placements updated", value)
    else:
        text = ngettext("%(count)s placement ended", "%(count)s placements ended", value)
    return f"{when}: {text % {'count': value}}"


def sync_chart(syncs: list[InventorySync]) -> SyncChart:
    """Geometry for ``syncs`` (oldest first): one group of three bars per sync, on one linear scale."""
    counts = [_placement_counts(sync) for sync in syncs]
    largest = max((value for row in counts for value in row.values()), default=0) or 1
    group_width = min(GROUP_MAX, max(GROUP_MIN, PLOT_WIDTH // max(len(syncs), 1)))
    gap = group_width // 4
    bar_width = (group_width - gap) // 3
    # A date under every group where they fit, else under every second, third … group.
    every = max(1, math.ceil(DATE_LABEL_WIDTH / group_width))
    baseline = TOP + PLOT_HEIGHT
    groups = []
    for index, (sync, row) in enumerate(zip(syncs, counts, strict=True)):
        x = LEFT + index * group_width + gap // 2
        when = date_format(timezone.localtime(sync.at), "SHORT_DATETIME_FORMAT")
        bars = []
        for position, (key, _label, colour) in enumerate(SERIES):
            value = row[key]
            height = round(max(value / largest * PLOT_HEIGHT, 1 if value else 0), 1)
            bars.append(
                ChartBar(
                    series=key,
                    value=value,
                    x=x + position * bar_width,
                    width=bar_width,
                    y=round(baseline - height, 1),
                    height=height,
                    colour=colour,
                    title=_bar_title(key, value, when),
                )
            )
        groups.append(
            ChartGroup(
                sync=sync,
                label=date_format(timezone.localtime(sync.at), "SHORT_DATE_FORMAT"),
                x=x,
                centre=x + 1.5 * bar_width,
                bars=bars,
                show_label=index % every == 0,
                created=row["created"],
                updated=row["updated"],
                ended=row["ended"],
            )
        )
    width = max(LEFT + len(syncs) * group_width + 20, 540)  # the legend fits
    return SyncChart(
        groups=groups,
        legend=[LegendItem(str(label), colour, LEFT + i * 160) for i, (_key, label, colour) in enumerate(SERIES)],
        width=width,
        height=TOP + PLOT_HEIGHT + BOTTOM,
        left=LEFT,
        top=TOP,
        baseline=baseline,
        largest=largest,
        first_label=groups[0].label if groups else "",
        last_label=groups[-1].label if groups else "",
    )
