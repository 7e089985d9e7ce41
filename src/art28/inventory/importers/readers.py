"""Reading import files as streams: a digest and UTF-8 check, CSV records, JSON list items.

Nothing here holds a whole file in memory: CSV is read record by record, JSON one list item at a
time (1M placements must import in bounded memory, S1 inventory at provider scale).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from art28.inventory.importers.problems import ProblemLog

CHUNK = 1 << 20
# A JSON list item that does not decode is retried with more input until this much is buffered;
# past it (or at the end of the file) the error is real.
MAX_JSON_ITEM = 16 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class InputFile:
    path: Path
    name: str  # as problems name it: relative to the imported folder, or the JSON file's name
    size: int


class ByteProgress:
    """Bytes read so far over all the input's files, reported to the caller's ``progress(done, total)``."""

    def __init__(self, total: int, callback: Callable[[int, int], None] | None) -> None:
        self.total = total
        self._callback = callback
        self._base = 0

    def at(self, position: int) -> None:
        if self._callback is not None:
            self._callback(min(self._base + position, self.total), self.total)

    def file_done(self, size: int) -> None:
        self._base += size
        self.at(0)


def digest_and_check_utf8(files: list[InputFile], problems: ProblemLog, *, folder: bool) -> str:
    """SHA-256 of the input; one problem per line that is not valid UTF-8 or holds a NUL byte.

    A single file's digest is the file's own; a folder's is the digest of ``sha256sum``'s output for
    its imported files in name order, so ``sha256sum a.csv b.csv | sha256sum`` reproduces it.
    """
    listing = hashlib.sha256()
    single = ""
    for file in sorted(files, key=lambda f: f.name):
        digest = hashlib.sha256()
        bad_lines = _BadLines(file.name, problems)
        pending = b""
        with file.path.open("rb") as handle:
            while True:
                chunk = handle.read(CHUNK)
                digest.update(chunk)
                data = pending + chunk
                pos = _check_utf8(data, final=not chunk, bad_lines=bad_lines)
                nul = data.find(b"\0", 0, pos)
                while nul >= 0:  # PostgreSQL text cannot hold one, and no inventory value needs one
                    problems.files_with_nul.add(file.name)
                    bad_lines.add(data, nul, "a NUL byte, which text may not hold")
                    nul = data.find(b"\0", nul + 1, pos)
                bad_lines.consumed(data, pos)
                pending = data[pos:]
                if not chunk:
                    break
        single = digest.hexdigest()
        listing.update(f"{single}  {file.name}\n".encode())
    return listing.hexdigest() if folder else single


class _BadLines:
    """Reports problems by line number, at most one per line."""

    def __init__(self, name: str, problems: ProblemLog) -> None:
        self.name, self.problems = name, problems
        self.lines_before, self.last = 0, 0

    def add(self, data: bytes, offset: int, what: str) -> None:
        line = self.lines_before + data.count(b"\n", 0, offset) + 1
        if line != self.last:
            self.problems.add(self.name, line, "-", what)
            self.last = line

    def consumed(self, data: bytes, pos: int) -> None:
        self.lines_before += data.count(b"\n", 0, pos)


def _check_utf8(data: bytes, *, final: bool, bad_lines: _BadLines) -> int:
    """Check ``data`` as UTF-8; return how much was consumed (an incomplete last character waits)."""
    view, pos = memoryview(data), 0
    try:
        while True:
            try:
                _, consumed = codecs.utf_8_decode(view[pos:], "strict", final)
            except UnicodeDecodeError as exc:
                bad_lines.add(data, pos + exc.start, f"not valid UTF-8 (byte 0x{data[pos + exc.start]:02x})")
                pos += exc.end
                continue
            return pos + consumed
    finally:
        view.release()


def read_csv(
    file: InputFile,
    columns: tuple[str, ...],
    problems: ProblemLog,
    progress: ByteProgress,
    *,
    optional: frozenset[str] = frozenset(),
    absent: str = "",
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """``(line, values in columns' order)`` for each record; the header names the columns, in any order.

    Lines are physical lines (a quoted field may span several; the record's first line is given).
    A UTF-8 BOM is skipped; bytes that are not UTF-8 were reported by ``digest_and_check_utf8``.
    An ``optional`` column the header leaves out is given as ``absent`` in every record.
    """
    with file.path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="") as text:
        reader = csv.reader(text, strict=True)
        header = _csv_header(reader, file, columns, problems, optional)
        if header is None:
            progress.file_done(file.size)
            return
        width = len(header)
        strip_nul = file.name in problems.files_with_nul
        # A left-out optional column is read from one extra field appended to each record.
        pad = any(column not in header for column in columns)
        pick = operator.itemgetter(*(header.index(column) if column in header else width for column in columns))
        previous, count = reader.line_num, 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.add(file.name, previous + 1, "-", f"malformed CSV: {exc}")
                if reader.line_num == previous:
                    break
                previous = reader.line_num
                continue
            line, previous = previous + 1, reader.line_num
            if strip_nul:
                row = [value.replace("\x00", "") for value in row]
            if len(row) != width:
                if row:  # a blank line is no record
                    problems.add(file.name, line, "-", f"{len(row)} fields where the header has {width}")
                continue
            if pad:
                row.append(absent)
            yield line, pick(row)
            count += 1
            if not count & 0x3FFF:
                progress.at(raw.tell())
    progress.file_done(file.size)


def _csv_header(
    reader: Any, file: InputFile, columns: tuple[str, ...], problems: ProblemLog, optional: frozenset[str]
) -> list[str] | None:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.add(file.name, 1, "-", f"malformed CSV header: {exc}")
        return None
    required = ",".join(column for column in columns if column not in optional)
    if not header:
        problems.add(file.name, 1, "-", f"no header row (expected: {required})")
        return None
    names = [name.strip().lower() for name in header]
    seen: set[str] = set()
    duplicated = False
    for name in names:
        if name in seen and name in columns:
            problems.add(file.name, 1, name, "column given twice in the header")
            duplicated = True
        seen.add(name)
    missing = [column for column in columns if column not in seen and column not in optional]
    for column in missing:
        problems.add(file.name, 1, column, f"missing column in the header (expected: {required})")
    return None if missing or duplicated else names


def nesting(value: Any) -> int:
    """How many containers deep a decoded JSON value goes (a scalar 0, ``[]`` 1, ``[{}]`` 2), walked
    without recursion so that no depth can exhaust the stack."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


class JsonSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Window:
    """The decoded text not yet consumed: ``buf[pos:]``; ``line`` is the line number at ``pos``."""

    def __init__(
        self, text: io.TextIOWrapper, raw: io.BufferedReader, progress: ByteProgress, chunk: int, max_depth: int
    ) -> None:
        self.text, self.raw, self.progress, self.chunk = text, raw, progress, chunk
        self.buf, self.pos, self.line, self.eof = "", 0, 1, False
        self.max_depth = max_depth

    def more(self) -> bool:
        """Append the next chunk; False at the end of the file."""
        if self.eof:
            return False
        data = self.text.read(self.chunk)
        self.progress.at(self.raw.tell())
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def advance(self, end: int) -> None:
        self.line += self.buf.count("\n", self.pos, end)
        self.pos = end

    def peek(self) -> str:
        """The next character after whitespace, or '' at the end of the file."""
        while True:
            match = _WHITESPACE.match(self.buf, self.pos)
            assert match is not None  # the pattern matches the empty string
            self.advance(match.end())
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise JsonSyntaxError(self.line, f"invalid JSON: expecting {what}")
        self.advance(self.pos + 1)

    def value(self, depth: int = 0) -> tuple[Any, int]:
        """Decode the value at ``pos`` with json's C scanner; returns it and the line it starts on.

        ``depth`` is how many containers of the document hold the value: with the value's own nesting
        the document may go at most ``max_depth`` deep (a deeper one is refused, never decoded by
        recursion to Python's limit: ``RecursionError``)."""
        start_line = self.line
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Maybe only truncated at the end of the buffer: read more and try again.
                if len(self.buf) - self.pos < MAX_JSON_ITEM and self.more():
                    continue
                line = start_line + self.buf.count("\n", self.pos, exc.pos)
                raise JsonSyntaxError(line, f"invalid JSON: {exc.msg}") from None
            except RecursionError:
                raise self.too_deep(start_line) from None
            # A number that ends where the buffer ends may go on in the next chunk.
            if end == len(self.buf) and self.more():
                continue
            # The brackets in the text bound the nesting from above: only a value with many is walked.
            brackets = self.buf.count("[", self.pos, end) + self.buf.count("{", self.pos, end)
            if depth + brackets > self.max_depth and depth + nesting(value) > self.max_depth:
                raise self.too_deep(start_line)
            self.advance(end)
            return value, start_line

    def too_deep(self, line: int) -> JsonSyntaxError:
        return JsonSyntaxError(
            line, f"nested more than {self.max_depth} levels deep (the limit, ART28_IMPORT_MAX_JSON_DEPTH)"
        )


def read_json(
    file: InputFile,
    problems: ProblemLog,
    progress: ByteProgress,
    *,
    on_key: Callable[[str, int, bool], bool],
    allow_list: bool,
    chunk: int = CHUNK,
    max_depth: int | None = None,
) -> Iterator[tuple[str | None, int, Any]]:
    """``(key, line, item)`` for each item of the top-level lists, with the line the item starts on.

    The top level is an object or, when ``allow_list``, a list (``key`` is None). For each key of an
    object, ``on_key(key, line, value_is_list)`` says whether to read its value: a list is then read
    item by item, any other value is yielded whole; a value not wanted is skipped. A syntax error
    ends the file with one problem at its line.
    """
    with file.path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace") as text:
        depth_limit = settings.ART28_IMPORT_MAX_JSON_DEPTH if max_depth is None else max_depth
        window = _Window(text, raw, progress, chunk, depth_limit)
        try:
            yield from _walk(window, on_key, allow_list)
        except JsonSyntaxError as exc:
            problems.add(file.name, exc.line, "-", exc.message)
    progress.file_done(file.size)


def _walk(
    window: _Window, on_key: Callable[[str, int, bool], bool], allow_list: bool
) -> Iterator[tuple[str | None, int, Any]]:
    first = window.peek()
    expected = "an object or a list" if allow_list else "an object"
    if first == "":
        raise JsonSyntaxError(0, f"the file is empty (expected {expected})")
    if first == "[" and allow_list:
        yield from _items(window, None, depth=1)
    elif first == "{":
        window.advance(window.pos + 1)
        if window.peek() == "}":
            window.advance(window.pos + 1)
        else:
            while True:
                if window.peek() != '"':
                    raise JsonSyntaxError(window.line, "invalid JSON: expecting a key in double quotes")
                key, line = window.value()
                window.expect(":", "':'")
                is_list = window.peek() == "["
                if not on_key(key, line, is_list):
                    window.value(depth=1)
                elif is_list:
                    yield from _items(window, key, depth=2)
                else:
                    value, _ = window.value(depth=1)
                    yield key, line, value
                if window.peek() == ",":
                    window.advance(window.pos + 1)
                    continue
                window.expect("}", "',' or '}'")
                break
    else:
        value_line = window.line
        if first != "[":
            window.value()  # a syntax error in a scalar is the better message
        raise JsonSyntaxError(value_line, f"the top level must be {expected}")
    if window.peek() != "":
        raise JsonSyntaxError(window.line, "invalid JSON: extra data after the top-level value")


def _items(window: _Window, key: str | None, *, depth: int) -> Iterator[tuple[str | None, int, Any]]:
    """The items of a list whose items are ``depth`` containers deep."""
    window.advance(window.pos + 1)  # '['
    if window.peek() == "]":
        window.advance(window.pos + 1)
        return
    while True:
        if window.peek() == "":
            raise JsonSyntaxError(window.line, "invalid JSON: the file ends inside a list")
        item, line = window.value(depth=depth)
        yield key, line, item
        following = window.peek()
        if following == ",":
            window.advance(window.pos + 1)
            continue
        if following == "]":
            window.advance(window.pos + 1)
            return
        raise JsonSyntaxError(window.line, "invalid JSON: expecting ',' or ']'")
