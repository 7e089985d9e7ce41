"""What an import reports: its problems (``file:line: field: message``) or its counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ENTITIES = ("sites", "customers", "assets", "placements", "flows")
# Problems kept in memory; beyond this only a count is kept (a 1M-row file in the wrong format
# must not turn into 1M Problem objects).
MAX_KEPT_PROBLEMS = 1000


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input. ``line`` is 1-based; 0 when it concerns the whole file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ImportFailed(Exception):
    """The input has problems; nothing was changed. ``more`` counts problems beyond ``problems``."""

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        self.problems = problems
        self.more = more
        super().__init__(self.summary())

    @property
    def total(self) -> int:
        return len(self.problems) + self.more

    def summary(self) -> str:
        first = f": {self.problems[0]}" if self.problems else ""
        return f"{self.total} problem{'s' if self.total != 1 else ''} in the input, nothing was imported{first}"


class SyncRefused(ImportFailed):
    """A full sync would end more than the allowed share of a source's rows (a truncated export must
    not wipe the inventory); nothing was changed."""


@dataclass
class ImportReport:
    """Rows created, updated and left unchanged per entity, and what was imported."""

    format: str
    sha256: str
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {name: {"created": 0, "updated": 0, "unchanged": 0, "ended": 0} for name in ENTITIES}
    )
    services_created: int = 0
    # The source the rows belong to (``--source``, by default the format) and whether this was a full
    # sync (the input is the whole inventory of that source) or an additive import.
    source: str = ""
    sync: bool = False
    dry_run: bool = False
    # A sync never ends sites or customers: the ones the input no longer has are listed here.
    absent: dict[str, list[str]] = field(default_factory=dict)
    # A dry run's rows per entity and change ("created", "updated", "ended"): labels, at most
    # ``SHOWN_ROWS`` each (the counts are exact).
    rows: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # A dry run of a sync that the safety limit would refuse: why (empty: it would be accepted).
    refusal: list[Problem] = field(default_factory=list)
    # A sync whose input is byte-identical to its source's last sync, with nothing changed since: the
    # moment of that sync (the rows were not read again: sync.unchanged_since). None otherwise.
    same_as: dt.datetime | None = None
    # The entities the input carried (a CSV folder without flows.csv does not carry flows).
    entities: tuple[str, ...] = ()
    # Per glossary ("data", "subjects"): the terms of the input that are not in the glossary of data
    # categories (kept as given, not an error; staff add them on /staff/glossary/).
    unknown_categories: dict[str, list[str]] = field(default_factory=dict)

    def unknown_categories_summary(self, shown: int = 10) -> list[str]:
        """One line per glossary, e.g. "3 data categories not in the glossary: a, b, c"."""
        lines = []
        for kind, label in (("data", "data categories"), ("subjects", "categories of data subjects")):
            terms = self.unknown_categories.get(kind) or []
            if terms:
                listed = ", ".join(terms[:shown]) + (f" and {len(terms) - shown} more" if len(terms) > shown else "")
                lines.append(f"{len(terms)} {label} not in the glossary: {listed}")
        return lines


class ProblemLog:
    """Collects problems in the order found; keeps the first ``MAX_KEPT_PROBLEMS`` and counts the rest."""

    def __init__(self, limit: int = MAX_KEPT_PROBLEMS) -> None:
        self.kept: list[Problem] = []
        self.more = 0
        self._limit = limit
        # Files holding a NUL byte (already reported): their values are cleaned before staging,
        # because PostgreSQL's COPY refuses NUL in text and would abort before the report is shown.
        self.files_with_nul: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.kept) or self.more > 0

    def add(self, file: str, line: int, field: str, message: str) -> None:
        if len(self.kept) < self._limit:
            self.kept.append(Problem(file, line, field, message))
        else:
            self.more += 1

    def failure(self) -> ImportFailed:
        ordered = sorted(self.kept, key=lambda p: (p.file, p.line))
        return ImportFailed(ordered, self.more)
