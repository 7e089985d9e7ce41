"""Hostile input files (issue 10 item 3): JSON nested past any sane depth and files past any sane size are
refused as ``FILE:line: -: reason``, with exit status 1 and nothing changed, never a traceback
(``RecursionError``) and never read to the end. The limits are ART28_IMPORT_MAX_JSON_DEPTH and
ART28_IMPORT_MAX_FILE_BYTES (docs/import-formats.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.inventory.conftest import CSV_EXAMPLE, JSON_EXAMPLE, NETBOX_EXAMPLE, db_state, run_import

pytestmark = pytest.mark.django_db

TOO_DEEP = "nested more than 32 levels deep (the limit, ART28_IMPORT_MAX_JSON_DEPTH)"
# Far beyond Python's recursion limit (1,000): json's C decoder would end in RecursionError.
ABYSS = 200_000


@pytest.fixture(autouse=True)
def _netbox_country_field(settings):
    settings.ART28_NETBOX_COUNTRY_FIELD = "iso_country"


@pytest.fixture
def imported() -> dict:
    """The documented example, already imported: a refused file must leave it exactly as it is."""
    assert run_import(CSV_EXAMPLE).code == 0
    return db_state()


def _nested_object(levels: int) -> str:
    """``{"a": {"a": … {} …}}``: ``levels`` objects deep."""
    return '{"a": ' * (levels - 1) + "{}" + "}" * (levels - 1)


def _abyss() -> str:
    return "[" * ABYSS + "]" * ABYSS


def _assert_refused(run, expected: list[str], before: dict) -> None:
    assert run.code == 1
    assert run.problems == expected
    assert "Traceback" not in run.err and "RecursionError" not in run.err
    assert db_state() == before


def test_json_list_item_nested_beyond_the_recursion_limit_is_refused(imported, tmp_path):
    path = tmp_path / "inventory.json"
    path.write_text('{"sites": [\n' + _abyss() + "\n]}\n")
    _assert_refused(run_import(path), [f"inventory.json:2: -: {TOO_DEEP}"], imported)


def test_json_top_level_value_nested_beyond_the_recursion_limit_is_refused(imported, tmp_path):
    path = tmp_path / "inventory.json"
    path.write_text('{\n"comment": ' + _abyss() + "\n}\n")
    unknown = "inventory.json:2: comment: unknown section (expected: sites, customers, assets, placements, flows)"
    _assert_refused(run_import(path), [unknown, f"inventory.json:2: -: {TOO_DEEP}"], imported)


def test_json_top_level_list_nested_too_deep_is_refused(imported, tmp_path):
    """A plain top-level list (allowed for netbox) holds items at depth 1."""
    folder = tmp_path / "nb"
    folder.mkdir()
    path = folder / "devices.json"
    path.write_text("[\n" + _abyss() + "\n]\n")
    _assert_refused(run_import(folder, "--format", "netbox"), [f"devices.json:2: -: {TOO_DEEP}"], imported)


def _netbox_with_config_context(folder: Path, context: str) -> int:
    """The example NetBox lists with the first device's config context (any JSON a user stored in NetBox)
    replaced by ``context``; returns the line the device starts on."""
    shutil.copytree(NETBOX_EXAMPLE, folder)
    text = json.dumps(json.loads((folder / "devices.json").read_text()), indent=1)
    marker = '"name": "gva1-host-3",'
    device_line = text[: text.rindex("{", 0, text.index(marker))].count("\n") + 1
    (folder / "devices.json").write_text(text.replace(marker, marker + ' "config_context": ' + context + ",", 1))
    return device_line


def test_a_field_nested_past_the_limit_but_within_python_is_refused_too(imported, tmp_path):
    """33 levels in all (the envelope, its results, the device, then 30 objects): past the limit of 32."""
    device_line = _netbox_with_config_context(tmp_path / "netbox", _nested_object(30))
    _assert_refused(run_import(tmp_path / "netbox"), [f"devices.json:{device_line}: -: {TOO_DEEP}"], imported)


def test_nesting_up_to_the_limit_is_read(tmp_path):
    """32 levels: the envelope, its results, the device and 29 objects in its config context."""
    _netbox_with_config_context(tmp_path / "netbox", _nested_object(29))
    assert run_import(tmp_path / "netbox").code == 0


def test_the_depth_limit_is_a_setting(imported, tmp_path, settings):
    settings.ART28_IMPORT_MAX_JSON_DEPTH = 3  # the document, a list, an object: no nested field allowed
    before = imported
    run = run_import(JSON_EXAMPLE)
    assert run.code == 1
    assert run.problems[0].endswith("-: nested more than 3 levels deep (the limit, ART28_IMPORT_MAX_JSON_DEPTH)")
    assert db_state() == before


def test_netbox_device_nested_beyond_the_recursion_limit_is_refused(imported, tmp_path):
    device_line = _netbox_with_config_context(tmp_path / "netbox", _abyss())
    _assert_refused(run_import(tmp_path / "netbox"), [f"devices.json:{device_line}: -: {TOO_DEEP}"], imported)


def test_netbox_key_not_read_is_still_refused_when_too_deep(imported, tmp_path):
    """A key the importer skips (``previous``) is decoded to be skipped: it must not recurse either."""
    folder = tmp_path / "netbox"
    shutil.copytree(NETBOX_EXAMPLE, folder)
    text = (folder / "devices.json").read_text()
    (folder / "devices.json").write_text(text.replace('"previous": null', '"previous": ' + _abyss(), 1))
    not_a_list = 'devices.json:1: -: expected a NetBox API list: a list or {"count", "next", "results"}'
    _assert_refused(run_import(folder), [not_a_list, f"devices.json:4: -: {TOO_DEEP}"], imported)


def _sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk space (a hole): the importer must not read it."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


HUGE = (1 << 30) + 1  # one byte past the default limit (1 GiB)


def swiss(number: int) -> str:
    """The Swiss grouping of the message (art28.formats): 1’073’741’825."""
    return f"{number:,}".replace(",", "’")


TOO_BIG = f"the file has {swiss(HUGE)} bytes, more than the limit of {swiss(1 << 30)} (ART28_IMPORT_MAX_FILE_BYTES)"


def test_a_json_file_past_the_size_limit_is_refused_unread(imported, tmp_path):
    path = _sparse(tmp_path / "inventory.json", HUGE)
    _assert_refused(run_import(path), [f"inventory.json:0: -: {TOO_BIG}"], imported)


def test_csv_and_netbox_files_past_the_size_limit_are_refused_unread(imported, tmp_path):
    csv_folder = tmp_path / "csv"
    shutil.copytree(CSV_EXAMPLE, csv_folder)
    _sparse(csv_folder / "placements.csv", HUGE)
    _assert_refused(run_import(csv_folder), [f"placements.csv:0: -: {TOO_BIG}"], imported)

    netbox_folder = tmp_path / "netbox"
    shutil.copytree(NETBOX_EXAMPLE, netbox_folder)
    _sparse(netbox_folder / "devices.json", HUGE)
    _sparse(netbox_folder / "sites.json", HUGE)
    expected = [f"devices.json:0: -: {TOO_BIG}", f"sites.json:0: -: {TOO_BIG}"]
    _assert_refused(run_import(netbox_folder), expected, imported)


def test_the_size_limit_is_a_setting(imported, settings):
    settings.ART28_IMPORT_MAX_FILE_BYTES = 100
    run = run_import(JSON_EXAMPLE)
    size = JSON_EXAMPLE.stat().st_size
    assert run.code == 1
    assert run.problems == [
        f"inventory.json:0: -: the file has {swiss(size)} bytes, more than the limit of 100 "
        "(ART28_IMPORT_MAX_FILE_BYTES)"
    ]
    assert db_state() == imported


def test_the_art28_command_refuses_a_hostile_file_without_a_traceback(tmp_path):
    """The real console script, in its own process and database, on deep nesting and on a huge file."""
    deep = tmp_path / "inventory.json"
    deep.write_text('{"sites": [' + _abyss() + "]}")
    huge = _sparse(tmp_path / "huge.json", HUGE)
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "ART28_DATA_DIR": str(tmp_path)}
    art28 = Path(sys.executable).parent / "art28"
    subprocess.run([art28, "migrate", "-v0"], env=env, check=True, timeout=120)

    for path, expected in [(deep, f"inventory.json:1: -: {TOO_DEEP}"), (huge, f"huge.json:0: -: {TOO_BIG}")]:
        proc = subprocess.run([art28, "import-inventory", path], env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 1, proc.stderr
        assert proc.stdout == ""
        assert "Traceback" not in proc.stderr
        assert proc.stderr.splitlines()[0] == expected
