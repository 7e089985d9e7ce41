"""The end of contract as a picture: one lane per place of the customer's data, from the deletion's first day
to the day it is gone (deleted, or expiring with its backup rotation), with the contract's end, the return and
today marked. Server-rendered SVG, readable without scripts; the table below it says the same in words."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from art28.core.svg import shorten, svg_text
from art28.duties.models import DeletionItem, EndOfContract

LANE, LABEL, WIDTH, TOP, MAX_LANES = 22, 170, 720, 34, 40
COLOURS = {"deleted": "#2e7d32", "expiring": "#1565c0", "retained": "#ef6c00", "pending": "#c62828"}


def _end(item: DeletionItem, today: dt.date) -> dt.date:
    if item.deleted_on is not None:
        return item.deleted_on
    if item.retained_until is not None:
        return item.retained_until
    return max(item.gone_on, today) if item.state == "pending" else item.gone_on


def deletion_timeline(case: EndOfContract, items: list[DeletionItem], today: dt.date) -> str:
    """The SVG (a string, safe to insert) or "" when there is nothing to draw."""
    if not items:
        return ""
    shown = items[:MAX_LANES]
    start = min(case.contract_ends_on, case.deletion_from, today)
    end = max([today, case.deletion_from, *(_end(i, today) for i in shown)]) + dt.timedelta(days=1)
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return LABEL + (WIDTH - LABEL - 10) * (day - start).days / span

    height = TOP + LANE * len(shown) + 10
    title = escape(_("When each place of the data is gone"))
    parts = [
        f'<svg class="deletion-timeline" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="timeline-title" width="100%">',
        f'<title id="timeline-title">{title}</title>',
    ]
    marks = [(case.contract_ends_on, _("contract ends")), (today, _("today"))]
    if case.returned_on:
        marks.append((case.returned_on, _("returned")))
    elif case.return_by:
        marks.append((case.return_by, _("return due")))
    for n, (day, label) in enumerate(sorted(marks)):
        parts.append(f'<line x1="{x(day):.0f}" x2="{x(day):.0f}" y1="{TOP - 6}" y2="{height - 6}" '
                     f'stroke="#777" stroke-dasharray="3 3"/>')  # fmt: skip
        parts.append(svg_text(x(day) + 3, 12 + 12 * (n % 2), f"{label} {date_format(day, 'SHORT_DATE_FORMAT')}",
                              font_size=11, fill="#444"))  # fmt: skip
    for row, item in enumerate(shown):
        y = TOP + row * LANE
        left, right = x(case.deletion_from), x(_end(item, today))
        colour = COLOURS[item.state]
        parts.append(svg_text(4, y + 14, shorten(item.where, LABEL - 10), font_size=12))
        tip = f"{escape(item.where)}: {escape(str(item.get_method_display()))}"
        opacity = 0.35 if item.state == "pending" else 0.8
        parts.append(f'<rect x="{left:.0f}" y="{y + 5}" width="{max(right - left, 3):.0f}" height="12" rx="3" '
                     f'fill="{colour}" fill-opacity="{opacity}"><title>{tip}</title></rect>')  # fmt: skip
    if len(items) > MAX_LANES:
        parts.append(svg_text(4, height - 2, _("… and %(n)s more, in the table") % {"n": len(items) - MAX_LANES},
                              font_size=11))  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
