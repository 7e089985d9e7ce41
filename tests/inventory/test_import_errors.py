"""Bad input: every problem is reported as ``file:line: field: message``, the command exits with 1, and
the database is exactly as it was (one transaction per import; DESIGN.md "Habits")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from art28.core.audit import SystemActor
from art28.inventory.importers import ImportFailed, Problem, import_inventory
from art28.inventory.models import Asset
from tests.inventory.conftest import CSV_EXAMPLE, db_state, run_import, write_files

pytestmark = pytest.mark.django_db

UNKNOWN = "(not in the input nor in the database)"
NOT_A_COUNTRY = "is not an ISO 3166-1 alpha-2 country code"
NOT_A_NUMBER = "is not a whole number from 0 to 9223372036854775807"
ASSET_KINDS = "backup_set, bucket, database, host, mailstore, storage_cluster, vm, volume"
FLOW_KINDS = "backup, replication, support_access, transfer"
SITES = "code,name,city,country,operator\n"
CUSTOMERS = "ref,name,country,language,email,allowed_countries\n"
ASSETS = "ref,kind,site,parent,service\n"
PLACEMENTS = "customer,asset,data_categories,subjects,records\n"
FLOWS = "asset,kind,to_asset,to_site,to_country\n"

CASES: dict[str, tuple[dict[str, str | bytes], list[str]]] = {
    "unknown references": (
        {
            "assets.csv": ASSETS + "new-host,host,GVA9,,\nnew-vm,vm,,ghost-host,\n",
            "placements.csv": PLACEMENTS + "NOBODY,gva1-vol-7,,1,1\nACME,no-such-asset,,1,1\n",
            "flows.csv": FLOWS + "ghost,backup,,GVA1,\ngva1-host-3,backup,ghost-2,,\ngva1-host-3,backup,,ghost-site,\n",
        },
        [
            f"assets.csv:2: site: unknown site 'GVA9' {UNKNOWN}",
            f"assets.csv:3: parent: unknown asset 'ghost-host' {UNKNOWN}",
            f"flows.csv:2: asset: unknown asset 'ghost' {UNKNOWN}",
            f"flows.csv:3: to_asset: unknown asset 'ghost-2' {UNKNOWN}",
            f"flows.csv:4: to_site: unknown site 'ghost-site' {UNKNOWN}",
            f"placements.csv:2: customer: unknown customer 'NOBODY' {UNKNOWN}",
            f"placements.csv:3: asset: unknown asset 'no-such-asset' {UNKNOWN}",
        ],
    ),
    "bad countries": (
        {
            "sites.csv": SITES + "X1,Somewhere,,Switzerland,\n",
            "customers.csv": CUSTOMERS + "NEW,New SA,CHE,,,CH;XX\n",
            "flows.csv": FLOWS + "gva1-host-3,transfer,,,ZZ\n",
        },
        [
            f"customers.csv:2: country: 'CHE' {NOT_A_COUNTRY}",
            f"customers.csv:2: allowed_countries: 'XX' {NOT_A_COUNTRY}",
            f"flows.csv:2: to_country: 'ZZ' {NOT_A_COUNTRY}",
            f"sites.csv:2: country: 'Switzerland' {NOT_A_COUNTRY}",
        ],
    ),
    "bad numbers": (
        {"placements.csv": PLACEMENTS + "ACME,gva1-vol-7,,-3,1.5\nBETA,gva1-vm-12,,abc,99999999999999999999\n"},
        [
            f"placements.csv:2: subjects: '-3' {NOT_A_NUMBER}",
            f"placements.csv:2: records: '1.5' {NOT_A_NUMBER}",
            f"placements.csv:3: subjects: 'abc' {NOT_A_NUMBER}",
            f"placements.csv:3: records: '99999999999999999999' {NOT_A_NUMBER}",
        ],
    ),
    "bad kinds, language, e-mail and missing values": (
        {
            "customers.csv": CUSTOMERS + "NEW,New SA,CH,es,not-an-address,\nNEWER,,,,,\n",
            "assets.csv": ASSETS + "srv-1,server,GVA1,,\n,host,GVA1,,\n",
            "flows.csv": FLOWS + "gva1-host-3,copy,,GVA1,\n",
        },
        [
            f"assets.csv:2: kind: 'server' is not one of {ASSET_KINDS}",
            "assets.csv:3: ref: required",
            "customers.csv:2: language: 'es' is not one of de, en, fr, it",
            "customers.csv:2: email: 'not-an-address' is not an e-mail address",
            "customers.csv:3: name: required",
            f"flows.csv:2: kind: 'copy' is not one of {FLOW_KINDS}",
        ],
    ),
    "missing columns": (
        {
            "placements.csv": "customer,asset,data_categories,subjects\nACME,gva1-vol-7,,1\n",
            "sites.csv": "code,name,city,operator\n",
        },
        [
            "placements.csv:1: records: missing column in the header "
            "(expected: customer,asset,data_categories,subjects,records)",
            "sites.csv:1: country: missing column in the header (expected: code,name,city,country,operator)",
        ],
    ),
    "duplicates within the input": (
        {
            "sites.csv": SITES + "X1,One,,CH,\nX1,Two,,CH,\n",
            "customers.csv": CUSTOMERS + "NEW,New SA,,,,\nNEW,New SA,,,,\n",
            "assets.csv": ASSETS + "h1,host,X1,,\nh2,host,X1,,\nh1,host,GVA1,,\n",
            "placements.csv": PLACEMENTS + "NEW,h1,,1,1\nNEW,h2,,1,1\nNEW,h1,,2,2\n",
            "flows.csv": FLOWS + "h1,backup,h2,,\nh1,backup,h2,,\n",
        },
        [
            "assets.csv:4: ref: duplicate asset 'h1' (first at assets.csv:2)",
            "customers.csv:3: ref: duplicate customer 'NEW' (first at customers.csv:2)",
            "flows.csv:3: asset+kind+destination: duplicate flow 'h1 backup h2' (first at flows.csv:2)",
            "placements.csv:4: customer+asset: duplicate placement 'NEW h1' (first at placements.csv:2)",
            "sites.csv:3: code: duplicate site 'X1' (first at sites.csv:2)",
        ],
    ),
    "flows without exactly one destination": (
        {"flows.csv": FLOWS + "gva1-host-3,backup,,,\ngva1-host-3,backup,fra1-backup,ZRH1,\n"},
        [
            "flows.csv:2: to_asset/to_site/to_country: a flow goes to exactly one of to_asset, to_site, to_country "
            "(0 given)",
            "flows.csv:3: to_asset/to_site/to_country: a flow goes to exactly one of to_asset, to_site, to_country "
            "(2 given)",
        ],
    ),
    "cycles in the input": (
        {"assets.csv": ASSETS + "a,vm,,b,\nb,vm,,a,\nself,vm,,self,\n"},
        [
            "assets.csv:2: parent: the asset tree would have a cycle: a → b → a",
            "assets.csv:4: parent: the asset tree would have a cycle: self → self",
        ],
    ),
    "a cycle through assets in the database": (
        # In the database: gva1-vol-7 → gva1-vm-12 → gva1-host-3; the host under the volume closes a loop.
        {"assets.csv": ASSETS + "gva1-host-3,host,GVA1,gva1-vol-7,\n"},
        [
            "assets.csv:2: parent: the asset tree would have a cycle: "
            "gva1-host-3 → gva1-vol-7 → gva1-vm-12 → gva1-host-3"
        ],
    ),
    "malformed CSV": (
        {
            "sites.csv": SITES.encode() + b"X1,Gen\xe8ve,,CH,\nX2,Two,,CH,\nX3,Nul\x00,,CH,\n",
            "customers.csv": CUSTOMERS + 'NEW,"New SA,CH,,,\nNEWER,Newer,CH,,,\n',
            "assets.csv": ASSETS + 'h9,host,"GVA"1,,\nh10,host,GVA1\n\nh11,host,GVA1,,\n',
            "flows.csv": "",
        },
        [
            "assets.csv:2: -: malformed CSV: ',' expected after '\"'",
            "assets.csv:3: -: 3 fields where the header has 5",
            "customers.csv:2: -: malformed CSV: unexpected end of data",
            "flows.csv:1: -: no header row (expected: asset,kind,to_asset,to_site,to_country)",
            "sites.csv:2: -: not valid UTF-8 (byte 0xe8)",
            "sites.csv:4: -: a NUL byte, which text may not hold",
        ],
    ),
}


def _write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir()
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, "utf-8")
    return folder


@pytest.fixture
def imported() -> None:
    """The documented example, already imported: bad input must leave it exactly as it is."""
    assert run_import(CSV_EXAMPLE).code == 0


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_line_by_line_and_changes_nothing(imported, tmp_path, case):
    files, expected = CASES[case]
    folder = _write(tmp_path / "bad", files)
    before = db_state()

    run = run_import(folder)

    assert run.code == 1
    assert run.problems == expected
    assert run.out == ""
    assert f"CommandError: {len(expected)} problem(s) in {folder}; nothing was imported" in run.err
    assert db_state() == before


def test_problems_in_every_file_are_reported_together(imported, tmp_path):
    files: dict[str, str | bytes] = {}
    for _, (case_files, _) in list(CASES.items())[:4]:
        for name, content in case_files.items():
            files[name] = files.get(name, content[: content.index("\n") + 1]) + content.split("\n", 1)[1]
    before = db_state()

    with pytest.raises(ImportFailed) as failed:
        import_inventory(_write(tmp_path / "all", files), actor=SystemActor("pytest"))

    files_with_problems = {problem.file for problem in failed.value.problems}
    assert files_with_problems == {"sites.csv", "customers.csv", "assets.csv", "placements.csv", "flows.csv"}
    assert failed.value.total >= 15
    assert all(
        isinstance(p, Problem) and str(p).startswith(f"{p.file}:{p.line}: {p.field}: ") for p in failed.value.problems
    )
    assert db_state() == before


def test_the_printed_list_stops_at_a_thousand_problems_and_says_how_many_more(tmp_path):
    rows = "".join(f"h{i},server,,,\n" for i in range(1200))
    folder = write_files(tmp_path / "many", assets_csv=ASSETS + rows)

    run = run_import(folder)

    assert run.code == 1
    assert len(run.problems) == 1000
    assert run.problems[0] == f"assets.csv:2: kind: 'server' is not one of {ASSET_KINDS}"
    assert run.problems[-1].startswith("assets.csv:1001: kind:")
    assert "… and 200 more problems" in run.err
    assert Asset.objects.count() == 0


JSON_CASES: dict[str, tuple[str, list[str]]] = {
    "invalid JSON": (
        '{"sites": [\n  {"code": "X1", "name": "One"}\n  {"code": "X2"}\n]}\n',
        ["inventory.json:3: -: invalid JSON: expecting ',' or ']'"],
    ),
    "wrong top-level type": ('[\n  {"code": "X1"}\n]\n', ["inventory.json:1: -: the top level must be an object"]),
    "sections and items of the wrong shape": (
        '{\n  "sites": {"code": "X1"},\n  "site": [],\n  "assets": [\n    "h1",\n'
        '    {"ref": "h1", "kind": "host", "name": "web", "site": ["GVA1"]},\n'
        '    {"ref": "h2", "kind": "host", "site": 7}\n  ]\n}\n',
        [
            "inventory.json:2: sites: expected a list",
            "inventory.json:3: site: unknown section (expected: sites, customers, assets, placements, flows)",
            "inventory.json:5: -: expected an object with the fields ref, kind, site, parent, service",
            "inventory.json:6: name: unknown field (expected: ref, kind, site, parent, service)",
            "inventory.json:6: site: expected a string, not list",
            f"inventory.json:7: site: unknown site '7' {UNKNOWN}",
        ],
    ),
    "bad values at the line their item starts on": (
        '{"placements": [\n  {"customer": "ACME", "asset": "gva1-vol-7", "subjects": -1},\n'
        '  {\n    "customer": "ACME",\n    "asset": "gva1-vol-7",\n    "records": 2.5\n  }\n]}\n',
        [
            f"inventory.json:2: subjects: '-1' {NOT_A_NUMBER}",
            f"inventory.json:3: records: '2.5' {NOT_A_NUMBER}",
            "inventory.json:3: customer+asset: duplicate placement 'ACME gva1-vol-7' (first at inventory.json:2)",
        ],
    ),
    "not UTF-8": (
        '{"sites": [\n  {"code": "X1", "name": "Gen\udce8ve"}\n]}\n',
        ["inventory.json:2: -: not valid UTF-8 (byte 0xe8)"],
    ),
}


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_bad_json_is_reported_with_the_line_of_the_item_and_changes_nothing(imported, tmp_path, case):
    text, expected = JSON_CASES[case]
    path = tmp_path / "inventory.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = db_state()

    run = run_import(path)

    assert run.code == 1
    assert run.problems == expected
    assert db_state() == before


def test_the_art28_command_exits_with_status_1(tmp_path):
    """The real console script, in its own process and database, as a shell script would run it."""
    folder = write_files(tmp_path / "bad", sites_csv=SITES + "X1,One,,XX,\n")
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "ART28_DATA_DIR": str(tmp_path)}
    art28 = Path(sys.executable).parent / "art28"
    subprocess.run([art28, "migrate", "-v0"], env=env, check=True, timeout=120)

    proc = subprocess.run([art28, "import-inventory", folder], env=env, capture_output=True, text=True, timeout=60)

    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines()[0] == f"sites.csv:2: country: 'XX' {NOT_A_COUNTRY}"
