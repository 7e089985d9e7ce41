"""An inventory with a history, built the way it is in production: two real synchronisations of source
"cmdb" (never period rows written by hand), the first three days ago and the second yesterday."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from art28.inventory.importers import import_inventory
from art28.inventory.models import InventorySync
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import CSV_EXAMPLE


@dataclass(frozen=True)
class History:
    first: dt.datetime  # the first sync: the example inventory
    second: dt.datetime  # the second: the changes below

    @property
    def first_day(self) -> str:
        """The first sync's day, as the date picker sends it (the end of that day, before the second)."""
        return timezone.localdate(self.first).isoformat()


def _edit(path: Path, *, drop: tuple[str, ...] = (), add: str = "") -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if not any(text in line for text in drop))
    path.write_text(kept + add, "utf-8")


def build_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings) -> History:
    """First sync (three days ago): the example. Second sync (yesterday): the support access to France is
    gone, ACME's volume and GAMMA's data leave the inventory, and BETA's payroll arrives on zrh1-db-1."""
    settings.ART28_SYNC_MAX_END_SHARE = 1.0
    now = timezone.now()
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: now - dt.timedelta(days=3))
        import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="cmdb")
    folder = Path(shutil.copytree(CSV_EXAMPLE, tmp_path / "next"))
    _edit(folder / "flows.csv", drop=("support_access",))
    _edit(folder / "placements.csv", drop=("ACME,gva1-vol-7", "GAMMA"), add="BETA,zrh1-db-1,payroll,employees,50,500\n")
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: now - dt.timedelta(days=1))
        import_inventory(folder, actor=TEST_ACTOR, sync=True, source="cmdb")
    second, first = InventorySync.objects.order_by("-at")
    return History(first=first.at, second=second.at)
