"""Bad input, reported the way every importer reports it: ``FILE:LINE: reason``, every problem of a file
(not only the first), then nothing imported (DESIGN.md, "Habits"). And the few readers importers share:
JSON or text with a clear error, line numbers of what a reader finds in a JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class Problems:
    """``FILE:LINE: reason`` lines, the first ``limit`` kept (a wrong 1M-line file is not 1M objects)."""

    def __init__(self, limit: int = 1000) -> None:
        self.lines: list[str] = []
        self.count = 0
        self.limit = limit

    def add(self, file: str, line: int, reason: str) -> None:
        self.count += 1
        if len(self.lines) < self.limit:
            self.lines.append(f"{file}:{line}: {reason}")

    def __bool__(self) -> bool:
        return self.count > 0


class InputRefused(ValueError):
    """The input has problems (``lines``, ``FILE:LINE: reason``); nothing was imported."""

    def __init__(self, problems: Problems) -> None:
        self.lines, self.count = problems.lines, problems.count
        more = f" (and {problems.count - len(problems.lines)} more)" if problems.count > len(problems.lines) else ""
        super().__init__(f"{problems.count} problem(s), nothing was imported{more}:\n" + "\n".join(problems.lines))


def read_text(path: Path, problems: Problems) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(path.name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    return None


def load_json(path: Path, problems: Problems) -> tuple[Any, str]:
    """The document and its text; (None, "") after adding the problem when it is not UTF-8 JSON."""
    text = read_text(path, problems)
    if text is None:
        return None, ""
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        problems.add(path.name, exc.lineno, f"not JSON: {exc.msg}")
    return None, ""


class Lines:
    """Line numbers of what a reader finds in a document it reads forwards: each search counts the lines
    from the previous find, so a large document costs one pass, not one per message."""

    def __init__(self, text: str) -> None:
        self.text, self.at, self.line = text, 0, 1

    def find(self, needle: str, start: int = 0) -> tuple[int, int]:
        """(1-based line, index) of the first ``needle`` at or after ``start``; (0, start) when absent."""
        index = self.text.find(needle, start)
        if index < 0:
            return 0, start
        if index < self.at:
            self.at, self.line = 0, 1
        self.line += self.text.count("\n", self.at, index)
        self.at = index
        return self.line, index
