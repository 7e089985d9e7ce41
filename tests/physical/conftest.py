"""A site in Geneva (Europe/Zurich) with two zones, and a helper that writes the import's CSV files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from art28.core.audit import SystemActor
from art28.inventory.models import Site
from art28.physical.importer import physical_import

ACTOR = SystemActor("test")

ZONES = "site,zone,security_class\nGVA1,hall,3\nGVA1,cage-7,4\n"
PEOPLE = (
    "ref,name,employer,kind,left_on\n"
    "P1,Anna Day,Provider SA,staff,\n"
    "P2,Bruno Leaver,Cablers GmbH,contractor,2026-06-30\n"
    "P3,Chloé Night,Provider SA,staff,\n"
)
BADGES = (
    "badge,person,from,until\nB1,P1,2026-01-01,\nB2,P2,2026-01-01,\nB3,P3,2026-01-01,\nB4,P1,2026-01-01,2026-04-30\n"
)
AUTHORISATIONS = (
    "person,site,zone,from,until,days,hours,approved_by\n"
    "P1,GVA1,hall,2026-01-01,2026-12-31,mon-fri,07:00-19:00,P3\n"
    "P2,GVA1,hall,2026-01-01,2026-05-31,,,P1\n"
    "P3,GVA1,hall,2026-01-01,,mon-fri,22:00-06:00,P1\n"
)
EVENTS_HEADER = "time,site,zone,door,badge,result,direction\n"


@pytest.fixture
def geneva(db) -> Site:
    return Site.objects.create(code="GVA1", name="Geneva 1", city="Geneva", country="CH")


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """write(events=…, zones=…, …): a folder holding the given files (the defaults above unless None)."""

    def folder(name: str = "in", *, events: str = "", **files: str | None) -> Path:
        path = tmp_path / name
        path.mkdir(exist_ok=True)
        contents = {"zones": ZONES, "people": PEOPLE, "badges": BADGES, "authorisations": AUTHORISATIONS}
        contents.update(files)
        for stem, text in contents.items():
            if text is not None:
                (path / f"{stem}.csv").write_text(text, encoding="utf-8")
        if events:
            (path / "events.csv").write_text(EVENTS_HEADER + events, encoding="utf-8")
        return path

    return folder


@pytest.fixture
def imported(geneva, write) -> Callable[[str], object]:
    """imported(events): the default zones, people, badges and authorisations plus these events."""

    def load(events: str):
        return physical_import(write(events=events), actor=ACTOR)

    return load
