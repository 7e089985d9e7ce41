"""Geometry of the residency diagram: where boxes sit and how arrows run between them.

Arrows never cross a box: between neighbouring columns an arrow is a curve through the gap; between
boxes of one column it bends out on the left; any longer or backward arrow drops into its own lane
below the columns, runs along it and climbs back up to its target. Each arrow gets its own port on
the side of a box, so arrows leaving one box do not start on top of each other.

Each arrow's label sits on its own arrow, halfway along it where that place is free; where an earlier
label holds it (two arrows crossing in the gap between columns meet halfway, arrows from one box run
close together), the label moves along its arrow, and only if the whole arrow is taken above or below
it, so that no two labels are drawn over each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

GUTTER = 100  # left of the first column: arrows between boxes of one column
MARGIN = 20
TOP = 44  # room for the "allowed countries" line
COL_W = 210
COL_GAP = 110
HEADER_H = 46
NODE_W = COL_W - 20
NODE_H = 62
NODE_GAP = 18
LANE_H = 18
CHAR_W = 6.4  # average glyph width at 12px, to shorten labels that would overflow a box
LABEL_H = 14  # the height of an 11 px label's box, from above its capitals to below its descenders
LABEL_ALONG = (0.5, 0.35, 0.65, 0.22, 0.78)  # where along its arrow a label may sit, best first


@dataclass
class Node:
    key: str
    lines: list[str]
    tooltip: str
    column: int = 0
    x: float = 0
    y: float = 0

    @property
    def cy(self) -> float:
        return self.y + NODE_H / 2


@dataclass
class Column:
    country: str  # "" for an unknown country
    allowed: bool
    nodes: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    leaves_policy: bool
    count: int


@dataclass(frozen=True)
class Route:
    path: str  # SVG path data
    label_x: float  # the label's centre (text-anchor middle) and baseline
    label_y: float
    label_anchor: str
    # Other places on the arrow for its label (centre, baseline), best first, if the first one is taken.
    along: tuple[tuple[float, float], ...] = ()


def _bezier(p0: float, p1: float, p2: float, p3: float, t: float) -> float:
    u = 1 - t
    return u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3


def _on_curve(
    start: tuple[float, float], c1: tuple[float, float], c2: tuple[float, float], end: tuple[float, float], dy: float
) -> tuple[tuple[float, float], ...]:
    """The label places along a cubic curve (``dy`` from the curve to the label's baseline)."""
    return tuple(
        (_bezier(start[0], c1[0], c2[0], end[0], t), _bezier(start[1], c1[1], c2[1], end[1], t) + dy)
        for t in LABEL_ALONG
    )


def column_left(index: int) -> float:
    return GUTTER + index * (COL_W + COL_GAP)


def column_right(index: int) -> float:
    return column_left(index) + COL_W


def place(columns: list[Column]) -> float:
    """Give every box its position; returns the height of the columns."""
    for index, column in enumerate(columns):
        for row, node in enumerate(column.nodes):
            node.column = index
            node.x = column_left(index) + (COL_W - NODE_W) / 2
            node.y = TOP + HEADER_H + 14 + row * (NODE_H + NODE_GAP)
    rows = max((len(c.nodes) for c in columns), default=0)
    return HEADER_H + 14 + rows * (NODE_H + NODE_GAP)


def _kind(source: Node, target: Node) -> str:
    if source is target:
        return "self"
    if source.column == target.column:
        return "same-column"
    return "neighbour" if target.column == source.column + 1 else "lane"


def _ports(edges: list[Edge], by_key: dict[str, Node]) -> dict[tuple[int, str], float]:
    """The y of each arrow's start ("out") and end ("in"), spread along the side of its box."""
    sides: dict[tuple[str, str], list[tuple[float, int, str]]] = defaultdict(list)
    for index, edge in enumerate(edges):
        source, target = by_key[edge.source], by_key[edge.target]
        kind = _kind(source, target)
        if kind in ("self", "same-column"):
            sides[(source.key, "left")].append((target.cy - 0.5, index, "out"))
            sides[(target.key, "left")].append((source.cy + 0.5, index, "in"))
        elif kind == "neighbour":
            sides[(source.key, "right")].append((target.cy, index, "out"))
            sides[(target.key, "left")].append((source.cy, index, "in"))
        else:  # lanes leave from the bottom of the side, since they run below the columns
            forward = target.column > source.column
            sides[(source.key, "right" if forward else "left")].append((1e9 + index, index, "out"))
            sides[(target.key, "left" if forward else "right")].append((1e9 + index, index, "in"))
    ports: dict[tuple[int, str], float] = {}
    for (key, _side), entries in sides.items():
        node = by_key[key]
        for position, (_order, index, end) in enumerate(sorted(entries)):
            ports[(index, end)] = node.y + NODE_H * (position + 1) / (len(entries) + 1)
    return ports


def route(edges: list[Edge], by_key: dict[str, Node], lanes_top: float) -> tuple[list[Route], int]:
    """A route for each edge (same order) and the number of lanes used below the columns."""
    ports = _ports(edges, by_key)
    routes: list[Route] = []
    lanes = 0
    for index, edge in enumerate(edges):
        source, target = by_key[edge.source], by_key[edge.target]
        y1, y2 = ports[(index, "out")], ports[(index, "in")]
        kind = _kind(source, target)
        if kind in ("self", "same-column"):
            bend = source.x - (40 if kind == "self" else 60) - (index % 3) * 10
            path = f"M{source.x:.0f},{y1:.0f} C{bend:.0f},{y1:.0f} {bend:.0f},{y2:.0f} {target.x:.0f},{y2:.0f}"
            along = tuple((bend + 8, y) for _x, y in _on_curve((0, y1), (0, y1), (0, y2), (0, y2), 4))
            routes.append(Route(path, bend + 8, (y1 + y2) / 2 + 4, "middle", along))
        elif kind == "neighbour":
            x1, x2 = source.x + NODE_W, target.x
            mid = (x1 + x2) / 2
            path = f"M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
            along = _on_curve((x1, y1), (mid, y1), (mid, y2), (x2, y2), -4)
            routes.append(Route(path, mid, (y1 + y2) / 2 - 4, "middle", along))
        else:
            lane_y = lanes_top + lanes * LANE_H
            step = 8 + (lanes % 6) * 9
            if target.column > source.column:
                x1, x2 = source.x + NODE_W, target.x
                down_x, up_x = column_right(source.column) + step, column_left(target.column) - step
            else:
                x1, x2 = source.x, target.x + NODE_W
                down_x, up_x = column_left(source.column) - step, column_right(target.column) + step
            path = f"M{x1:.0f},{y1:.0f} H{down_x:.0f} V{lane_y:.0f} H{up_x:.0f} V{y2:.0f} H{x2:.0f}"
            along = tuple((down_x + (up_x - down_x) * t, lane_y - 4) for t in LABEL_ALONG)
            routes.append(Route(path, (down_x + up_x) / 2, lane_y - 4, "middle", along))
            lanes += 1
    return routes, lanes


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _label_box(x: float, y: float, width: float) -> Box:
    return (x - width / 2, y - LABEL_H + 3, x + width / 2, y + 3)


def _free(box: Box, taken: list[Box]) -> bool:
    left, top, right, bottom = box
    return all(right <= b[0] or b[2] <= left or bottom <= b[1] or b[3] <= top for b in taken)


def place_labels(routes: Sequence[Route], widths: Sequence[float]) -> list[Route]:
    """Each route with its label moved to the first free place (``widths``: each label's drawn width,
    same order): halfway along its arrow, else further along it, else above or below that."""
    taken: list[Box] = []
    placed: list[Route] = []
    for item, width in zip(routes, widths, strict=True):
        first = (item.label_x, item.label_y)
        spots = [first, *(spot for spot in item.along if spot != first)]
        spots += [(first[0], first[1] + sign * step * LABEL_H) for step in range(1, 8) for sign in (-1, 1)]
        x, y = next((spot for spot in spots if _free(_label_box(*spot, width), taken)), first)
        taken.append(_label_box(x, y, width))
        placed.append(replace(item, label_x=x, label_y=y))
    return placed


# The stacked layout, for phones: the countries one under the other, each a band as wide as the picture
# with its sites as full-width boxes. A box also lists the flows leaving it (one row each), and every flow
# is an arrow from its row, out to the left into its own lane of the gutter and back into its target box.
V_WIDTH = 340  # drawn at least this wide on a 390 px phone, so no text is shown below its own size
V_MARGIN = 8
V_BAND_HEADER = 46
V_BAND_PAD = 8
V_BAND_GAP = 12
V_NODE_HEAD = 62  # the box's three lines: code, place, placements
V_FLOW_ROW = 16
V_NODE_GAP = 10
V_LANE_W = 8
V_MAX_LANES = 8
CHAR_W_SMALL = 5.9  # average glyph width at 11px


@dataclass
class Band:
    column: Column
    y: float = 0
    height: float = 0


@dataclass(frozen=True)
class StackedLayout:
    bands: list[Band]
    rows: dict[int, float]  # edge index -> y of its row (and of its arrow's start) in the source box
    ports: dict[int, float]  # edge index -> y where its arrow enters the target box
    lanes: dict[int, int]  # edge index -> its lane in the gutter, 0 next to the boxes
    gutter: float
    height: float  # bottom of the last band

    @property
    def box_left(self) -> float:
        return self.gutter + V_BAND_PAD

    @property
    def box_width(self) -> float:
        return V_WIDTH - V_MARGIN - V_BAND_PAD - self.box_left

    def lane_x(self, index: int) -> float:
        return self.gutter - V_LANE_W * (self.lanes[index] + 1)


def node_height(outgoing: int) -> float:
    return V_NODE_HEAD + (outgoing * V_FLOW_ROW + 4 if outgoing else 0)


def _assign_lanes(spans: list[tuple[float, float, int]]) -> dict[int, int]:
    """Shortest arrows nearest the boxes; an arrow shares a lane only with arrows it does not overlap."""
    taken: list[list[tuple[float, float]]] = []
    lanes: dict[int, int] = {}
    for low, high, index in sorted(spans, key=lambda s: (s[1] - s[0], s[0], s[2])):
        free = [n for n, used in enumerate(taken) if all(high + 6 < a or low - 6 > b for a, b in used)]
        if free:
            lane = free[0]
        else:
            if len(taken) < V_MAX_LANES:
                taken.append([])
            lane = len(taken) - 1  # out of lanes: the outermost is shared
        taken[lane].append((low, high))
        lanes[index] = lane
    return lanes


def stack(columns: list[Column], edges: list[Edge], by_key: dict[str, Node], top: float) -> StackedLayout:
    """Place the bands and boxes from ``top`` down, give each arrow its row, port and lane."""
    outgoing: dict[str, list[int]] = defaultdict(list)
    incoming: dict[str, list[int]] = defaultdict(list)
    for index, edge in enumerate(edges):
        outgoing[edge.source].append(index)
        incoming[edge.target].append(index)
    bands: list[Band] = []
    rows: dict[int, float] = {}
    y = top
    for index, column in enumerate(columns):
        band = Band(column, y=y)
        node_y = y + V_BAND_HEADER
        for node in column.nodes:
            node.column = index
            node.y = node_y
            for row, edge_index in enumerate(outgoing[node.key]):
                rows[edge_index] = node_y + V_NODE_HEAD + row * V_FLOW_ROW + 6
            node_y += node_height(len(outgoing[node.key])) + V_NODE_GAP
        band.height = node_y - V_NODE_GAP + V_BAND_PAD - y
        bands.append(band)
        y += band.height + V_BAND_GAP
    ports: dict[int, float] = {}
    for key, indexes in incoming.items():
        node = by_key[key]
        ordered = sorted(indexes, key=lambda i: (rows[i], i))
        for position, edge_index in enumerate(ordered):
            ports[edge_index] = node.y + V_NODE_HEAD * (position + 1) / (len(ordered) + 1)
    lanes = _assign_lanes([(min(rows[i], ports[i]), max(rows[i], ports[i]), i) for i in range(len(edges))])
    gutter = V_MARGIN + 4 + V_LANE_W * (max(lanes.values(), default=-1) + 1)
    layout = StackedLayout(bands, rows, ports, lanes, gutter, y - V_BAND_GAP if bands else top)
    for band in bands:
        for node in band.column.nodes:
            node.x = layout.box_left
    return layout


def stacked_route(layout: StackedLayout, index: int, source: Node, target: Node, *, start: float = 0) -> str:
    """SVG path data of one arrow: from its row in the source box (``start`` px inside it), out through its
    lane of the gutter and into the left side of the target box."""
    x, y1, y2 = layout.lane_x(index), layout.rows[index], layout.ports[index]
    return f"M{source.x + start:.0f},{y1:.0f} H{x:.0f} V{y2:.0f} H{target.x:.0f}"
