"""A readable diff of two versions' Markdown source: by line, and within a changed line by word.

Every piece of text is HTML-escaped before it is wrapped in ``<ins>``/``<del>``, so a ``<script>`` in a
document is shown as text and never reaches the page as markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "insert", "delete"
    text: str


@dataclass(frozen=True)
class DiffLine:
    op: str  # "equal", "insert", "delete", "change"
    old_number: int | None
    new_number: int | None
    segments: list[Segment] = field(default_factory=list)

    @property
    def html(self) -> SafeString:
        parts = []
        for segment in self.segments:
            text = escape(segment.text)
            if segment.op == "insert":
                parts.append(f"<ins>{text}</ins>")
            elif segment.op == "delete":
                parts.append(f"<del>{text}</del>")
            else:
                parts.append(text)
        return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above

    def as_json(self) -> dict[str, object]:
        return {
            "op": self.op,
            "old_line": self.old_number,
            "new_line": self.new_number,
            "segments": [{"op": s.op, "text": s.text} for s in self.segments],
        }


def _word_segments(old: str, new: str) -> list[Segment]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return segments


def diff_lines(old_text: str, new_text: str) -> list[DiffLine]:
    """The lines of ``new_text`` against ``old_text``; a replaced block pairs its lines one to one (each
    pair shown with word changes), the surplus as whole inserted or deleted lines."""
    old, new = old_text.splitlines(), new_text.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [
                DiffLine("equal", i + 1, j + 1, [Segment("equal", old[i])])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            lines.append(DiffLine("change", i1 + k + 1, j1 + k + 1, _word_segments(old[i1 + k], new[j1 + k])))
        lines += [DiffLine("delete", i + 1, None, [Segment("delete", old[i])]) for i in range(i1 + paired, i2)]
        lines += [DiffLine("insert", None, j + 1, [Segment("insert", new[j])]) for j in range(j1 + paired, j2)]
    return lines


def diff_stats(lines: list[DiffLine]) -> dict[str, int]:
    return {op: sum(1 for line in lines if line.op == op) for op in ("insert", "delete", "change")}


def with_context(lines: list[DiffLine], context: int = 2) -> list[DiffLine]:
    """Only the changes and ``context`` lines around each; each run of unchanged lines left out becomes
    one ``skip`` line whose text is how many lines it stands for."""
    keep = [False] * len(lines)
    for index, line in enumerate(lines):
        if line.op != "equal":
            for near in range(max(0, index - context), min(len(lines), index + context + 1)):
                keep[near] = True
    shown: list[DiffLine] = []
    skipped = 0
    for line, kept in zip(lines, keep, strict=True):
        if kept:
            if skipped:
                shown.append(DiffLine("skip", None, None, [Segment("equal", str(skipped))]))
                skipped = 0
            shown.append(line)
        else:
            skipped += 1
    if skipped:
        shown.append(DiffLine("skip", None, None, [Segment("equal", str(skipped))]))
    return shown
