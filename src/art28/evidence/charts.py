"""The controls' status as one stacked bar (drawn on the server, SVG; the counts are also in the page's
text): how much of the catalogue is effective, stale or failing at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import pgettext

from art28.evidence.selectors import EFFECTIVE, FAILING, NOT_APPLICABLE, STALE

WIDTH, HEIGHT = 640, 28
COLOURS = {EFFECTIVE: "#2e7d4f", STALE: "#b7791f", FAILING: "#c53030", NOT_APPLICABLE: "#a0aec0"}


@dataclass
class Segment:
    status: str
    label: str
    count: int
    x: float
    width: float
    colour: str


def status_bar(counts: dict[str, int]) -> dict[str, object] | None:
    total = sum(counts.values())
    if not total:
        return None
    labels = {
        EFFECTIVE: pgettext("control status", "effective"),
        STALE: pgettext("control status", "stale"),
        FAILING: pgettext("control status", "failing"),
        NOT_APPLICABLE: pgettext("control status", "not applicable"),
    }
    segments, x = [], 0.0
    for status in (FAILING, STALE, EFFECTIVE, NOT_APPLICABLE):
        width = WIDTH * counts.get(status, 0) / total
        segments.append(Segment(status, labels[status], counts.get(status, 0), round(x, 2), round(width, 2),
                                COLOURS[status]))  # fmt: skip
        x += width
    return {"width": WIDTH, "height": HEIGHT, "segments": segments, "total": total}
