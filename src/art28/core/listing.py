"""Sortable, exportable staff lists: a whitelist of sort keys per list, and a CSV of the filtered rows.

A list declares its sortable columns (``Column``: the ``?sort=`` key, the heading, the model fields to
order by). ``sort_state`` reads ``?sort=key`` or ``?sort=-key``; an unknown key is ignored and the list
keeps its default order, so user input never reaches ``order_by`` (OWASP ASVS 5.0 V1.2 injection
prevention). ``csv_response`` streams the same filtered, sorted rows; a cell that a spreadsheet would
read as a formula is prefixed with an apostrophe (OWASP "CSV Injection").
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.functional import Promise

T = TypeVar("T")
SORT_PARAM = "sort"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A sortable column: ``key`` in the URL, ``label`` in the header, ``fields`` for ``order_by``."""

    key: str
    label: str | Promise
    fields: tuple[str, ...]


@dataclass(frozen=True)
class HeaderCell:
    key: str
    label: str | Promise
    sorted: str  # "ascending", "descending" or "" (the aria-sort value)
    toggle: str  # the ?sort= value the header link sets


@dataclass(frozen=True)
class SortState:
    key: str  # "" when the default order applies
    descending: bool
    columns: tuple[Column, ...]

    def ordering(self) -> tuple[str, ...]:
        """The ``order_by`` arguments of the chosen column (then ``pk``); empty for the default order."""
        column = next((c for c in self.columns if c.key == self.key), None)
        if column is None:
            return ()
        prefix = "-" if self.descending else ""
        return (*(f"{prefix}{field}" for field in column.fields), f"{prefix}pk")

    def order(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The queryset ordered by the chosen column (then ``pk``, for a stable page order)."""
        ordering = self.ordering()
        return queryset.order_by(*ordering) if ordering else queryset

    def sort_list(self, items: list[T], root: Callable[[T], object] = lambda item: item) -> list[T]:
        """A list already in memory sorted as ``order`` would sort a queryset (fields as ``a__b`` paths
        on ``root(item)``; empty values first, text without regard to case)."""
        column = next((c for c in self.columns if c.key == self.key), None)
        if column is None:
            return items

        def key(item: T) -> tuple[tuple[bool, object], ...]:
            values = []
            for field in column.fields:
                value: object = root(item)
                for part in field.split("__"):
                    value = getattr(value, part, None) if value is not None else None
                if isinstance(value, str):
                    value = value.casefold()
                values.append((value is not None, "" if value is None else value))
            return tuple(values)

        return sorted(items, key=key, reverse=self.descending)

    def header(self) -> dict[str, HeaderCell]:
        """One header cell per sortable column, by key, for ``core/_sort_header.html``."""
        cells = {}
        for column in self.columns:
            active = column.key == self.key
            sorted_ = ("descending" if self.descending else "ascending") if active else ""
            toggle = f"-{column.key}" if active and not self.descending else column.key
            cells[column.key] = HeaderCell(column.key, column.label, sorted_, toggle)
        return cells


def sort_state(request: HttpRequest, columns: Sequence[Column]) -> SortState:
    """The sort asked for by ``?sort=``; anything not in ``columns`` means the default order."""
    raw = request.GET.get(SORT_PARAM, "")
    descending = raw.startswith("-")
    key = raw[1:] if descending else raw
    if key not in {c.key for c in columns}:
        return SortState("", False, tuple(columns))
    return SortState(key, descending, tuple(columns))


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def csv_cell(value: object) -> str:
    """One cell, with a formula-looking start neutralised by a leading apostrophe (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(header: Sequence[str | Promise], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_response(
    filename: str,
    header: Sequence[str | Promise],
    queryset: QuerySet[Any],
    row: Callable[[Any], Sequence[object]],
) -> StreamingHttpResponse:
    """Stream every row of ``queryset`` (no pagination) through ``row`` as a CSV download."""
    objects: Iterable[Model] = queryset.iterator(chunk_size=500)
    return csv_download(filename, header, (row(obj) for obj in objects))


def csv_download(
    filename: str, header: Sequence[str | Promise], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """Stream ``rows`` (already built, e.g. from a list in memory) as a CSV download."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
