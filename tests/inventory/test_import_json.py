"""`art28 import-inventory FILE.json`, and the streaming JSON reader under it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from art28.inventory.importers.problems import ProblemLog
from art28.inventory.importers.readers import ByteProgress, InputFile, read_json
from art28.inventory.models import Placement
from tests.inventory.conftest import CSV_EXAMPLE, JSON_EXAMPLE, db_state, run_import

pytestmark = pytest.mark.django_db


def test_the_json_document_imports_the_same_inventory_as_the_csv_folder():
    run = run_import(JSON_EXAMPLE)
    assert run.code == 0, run.err
    assert "placements           4         0         0" in run.out
    from_json = db_state()

    again = run_import(CSV_EXAMPLE)

    # Same rows, same values: the CSV import of the same inventory finds nothing to change.
    assert again.code == 0, again.err
    for entity in ("sites", "customers", "assets", "placements", "flows"):
        assert f"{entity:12}{0:>10}{0:>10}" in again.out, again.out
    from_csv = db_state()
    from_json.pop("audit_entries"), from_csv.pop("audit_entries")
    assert from_csv == from_json


def test_lists_numbers_and_nulls_are_read_as_their_csv_equivalents(tmp_path):
    document = json.loads(JSON_EXAMPLE.read_text())
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(document), "utf-8")

    assert run_import(path).code == 0

    acme_db = Placement.objects.get(customer__ref="ACME", asset__ref="zrh1-db-1")
    assert (acme_db.subjects, acme_db.records) == (1200, 1200)  # numeric strings
    vol = Placement.objects.get(customer__ref="ACME", asset__ref="gva1-vol-7")
    assert vol.data_categories == "contact details;orders"  # a JSON list, sorted, without duplicates


def test_a_json_file_is_found_by_its_suffix_and_named_by_its_file_name_in_problems(tmp_path):
    path = tmp_path / "export.JSON"
    path.write_text('{"sites": [\n  {"code": "GVA1", "name": "Geneva", "country": "Switzerland"}\n]}\n', "utf-8")

    run = run_import(path)

    assert run.code == 1
    assert run.problems[0] == "export.JSON:2: country: 'Switzerland' is not an ISO 3166-1 alpha-2 country code"


def test_an_escaped_nul_character_is_reported_and_nothing_is_imported(tmp_path):
    # "\u0000" passes the byte-level check; PostgreSQL text cannot hold it, so it is a problem.
    path = tmp_path / "nul.json"
    path.write_text('{"sites": [\n  {"code": "GVA1", "name": "Gen\\u0000eva", "country": "CH"}\n]}\n', "utf-8")
    before = db_state()

    run = run_import(path)

    assert run.code == 1
    assert run.problems == ["nul.json:2: name: a NUL character, which text may not hold"]
    assert db_state() == before


# --- the streaming reader -------------------------------------------------------------------------


def _read(tmp_path: Path, text: str, *, chunk: int, allow_list: bool = False, keys: set[str] | None = None) -> Any:
    path = tmp_path / "doc.json"
    path.write_text(text, "utf-8")
    problems = ProblemLog()
    seen: list[tuple[str, int, bool]] = []

    def on_key(key: str, line: int, is_list: bool) -> bool:
        seen.append((key, line, is_list))
        return keys is None or key in keys

    file = InputFile(path, path.name, path.stat().st_size)
    items = list(read_json(file, problems, ByteProgress(0, None), on_key=on_key, allow_list=allow_list, chunk=chunk))
    return items, [str(p) for p in problems.kept], seen


DOCUMENT = """{
  "count": 3, "next": null,
  "results": [
    {"id": 1, "name": "first\\nline", "n": 123456789},
    {"id": 2,
     "name": "second"},

    {"id": 3, "tags": ["a", "b"], "n": 3.5}
  ],
  "tail": {"nested": [1, 2]}
}
"""


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 1 << 20])
def test_items_and_their_first_lines_do_not_depend_on_where_chunks_end(tmp_path, chunk):
    items, problems, seen = _read(tmp_path, DOCUMENT, chunk=chunk, keys={"results", "tail"})

    assert problems == []
    assert [(key, line, item.get("id")) for key, line, item in items] == [
        ("results", 4, 1),
        ("results", 5, 2),
        ("results", 8, 3),
        ("tail", 10, None),
    ]
    assert items[0][2] == {"id": 1, "name": "first\nline", "n": 123456789}
    assert items[3][2] == {"nested": [1, 2]}
    assert seen == [("count", 2, False), ("next", 2, False), ("results", 3, True), ("tail", 10, False)]


def test_a_top_level_list_is_read_item_by_item_when_allowed(tmp_path):
    items, problems, _ = _read(tmp_path, '[\n {"a": 1},\n {"a": 2}\n]\n', chunk=4, allow_list=True)
    assert problems == [] and [(line, item) for _, line, item in items] == [(2, {"a": 1}), (3, {"a": 2})]

    _, problems, _ = _read(tmp_path, '[\n {"a": 1}\n]\n', chunk=4, allow_list=False)
    assert problems == ["doc.json:1: -: the top level must be an object"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"sites": [\n  {"code": "A"},\n  {"code": "B",}\n]}', "doc.json:3: -: invalid JSON: Illegal trailing comma"),
        ('{"sites": [\n  {"code": "A"},\n  {"code": "B"\n', "doc.json:4: -: invalid JSON: Expecting ',' delimiter"),
        ('{"sites": [\n  {"code": "A"}\n  {"code": "B"}\n]}', "doc.json:3: -: invalid JSON: expecting ',' or ']'"),
        ('{"sites": [\n  {"code": "A"}\n]}\n]', "doc.json:4: -: invalid JSON: extra data after the top-level value"),
        ('\n\n"just a string"', "doc.json:3: -: the top level must be an object"),
        ("", "doc.json:0: -: the file is empty (expected an object)"),
        ('{"sites": [\n  {"code": "A"},\n', "doc.json:3: -: invalid JSON: the file ends inside a list"),
    ],
)
def test_a_syntax_error_is_reported_once_with_its_line(tmp_path, text, expected):
    _, problems, _ = _read(tmp_path, text, chunk=5)
    assert len(problems) == 1 and problems[0].startswith(expected), problems
