"""Helpers for the import tests: example inputs, running the command, the database's whole state."""

from __future__ import annotations

import io
import os
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from art28.core.models import AllowedCountriesPeriod, AuditEntry, Organisation
from art28.inventory.models import (
    Asset,
    AssetPeriod,
    Flow,
    FlowPeriod,
    Placement,
    PlacementPeriod,
    Service,
    Site,
    SitePeriod,
)

FIXTURES = Path(__file__).parent / "fixtures"
CSV_EXAMPLE = FIXTURES / "csv"
JSON_EXAMPLE = FIXTURES / "inventory.json"
NETBOX_EXAMPLE = FIXTURES / "netbox"

# The sync against a real NetBox runs only when one is given (see test_netbox_live.py).
collect_ignore = [] if os.environ.get("ART28_TEST_NETBOX_URL") else ["test_netbox_live.py"]


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def problems(self) -> list[str]:
        """The ``file:line: field: message`` lines printed on stderr."""
        return [line for line in self.err.splitlines() if line and not line.startswith(("…", "CommandError:"))]


def run_import(path: Path, *args: str) -> Run:
    """`art28 import-inventory PATH ARGS…` as a user runs it: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_inventory", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return Run(exc.returncode, out.getvalue(), err.getvalue())
    except SystemExit as exc:
        return Run(int(exc.code or 0), out.getvalue(), err.getvalue())
    return Run(0, out.getvalue(), err.getvalue())


def write_files(folder: Path, **files: str) -> Path:
    """Write ``name_ext="content"`` files (``sites_csv`` → sites.csv); content is dedented."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        stem, ext = name.rsplit("_", 1)
        (folder / f"{stem.replace('_', '-')}.{ext}").write_text(textwrap.dedent(content).lstrip("\n"), "utf-8")
    return folder


def db_state() -> dict[str, Any]:
    """Every inventory row and organisation with its fields, their history, and the audit trail's length."""
    return {
        "sites": list(Site.objects.order_by("code").values_list()),
        "organisations": list(
            Organisation.objects.order_by("ref").values_list(
                "ref", "name", "country", "language", "privacy_email", "security_email", "allowed_countries"
            )
        ),
        "services": list(Service.objects.order_by("name").values_list("name", "description")),
        "assets": list(
            Asset.objects.order_by("ref").values_list(
                "ref", "kind", "site__code", "parent__ref", "service__name", "location__code"
            )
        ),
        "placements": list(
            Placement.objects.order_by("customer__ref", "asset__ref").values_list(
                "customer__ref", "asset__ref", "data_categories", "subject_categories", "subjects", "records"
            )
        ),
        "flows": sorted(
            Flow.objects.values_list("asset__ref", "kind", "to_asset__ref", "to_site__code", "to_country"),
            key=repr,
        ),
        # The history: an import that changes nothing neither closes nor opens a period.
        "periods": [
            sorted(model.objects.values_list("id", "valid_from", "valid_to"))
            for model in (SitePeriod, AllowedCountriesPeriod, AssetPeriod, PlacementPeriod, FlowPeriod)
        ],
        "audit_entries": AuditEntry.objects.count(),
    }


@pytest.fixture
def csv_example(tmp_path: Path) -> Path:
    """A copy of the documented CSV example (docs/import-formats.md), safe to edit."""
    return Path(shutil.copytree(CSV_EXAMPLE, tmp_path / "csv"))


@pytest.fixture
def netbox_example(tmp_path: Path) -> Path:
    return Path(shutil.copytree(NETBOX_EXAMPLE, tmp_path / "netbox"))
