"""The CSV folder and JSON document formats (docs/import-formats.md), and telling formats apart."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from art28.inventory.importers.problems import ENTITIES, ImportFailed, Problem, ProblemLog
from art28.inventory.importers.readers import ByteProgress, InputFile, read_csv, read_json
from art28.inventory.importers.staging import Staging
from art28.inventory.importers.validate import ABSENT, COLUMNS, OPTIONAL_COLUMNS, VALIDATORS, json_values

FORMATS = ("csv", "json", "netbox")
CSV_FILES = {entity: f"{entity}.csv" for entity in ENTITIES}
NETBOX_FILES = ("regions.json", "sites.json", "tenants.json", "clusters.json", "devices.json", "virtual-machines.json")


class Source(Protocol):
    """One input: its files, and how its rows reach the staging tables."""

    format: str
    files: list[InputFile]
    # (entity, staged column) → the field name the user wrote, where it differs (NetBox "tenant").
    labels: Mapping[tuple[str, str], str]

    def feed(self, staging: Staging, problems: ProblemLog, progress: ByteProgress) -> tuple[str, ...]:
        """Validate and stage every row; return the entities the input carried."""
        ...


def failure(path: Path, message: str) -> ImportFailed:
    return ImportFailed([Problem(path.name or str(path), 0, "-", message)])


def input_file(path: Path, name: str) -> InputFile:
    return InputFile(path, name, path.stat().st_size)


def guess_format(path: Path) -> str:
    """csv for a folder with sites.csv, customers.csv …; netbox for a folder of NetBox API lists;
    json for a .json file."""
    if path.is_dir():
        names = {child.name for child in path.iterdir()}
        if names & set(CSV_FILES.values()):
            return "csv"
        if names & set(NETBOX_FILES):
            return "netbox"
        raise failure(
            path,
            f"cannot tell the format: the folder has none of {', '.join(CSV_FILES.values())} "
            f"nor NetBox's {', '.join(NETBOX_FILES)}",
        )
    if not path.exists():
        raise failure(path, "no such file or folder")
    if path.suffix.lower() == ".json":
        return "json"
    raise failure(path, "cannot tell the format: give a folder (csv, netbox) or a .json file, or --format")


class CsvSource:
    """A folder with any of sites.csv, customers.csv, assets.csv, placements.csv, flows.csv."""

    format = "csv"
    labels: Mapping[tuple[str, str], str] = {}

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise failure(folder, "the csv format reads a folder of .csv files")
        self.entities = tuple(entity for entity in ENTITIES if (folder / CSV_FILES[entity]).is_file())
        if not self.entities:
            raise failure(folder, f"the folder has none of {', '.join(CSV_FILES.values())}")
        self.files = [input_file(folder / CSV_FILES[entity], CSV_FILES[entity]) for entity in self.entities]

    def feed(self, staging: Staging, problems: ProblemLog, progress: ByteProgress) -> tuple[str, ...]:
        for src, (entity, file) in enumerate(zip(self.entities, self.files, strict=True)):
            validate, add, name = VALIDATORS[entity], staging.add, file.name
            optional = OPTIONAL_COLUMNS.get(entity, frozenset())
            for line, values in read_csv(file, COLUMNS[entity], problems, progress, optional=optional, absent=ABSENT):
                row = validate(values, name, line, problems)
                if row is not None:
                    add(entity, src, line, row)
        return self.entities


class JsonSource:
    """One document: ``{"sites": [...], "customers": [...], "assets": [...], "placements": [...], "flows": [...]}``."""

    format = "json"
    labels: Mapping[tuple[str, str], str] = {}

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise failure(path, "the json format reads one .json file")
        self.files = [input_file(path, path.name)]

    def feed(self, staging: Staging, problems: ProblemLog, progress: ByteProgress) -> tuple[str, ...]:
        file = self.files[0]
        present: set[str] = set()

        def on_key(key: str, line: int, is_list: bool) -> bool:
            if key not in COLUMNS:
                problems.add(file.name, line, key, f"unknown section (expected: {', '.join(ENTITIES)})")
            elif not is_list:
                problems.add(file.name, line, key, "expected a list")
            else:
                present.add(key)
                return True
            return False

        for key, line, item in read_json(file, problems, progress, on_key=on_key, allow_list=False):
            assert key is not None
            values = json_values(item, COLUMNS[key], file.name, line, problems, OPTIONAL_COLUMNS.get(key, frozenset()))
            if values is not None:
                row = VALIDATORS[key](values, file.name, line, problems)
                if row is not None:
                    staging.add(key, 0, line, row)
        return tuple(entity for entity in ENTITIES if entity in present)
