"""Reading hosts' package lists: dpkg-query output, CycloneDX 1.5/1.6 JSON, Trivy JSON (docs/patching.md).

Each reader yields ``InstalledPackage`` rows (binary name and version, source name and version) or records
``FILE:LINE: reason`` problems; nothing is written here. dpkg decides what is installed: only ``ii`` lines
of a status-bearing dpkg-query output count (``rc`` = removed, configuration files left).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from art28.core.problems import InputRefused, Lines, Problems, load_json
from art28.patching.version import InvalidVersion, parse_version, version_key

# dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\n'
DPKG_QUERY_FIELDS = 5
PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9.+-]+$")  # Debian Policy §5.6.1 (source), §5.6.7 (binary)
# A binNMU rebuilds a binary without changing its source: binary version = source version + "+bN".
BINNMU = re.compile(r"\+b\d+$")
EXTENSIONS = {"dpkg-query": (".txt", ".tsv", ".dpkg"), "cyclonedx": (".json", ".cdx.json"), "trivy": (".json",)}


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    binary: str
    binary_version: str
    source: str
    source_version: str
    key: str = ""  # version_key(source_version)


@dataclass
class PackageList:
    """One host's list as read from one file; ``taken_at`` when the file says when it was made."""

    file: str
    packages: list[InstalledPackage] = field(default_factory=list)
    taken_at: dt.datetime | None = None


class PackagesRefused(InputRefused):
    """A package list or advisory file has problems (``lines``, ``FILE:LINE: reason``); nothing was imported."""


# A fleet's lists repeat the same lines (one package version on thousands of hosts): each distinct line is
# checked once. Emptied when full, so a long-running process stays small.
_CHECKED: dict[tuple[str, str, str, str], InstalledPackage | str] = {}
_CHECKED_LIMIT = 1 << 19
# dpkg-query's lines that list an installed package, as read (without the newline) → their checked row.
_SEEN_LINES: dict[str, InstalledPackage] = {}


def _check(binary: str, version: str, source: str, source_version: str) -> InstalledPackage | str:
    """The row, or why it is refused."""
    source = source or binary
    source_version = source_version or version
    for name, value in (("package", binary), ("source package", source)):
        if not PACKAGE_NAME.match(value):
            return f"{name} {value!r} is not a Debian package name"
    for name, value in (("version", version), ("source version", source_version)):
        try:
            parse_version(value)
        except InvalidVersion as exc:
            return f"{name}: {exc}"
    return InstalledPackage(binary, version, source, source_version, version_key(source_version))


def _checked(
    file: str, line: int, problems: Problems, binary: str, version: str, source: str, source_version: str
) -> InstalledPackage | None:
    """The row with its source defaulted (empty source: the binary's own name and version), or None with
    the problem recorded."""
    fields = (binary, version, source, source_version)
    result = _CHECKED.get(fields)
    if result is None:
        result = _check(*fields)
        if len(_CHECKED) >= _CHECKED_LIMIT:
            _CHECKED.clear()
        _CHECKED[fields] = result
    if isinstance(result, str):
        problems.add(file, line, result)
        return None
    return result


def read_dpkg_query(path: Path, problems: Problems) -> PackageList:
    """Tab-separated lines, with or without the status field first (all lines the same way)."""
    listing = PackageList(path.name)
    try:
        lines = path.read_text(encoding="utf-8", errors="strict").split("\n")
    except UnicodeDecodeError as exc:
        problems.add(path.name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return listing
    # The hot path: a fleet's lines were nearly all checked already, on other hosts; a line's row depends
    # on the line alone, so the whole list is looked up at once.
    hits = list(map(_SEEN_LINES.get, lines))
    if None not in hits:
        listing.packages = hits  # type: ignore[assignment]  # no None in it
        return listing
    for number, (line, hit) in enumerate(zip(lines, hits, strict=True), start=1):
        row = hit or _dpkg_query_line(path.name, number, line, problems)
        if row is not None:
            listing.packages.append(row)
            if hit is None:
                if len(_SEEN_LINES) >= _CHECKED_LIMIT:
                    _SEEN_LINES.clear()
                _SEEN_LINES[line] = row
    return listing


def _dpkg_query_line(file: str, number: int, line: str, problems: Problems) -> InstalledPackage | None:
    """One line's installed package; None for a line that lists none (blank, not installed) or is refused
    (the problem recorded)."""
    if not line.strip():
        return None
    fields = line.split("\t")
    if len(fields) == DPKG_QUERY_FIELDS:
        status, *fields = fields
        status = status.strip()
        if len(status) < 2 or status[0] not in "uihrp" or status[1] not in "ncHUFWti":
            problems.add(file, number, f"status {status!r} is not a dpkg status abbreviation")
            return None
        if status[:2] != "ii":  # rc: removed, configuration files left; others: not installed
            return None
    elif len(fields) != DPKG_QUERY_FIELDS - 1:
        problems.add(
            file,
            number,
            f"{len(fields)} tab-separated fields; expected 4 (package, version, source, source version)"
            " or 5 with the dpkg status first",
        )
        return None
    binary, version, source, source_version = (value.strip() for value in fields)
    # dpkg-query prints "src (version)" in ${source:Package} for some setups: keep the name.
    source = source.split(" ", 1)[0]
    return _checked(file, number, problems, binary, version, source, source_version)


def _load_json(path: Path, problems: Problems) -> Any:
    return load_json(path, problems)[0]


def timestamp(value: Any, *, naive: dt.tzinfo | None = None) -> dt.datetime | None:
    """An ISO 8601 date-time of a JSON document ("Z" allowed); one without a zone is read in ``naive``
    (OSV's are UTC), or refused (None) when ``naive`` is None, as is anything that is not a date-time."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo:
        return moment
    return moment.replace(tzinfo=naive) if naive else None


def read_cyclonedx(path: Path, problems: Problems) -> PackageList:
    """CycloneDX 1.5/1.6 JSON: each component with a ``pkg:deb/…`` purl; ``?upstream=`` names the source
    package (``name`` or ``name@version``), as the purl specification's deb type defines it."""
    listing = PackageList(path.name)
    document = _load_json(path, problems)
    if document is None:
        return listing
    if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
        problems.add(path.name, 1, 'not a CycloneDX document ("bomFormat": "CycloneDX" missing)')
        return listing
    if str(document.get("specVersion")) not in {"1.5", "1.6"}:
        problems.add(path.name, 1, f"CycloneDX specVersion {document.get('specVersion')!r}; expected 1.5 or 1.6")
        return listing
    listing.taken_at = timestamp((document.get("metadata") or {}).get("timestamp"))
    lines, cursor = Lines(path.read_text(encoding="utf-8")), 0
    for component in document.get("components") or []:
        purl = component.get("purl", "") if isinstance(component, dict) else ""
        if not purl.startswith("pkg:deb/"):
            continue
        line, cursor = lines.find(json.dumps(purl), cursor)
        parsed = _deb_purl(purl)
        if parsed is None:
            problems.add(path.name, line, f"purl {purl!r} has no name@version")
            continue
        binary, version, source, source_version = parsed
        row = _checked(path.name, line, problems, binary, version, source, source_version)
        if row is not None:
            listing.packages.append(row)
    return listing


def _deb_purl(purl: str) -> tuple[str, str, str, str] | None:
    """pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&upstream=openssl%403.0.15-1~deb12u1"""
    parts = urlsplit(purl)
    path = unquote(parts.path)  # "deb/debian/name@version"
    name_version = path.rsplit("/", 1)[-1]
    if "@" not in name_version:
        return None
    binary, version = name_version.split("@", 1)
    upstream = parse_qs(parts.query).get("upstream", [""])[0]
    source, _, source_version = upstream.partition("@")
    return binary, version, source, source_version


def read_trivy(path: Path, problems: Problems) -> PackageList:
    """A Trivy JSON report made with ``--list-all-pkgs``: ``Results[].Packages[]`` of a Debian target,
    with ``Name``, ``Version`` (+ ``Release``), ``SrcName``, ``SrcVersion`` (+ ``SrcRelease``), ``SrcEpoch``."""
    listing = PackageList(path.name)
    document = _load_json(path, problems)
    if document is None:
        return listing
    if not isinstance(document, dict) or "Results" not in document:
        problems.add(path.name, 1, 'not a Trivy JSON report ("Results" missing)')
        return listing
    listing.taken_at = timestamp(document.get("CreatedAt"))
    lines, cursor = Lines(path.read_text(encoding="utf-8")), 0
    found = False
    for result in document.get("Results") or []:
        packages = result.get("Packages") if isinstance(result, dict) else None
        if not packages:
            continue
        found = True
        for package in packages:
            name = str(package.get("Name", ""))
            line, cursor = lines.find(json.dumps(name), cursor)
            version = _trivy_version(package, "")
            source_version = _trivy_version(package, "Src") if package.get("SrcVersion") else ""
            row = _checked(path.name, line, problems, name, version, str(package.get("SrcName", "")), source_version)
            if row is not None:
                listing.packages.append(row)
    if not found:
        problems.add(path.name, 1, "no package list: make the report with trivy --list-all-pkgs")
    return listing


def _trivy_version(package: dict[str, Any], prefix: str) -> str:
    """Trivy splits a Debian version into Epoch, Version and Release: join them back."""
    version = str(package.get(f"{prefix}Version", ""))
    release = str(package.get(f"{prefix}Release", "") or "")
    epoch = package.get(f"{prefix}Epoch") or 0
    text = f"{version}-{release}" if release else version
    return f"{epoch}:{text}" if epoch else text


READERS = {"dpkg-query": read_dpkg_query, "cyclonedx": read_cyclonedx, "trivy": read_trivy}


def source_version_of_binary(binary_version: str) -> str:
    """The source version a binary's version most likely comes from: without a binNMU's "+bN"."""
    return BINNMU.sub("", binary_version)


def host_files(path: Path, format: str) -> Iterator[tuple[str, Path]]:
    """(asset ref, file): PATH itself (named ``<ref>.<ext>``) or each file of the folder PATH."""
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")) if path.is_dir() else [path]
    for file in files:
        name = file.name
        for extension in sorted(EXTENSIONS[format], key=len, reverse=True):
            if name.endswith(extension):
                name = name[: -len(extension)]
                break
        else:
            name = file.stem
        yield name, file
