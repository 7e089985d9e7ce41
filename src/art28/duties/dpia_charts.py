"""The DPIA pack's two small pictures, drawn as inline SVG from the stored pack (the numbers are also in the
text next to them): the incidents by ENISA level as bars, the measures by evidence status as one stacked
bar. Labels come from the pack, already in its language; every text is escaped (core.svg)."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString, mark_safe

from art28.core.svg import shorten, svg_text

LEVEL_COLOURS = {"low": "#2e7d4f", "medium": "#b7791f", "high": "#c05621", "very_high": "#c53030"}
STATUS_COLOURS = {"effective": "#2e7d4f", "stale": "#b7791f", "failing": "#c53030"}
GREY = "#a0aec0"
WIDTH, LABEL_WIDTH, ROW, BAR = 460, 150, 24, 16


def severity_bars(rows: list[dict[str, Any]]) -> SafeString:
    """One bar per level (``{"level", "text", "count"}``), the longest filling the width."""
    largest = max((row["count"] for row in rows), default=0) or 1
    area = WIDTH - LABEL_WIDTH - 40
    parts = []
    for index, row in enumerate(rows):
        y = index * ROW + 4
        width = row["count"] / largest * area
        parts.append(svg_text(LABEL_WIDTH - 8, y + BAR - 3, shorten(row["text"], LABEL_WIDTH - 12),
                              text_anchor="end", font_size=11))  # fmt: skip
        if row["count"]:
            colour = LEVEL_COLOURS.get(row["level"], GREY)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{colour}"/>')
        parts.append(svg_text(LABEL_WIDTH + width + 6, y + BAR - 3, str(row["count"]), font_size=11))
    height = len(rows) * ROW + 8
    return mark_safe(  # noqa: S308 - every text above is escaped by svg_text; the numbers are ours
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, sans-serif">{"".join(parts)}</svg>'
    )


def status_bar(rows: list[dict[str, Any]]) -> SafeString | None:
    """The measures by status (``{"status", "text", "count"}``) as one bar cut in proportion; None if none."""
    total = sum(row["count"] for row in rows)
    if not total:
        return None
    parts, x = [], 0.0
    for row in rows:
        width = WIDTH * row["count"] / total
        if width:
            colour = STATUS_COLOURS.get(row["status"], GREY)
            parts.append(f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="18" fill="{colour}"/>')
            if width > 40:
                parts.append(svg_text(x + 4, 13, shorten(f"{row['text']} {row['count']}", width - 8),
                                      font_size=10, fill="#ffffff"))  # fmt: skip
        x += width
    return mark_safe(  # noqa: S308 - every text above is escaped by svg_text; the numbers are ours
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="18" viewBox="0 0 {WIDTH} 18" '
        f'font-family="DejaVu Sans, sans-serif">{"".join(parts)}</svg>'
    )
