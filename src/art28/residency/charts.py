"""Small horizontal bar charts drawn as server-side SVG (no JavaScript, printable, accessible)."""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT = 26
BAR_HEIGHT = 18


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    href: str
    y: int
    width: float
    text_y: int
    value_x: float


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_area: int


def bar_chart(title: str, items: list[tuple[str, int, str]], *, width: int = 460, label_width: int = 150) -> BarChart:
    """Geometry for ``items`` = (label, value, link) rows, longest bar scaled to the available width."""
    bar_area = width - label_width - 50  # room on the right for the value
    largest = max((value for _, value, _ in items), default=0) or 1
    bars = [
        Bar(
            label=label,
            value=value,
            href=href,
            y=row * ROW_HEIGHT + 4,
            width=round(max(value / largest * bar_area, 2 if value else 0), 1),
            text_y=row * ROW_HEIGHT + 4 + BAR_HEIGHT - 5,
            value_x=round(label_width + max(value / largest * bar_area, 2 if value else 0) + 6, 1),
        )
        for row, (label, value, href) in enumerate(items)
    ]
    return BarChart(
        title=title,
        bars=bars,
        width=width,
        height=max(len(bars), 1) * ROW_HEIGHT + 8,
        label_width=label_width,
        bar_area=bar_area,
    )
