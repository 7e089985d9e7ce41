"""The heat-map of entries by weekday and hour (SVG drawn on the server; the counts are in each cell's
title and in the page's text): when a site is busy, and entries at odd hours stand out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from art28.physical.selectors import HeatMap

CELL, GAP, LEFT, TOP = 22, 2, 40, 18
COLOUR = "#2b6cb0"


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    count: int
    opacity: float
    title: str


def heat_cells(heat: HeatMap) -> dict[str, object]:
    """Cells at (hour, weekday) with an opacity that grows with the count (0.08 for a single entry so that
    a lone night entry is visible), plus the axes' labels."""
    monday = dt.date(2024, 1, 1)  # a Monday: the weekday names in the active language
    days = [date_format(monday + dt.timedelta(days=d), "D") for d in range(7)]
    cells = []
    for weekday, row in enumerate(heat.counts):
        for hour, count in enumerate(row):
            opacity = 0.0 if not count else round(0.08 + 0.92 * count / heat.peak, 3)
            title = _("%(day)s %(hour)02d:00 to %(hour)02d:59: %(count)s entries") % {
                "day": days[weekday], "hour": hour, "count": count,
            }  # fmt: skip
            cells.append(Cell(LEFT + hour * (CELL + GAP), TOP + weekday * (CELL + GAP), count, opacity, title))
    return {
        "cells": cells, "days": [(TOP + d * (CELL + GAP) + CELL * 0.7, name) for d, name in enumerate(days)],
        "hours": [(LEFT + h * (CELL + GAP) + CELL / 2, f"{h:02d}") for h in range(0, 24, 3)],
        "width": LEFT + 24 * (CELL + GAP), "height": TOP + 7 * (CELL + GAP), "cell": CELL, "colour": COLOUR,
    }  # fmt: skip
