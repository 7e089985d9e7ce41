"""A server-rendered SVG picture of where one organisation's data is (S1): countries, sites, flows.

``residency_diagram`` is a pure function of an ``OrganisationResidency``: one column per country
(allowed countries first, then the others, then "unknown"), a box per site with the number of the
organisation's placements there, and an arrow per (source, destination, kind) of the flows carrying
its data. What breaks the policy is red *and* dashed or labelled, so the picture still reads when
printed in black and white. Every text is escaped before the markup is marked safe.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from art28.core.countries import country_name
from art28.core.svg import shorten, svg_text, wrap
from art28.inventory.models import FlowKind
from art28.portal.diagram_layout import (
    CHAR_W,
    CHAR_W_SMALL,
    COL_GAP,
    COL_W,
    GUTTER,
    LANE_H,
    MARGIN,
    NODE_H,
    NODE_W,
    TOP,
    V_MARGIN,
    V_WIDTH,
    Column,
    Edge,
    Node,
    Route,
    StackedLayout,
    column_left,
    node_height,
    place,
    place_labels,
    route,
    stack,
    stacked_route,
)
from art28.residency.engine import CarriedFlow
from art28.residency.selectors import OrganisationResidency

INK, MUTED, LINE, OK, BAD, BAD_BG, OK_BG, UNKNOWN_BG = (
    "#1d2430",
    "#5b6576",
    "#8a94a6",
    "#1f7a3d",
    "#b3261e",
    "#fdecea",
    "#e7f5ec",
    "#f3f4f6",
)
UNLOCATED = "unlocated"
LEGEND_ROW = 22


def _short(text: str, width: float = NODE_W - 16) -> str:
    return shorten(text, width, CHAR_W)


def _kind_label(kind: str) -> str:
    return str(FlowKind(kind).label) if kind in FlowKind.values else kind


def _target_key(flow: CarriedFlow) -> str:
    if flow.destination_site:
        return f"site:{flow.destination_site}"
    if flow.country:
        return f"country:{flow.country}"
    return UNLOCATED


def _source_key(flow: CarriedFlow) -> str:
    return f"site:{flow.from_site}" if flow.from_site else UNLOCATED


def _nodes(residency: OrganisationResidency) -> dict[str, tuple[str, Node]]:
    """Every box to draw, keyed, with the country of the column it belongs in."""
    per_site = Counter(p.site for p in residency.placements)
    nodes: dict[str, tuple[str, Node]] = {}
    for site in residency.sites:
        count = per_site.get(site.code, 0)
        place = ", ".join(part for part in (site.name, site.city) if part)
        held = (
            ngettext("%(count)s placement", "%(count)s placements", count) % {"count": count}
            if count
            else _("receives flows only")
        )
        operator = _("colocation: %(operator)s") % {"operator": site.operator} if site.operator else ""
        tooltip = " · ".join(part for part in (site.code, place, operator, held) if part)
        nodes[f"site:{site.code}"] = (site.country, Node(f"site:{site.code}", [site.code, place, held], tooltip))
    for flow in residency.flows:
        key = _target_key(flow)
        if key.startswith("country:") and key not in nodes:
            name = country_name(flow.country or "")
            nodes[key] = (
                flow.country or "",
                Node(key, [name, _("no site given")], _("%(country)s (no site given)") % {"country": name}),
            )
    unlocated = per_site.get(None, 0)
    needs_unlocated = unlocated or any(UNLOCATED in (_source_key(f), _target_key(f)) for f in residency.flows)
    if needs_unlocated:
        held = ngettext("%(count)s placement", "%(count)s placements", unlocated) % {"count": unlocated}
        label = _("Location not recorded")
        nodes[UNLOCATED] = ("", Node(UNLOCATED, [label, held if unlocated else ""], f"{label} · {held}"))
    return nodes


def _columns(residency: OrganisationResidency, nodes: dict[str, tuple[str, Node]]) -> list[Column]:
    allowed = set(residency.organisation.allowed_country_list)
    by_country: dict[str, list[Node]] = defaultdict(list)
    for country, node in nodes.values():
        by_country[country or ""].append(node)
    order = sorted(by_country, key=lambda c: (c == "", c not in allowed, c))
    return [Column(country=c, allowed=c in allowed, nodes=by_country[c]) for c in order]


def _edges(residency: OrganisationResidency) -> list[Edge]:
    allowed = set(residency.organisation.allowed_country_list)
    counts: Counter[tuple[str, str, str, bool]] = Counter()
    for flow in residency.flows:
        leaves = flow.country is None or flow.country not in allowed
        counts[(_source_key(flow), _target_key(flow), flow.kind, leaves)] += 1
    return [Edge(s, t, k, leaves, n) for (s, t, k, leaves), n in sorted(counts.items())]


_text = svg_text


def _frame_style(column: Column) -> tuple[str, str, str, str, str]:
    """A country's frame, wide or stacked: its title, status line, stroke, fill and dash."""
    if column.country:
        title = f"{country_name(column.country)} ({column.country})"
        status = _("allowed") if column.allowed else _("NOT ALLOWED")
    else:
        title, status = _("Unknown country"), _("cannot be checked")
    stroke, fill = (OK, OK_BG) if column.allowed else (BAD, BAD_BG if column.country else UNKNOWN_BG)
    dash = "" if column.allowed else ' stroke-dasharray="6 3"'
    return title, status, stroke, fill, dash


def _column_svg(column: Column, index: int, height: float) -> str:
    x = column_left(index)
    title, status, stroke, fill, dash = _frame_style(column)
    return (
        f'<g class="column" data-country="{escape(column.country)}">'
        f'<rect x="{x}" y="{TOP}" width="{COL_W}" height="{height:.0f}" rx="8" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="1.5"{dash}/>'
        + _text(x + 10, TOP + 20, _short(title, COL_W - 20), font_weight="700", fill=INK)
        + _text(x + 10, TOP + 37, status, font_size="11", fill=stroke, font_weight="600")
        + "</g>"
    )


def _node_svg(node: Node) -> str:
    parts = [
        f'<g class="site" data-key="{escape(node.key)}"><title>{escape(node.tooltip)}</title>',
        f'<rect x="{node.x:.0f}" y="{node.y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="1"/>',
    ]
    for row, line in enumerate(node.lines):
        if line:
            weight = {"font_weight": "700"} if row == 0 else {}
            parts.append(
                _text(node.x + 8, node.y + 18 + row * 17, _short(line), fill=INK if row == 0 else MUTED, **weight)
            )
    parts.append("</g>")
    return "".join(parts)


def _edge_label(edge: Edge) -> str:
    return _kind_label(edge.kind) + (f" \u00d7{edge.count}" if edge.count > 1 else "")  # multiplication sign


LABEL_HALO = 4  # the white stroke around a label's letters, half of it outside them on each side


def _label_width(edge: Edge) -> float:
    """A flow label's width as drawn, a little generous (its halo included), to keep labels apart."""
    return len(_edge_label(edge)) * (CHAR_W_SMALL + 0.4) + LABEL_HALO


def _edge_svg(edge: Edge, path: Route, source: Node, target: Node, prefix: str) -> str:
    colour = BAD if edge.leaves_policy else LINE
    dash = ' stroke-dasharray="7 4"' if edge.leaves_policy else ""
    marker = f"{prefix}-arrow-bad" if edge.leaves_policy else f"{prefix}-arrow"
    label = _edge_label(edge)
    state = "leaves-policy" if edge.leaves_policy else "within-policy"
    return (
        f'<g class="flow {state}" data-from="{escape(edge.source)}" data-to="{escape(edge.target)}">'
        f"<title>{escape(label)}: {escape(source.tooltip)} → {escape(target.tooltip)}</title>"
        f'<path d="{path.path}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"{dash} '
        f'marker-end="url(#{marker})"/>'
        + _text(
            path.label_x,
            path.label_y,
            label,
            text_anchor=path.label_anchor,
            font_size="11",
            fill=BAD if edge.leaves_policy else INK,
            stroke="#ffffff",
            stroke_width="4",
            paint_order="stroke",
        )
        + "</g>"
    )


def _legend_svg(x: float, y: float, prefix: str) -> str:
    rows = [
        (
            f'<rect x="{x}" y="{y - 11}" width="26" height="14" rx="3" fill="#fff" stroke="{INK}"/>',
            _("site, with your placements there"),
        ),
        (
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 26}" y2="{y - 4}" stroke="{LINE}" stroke-width="2" '
            f'marker-end="url(#{prefix}-arrow)"/>',
            _("flow that stays in the allowed countries"),
        ),
        (
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 26}" y2="{y - 4}" stroke="{BAD}" stroke-width="2" '
            f'stroke-dasharray="7 4" marker-end="url(#{prefix}-arrow-bad)"/>',
            _("flow that leaves the allowed countries, or goes somewhere unknown"),
        ),
        (
            f'<rect x="{x}" y="{y - 11}" width="26" height="14" rx="3" fill="{BAD_BG}" stroke="{BAD}" '
            f'stroke-dasharray="6 3"/>',
            _("country not allowed by the policy, or unknown"),
        ),
    ]
    parts = [f'<g class="legend">{_text(x, y, _("Legend"), font_weight="700", fill=INK)}']
    for row, (symbol, label) in enumerate(rows, start=1):
        dy = row * LEGEND_ROW
        parts.append(f'<g transform="translate(0 {dy})">{symbol}{_text(x + 36, y, label, fill=INK)}</g>')
    parts.append("</g>")
    return "".join(parts)


def _description(residency: OrganisationResidency, edges: list[Edge], nodes: dict[str, tuple[str, Node]]) -> str:
    countries = ", ".join(country_name(c) for c in residency.countries) or _("no known country")
    sites = len(residency.sites)
    text = ngettext(
        "The data is stored or received at %(sites)s site, in: %(countries)s.",
        "The data is stored or received at %(sites)s sites, in: %(countries)s.",
        sites,
    ) % {"sites": sites, "countries": countries}
    leaving = [e for e in edges if e.leaves_policy]
    if leaving:
        described = "; ".join(
            f"{_kind_label(e.kind)}: {nodes[e.source][1].lines[0]} → {nodes[e.target][1].lines[0]}" for e in leaving
        )
        text += " " + _("Flows leaving the allowed countries: %(flows)s.") % {"flows": described}
    else:
        text += " " + _("No flow leaves the allowed countries.")
    return text


def _prefix(id_prefix: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", id_prefix.lower()) or "residency"


def _svg_start(
    residency: OrganisationResidency,
    edges: list[Edge],
    nodes: dict[str, tuple[str, Node]],
    *,
    css_class: str,
    width: float,
    height: float,
    prefix: str,
) -> list[str]:
    """The ``<svg>`` element's opening: size, accessible title and description, arrowheads, background."""
    title = _("Where the data of %(name)s is") % {"name": residency.organisation.name}
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(_description(residency, edges, nodes))}</desc>',
        "<defs>",
        *(
            f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" '
            f'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in (("arrow", LINE), ("arrow-bad", BAD))
        ),
        "</defs>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]


def _allowed_line(residency: OrganisationResidency) -> str:
    allowed = ", ".join(f"{country_name(c)} ({c})" for c in residency.organisation.allowed_country_list)
    return _("Allowed countries: %(countries)s") % {"countries": allowed}


def residency_diagram(residency: OrganisationResidency, *, id_prefix: str = "residency") -> SafeString:
    """The SVG markup (safe to insert in a page) picturing ``residency``, one column per country."""
    prefix = _prefix(id_prefix)
    nodes = _nodes(residency)
    columns = _columns(residency, nodes)
    edges = _edges(residency)
    column_h = place(columns)
    by_key = {key: node for key, (_country, node) in nodes.items()}
    lanes_top = TOP + column_h + 22
    routes, lanes = route(edges, by_key, lanes_top)
    routes = place_labels(routes, [_label_width(edge) for edge in edges])

    width = max(560, GUTTER + MARGIN + len(columns) * COL_W + max(0, len(columns) - 1) * COL_GAP)
    legend_y = lanes_top + lanes * LANE_H + 24
    height = legend_y + 4 * LEGEND_ROW + 16

    parts = _svg_start(residency, edges, nodes, css_class="diagram", width=width, height=height, prefix=prefix)
    parts.append(_text(GUTTER, 26, _allowed_line(residency), font_weight="600", fill=INK))
    parts += [_column_svg(column, index, column_h) for index, column in enumerate(columns)]
    parts += [_node_svg(node) for column in columns for node in column.nodes]

    parts += [
        _edge_svg(edge, path, by_key[edge.source], by_key[edge.target], prefix)
        for edge, path in zip(edges, routes, strict=True)
    ]
    parts.append(_legend_svg(GUTTER, legend_y, prefix))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above went through escape()


# The stacked picture (phones): the same boxes and arrows, countries one under the other.
V_LINE = 16  # between two lines of wrapped text
BOLD_CHAR_W = 6.9


def _band_svg(layout: StackedLayout, index: int) -> str:
    band = layout.bands[index]
    column = band.column
    x, width = layout.gutter, V_WIDTH - V_MARGIN - layout.gutter
    title, status, stroke, fill, dash = _frame_style(column)
    return (
        f'<g class="column" data-country="{escape(column.country)}">'
        f'<rect x="{x:.0f}" y="{band.y:.0f}" width="{width:.0f}" height="{band.height:.0f}" rx="8" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="1.5"{dash}/>'
        + _text(x + 10, band.y + 20, shorten(title, width - 20, BOLD_CHAR_W), font_weight="700", fill=INK)
        + _text(x + 10, band.y + 37, status, font_size="11", fill=stroke, font_weight="600")
        + "</g>"
    )


def _stacked_node_svg(node: Node, layout: StackedLayout, outgoing: int) -> str:
    width = layout.box_width
    parts = [
        f'<g class="site" data-key="{escape(node.key)}"><title>{escape(node.tooltip)}</title>',
        f'<rect x="{node.x:.0f}" y="{node.y:.0f}" width="{width:.0f}" height="{node_height(outgoing):.0f}" rx="6" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="1"/>',
    ]
    for row, line in enumerate(node.lines):
        if line:
            weight = {"font_weight": "700"} if row == 0 else {}
            parts.append(
                _text(
                    node.x + 8,
                    node.y + 18 + row * 17,
                    shorten(line, width - 16, BOLD_CHAR_W if row == 0 else CHAR_W),
                    fill=INK if row == 0 else MUTED,
                    **weight,
                )
            )
    parts.append("</g>")
    return "".join(parts)


ROW_ARROW_START = 22  # the arrow starts inside its row of the source box, left of the row's text


def _stacked_edge_svg(edge: Edge, index: int, layout: StackedLayout, source: Node, target: Node, prefix: str) -> str:
    colour = BAD if edge.leaves_policy else LINE
    dash = ' stroke-dasharray="7 4"' if edge.leaves_policy else ""
    marker = f"{prefix}-arrow-bad" if edge.leaves_policy else f"{prefix}-arrow"
    kind = _edge_label(edge)
    state = "leaves-policy" if edge.leaves_policy else "within-policy"
    text_x = source.x + ROW_ARROW_START + 6
    label = shorten(f"{kind} → {target.lines[0]}", source.x + layout.box_width - 6 - text_x, CHAR_W_SMALL)
    path = stacked_route(layout, index, source, target, start=ROW_ARROW_START)
    return (
        f'<g class="flow {state}" data-from="{escape(edge.source)}" data-to="{escape(edge.target)}">'
        f"<title>{escape(kind)}: {escape(source.tooltip)} → {escape(target.tooltip)}</title>"
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"{dash} '
        f'marker-end="url(#{marker})"/>'
        + _text(text_x, layout.rows[index] + 4, label, font_size="11", fill=BAD if edge.leaves_policy else INK)
        + "</g>"
    )


def _stacked_legend_svg(y: float, prefix: str) -> tuple[str, float]:
    """The legend, its labels wrapped to the narrow picture; returns the markup and the y below it."""
    x, text_x = V_MARGIN + 4, V_MARGIN + 40
    symbols = [
        f'<rect x="{x}" y="{{y}}" width="26" height="14" rx="3" fill="#fff" stroke="{INK}"/>',
        f'<line x1="{x}" y1="{{y7}}" x2="{x + 26}" y2="{{y7}}" stroke="{LINE}" stroke-width="2" '
        f'marker-end="url(#{prefix}-arrow)"/>',
        f'<line x1="{x}" y1="{{y7}}" x2="{x + 26}" y2="{{y7}}" stroke="{BAD}" stroke-width="2" '
        f'stroke-dasharray="7 4" marker-end="url(#{prefix}-arrow-bad)"/>',
        f'<rect x="{x}" y="{{y}}" width="26" height="14" rx="3" fill="{BAD_BG}" stroke="{BAD}" '
        f'stroke-dasharray="6 3"/>',
    ]
    labels = [
        _("site, with your placements there"),
        _("flow that stays in the allowed countries"),
        _("flow that leaves the allowed countries, or goes somewhere unknown"),
        _("country not allowed by the policy, or unknown"),
    ]
    parts = [f'<g class="legend">{_text(x, y, _("Legend"), font_weight="700", fill=INK)}']
    y += 10
    for symbol, label in zip(symbols, labels, strict=True):
        parts.append(symbol.format(y=f"{y:.0f}", y7=f"{y + 7:.0f}"))
        for line in wrap(label, V_WIDTH - V_MARGIN - text_x, CHAR_W):
            parts.append(_text(text_x, y + 12, line, fill=INK))
            y += V_LINE
        y += 8
    parts.append("</g>")
    return "".join(parts), y


def residency_diagram_stacked(residency: OrganisationResidency, *, id_prefix: str = "residency") -> SafeString:
    """The same picture for a phone: countries stacked top to bottom, each flow listed in its source box.

    Drawn ``V_WIDTH`` wide so that, shown across a 390 px phone, its smallest text (11) is not shrunk."""
    prefix = _prefix(id_prefix) + "-stacked"
    nodes = _nodes(residency)
    columns = _columns(residency, nodes)
    edges = _edges(residency)
    by_key = {key: node for key, (_country, node) in nodes.items()}
    heading = wrap(_allowed_line(residency), V_WIDTH - 2 * V_MARGIN, BOLD_CHAR_W)
    top = 22 + len(heading) * V_LINE
    layout = stack(columns, edges, by_key, top)
    outgoing = Counter(edge.source for edge in edges)
    legend, bottom = _stacked_legend_svg(layout.height + 30, prefix)
    height = bottom + 4

    parts = _svg_start(
        residency, edges, nodes, css_class="diagram-stacked", width=V_WIDTH, height=height, prefix=prefix
    )
    parts += [_text(V_MARGIN, 20 + row * V_LINE, line, font_weight="600", fill=INK) for row, line in enumerate(heading)]
    parts += [_band_svg(layout, index) for index in range(len(layout.bands))]
    parts += [_stacked_node_svg(node, layout, outgoing[node.key]) for column in columns for node in column.nodes]
    parts += [
        _stacked_edge_svg(edge, index, layout, by_key[edge.source], by_key[edge.target], prefix)
        for index, edge in enumerate(edges)
    ]
    parts.append(legend)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above went through escape()
