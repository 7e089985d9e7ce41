"""A legal document version's Markdown as art28 reads it: the one parser of its front matter and of its
clause markers (docs/legal-documents.md, "Front matter and clause markers").

The **front matter** is an optional block at the very top, between two lines ``---``, of ``key: value``
lines (blank lines and lines starting with ``#`` are ignored)::

    ---
    authorisation: general
    notice_days: 30
    ---
    # Data processing agreement

It is not part of the text: pages, the API's HTML and the DPA PDF leave it out (``render_document``).
No YAML library: two keys do not need one, and a hand-written reader names the line of each error.
What the keys mean, and which documents may have them, is ``legal/clauses.py``'s business.

**Clause markers** ``{clause:ID}`` start a paragraph, heading, list item or table cell; the renderer
(``legal/markdown.py``) removes them, this module lists them with their lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from art28.legal.markdown import ENV_MARKERS, ENV_STRAY, markdown_env, render_markdown

FENCE = "---"
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*?)\s*$")


class SourceError(ValueError):
    """A malformed front matter; ``line`` is 1-based in the version's text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class FrontMatterField:
    value: str
    line: int


@dataclass(frozen=True)
class Source:
    front_matter: dict[str, FrontMatterField] = field(default_factory=dict)
    text: str = ""  # the Markdown without the front matter
    first_line: int = 1  # the line of the whole body where ``text`` starts


def read_source(body: str) -> Source:
    """Split ``body`` into its front matter and its text; a malformed front matter raises SourceError."""
    lines = (body or "").splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        return Source(text=body or "")
    fields: dict[str, FrontMatterField] = {}
    for index in range(1, len(lines)):
        number, line = index + 1, lines[index].strip()
        if line == FENCE:
            return Source(front_matter=fields, text="".join(lines[index + 1 :]), first_line=number + 1)
        if not line or line.startswith("#"):
            continue
        match = _KEY_VALUE.match(line)
        if match is None:
            raise SourceError(number, f"expected 'key: value' in the front matter, found {line!r}")
        key, value = match.group(1), match.group(2)
        if key in fields:
            raise SourceError(number, f"{key}: given twice (first on line {fields[key].line})")
        fields[key] = FrontMatterField(value=value, line=number)
    raise SourceError(1, f"the front matter opened here is never closed by a line '{FENCE}'")


def document_text(body: str) -> str:
    """The text without its front matter. A published version was checked when it was saved; an older
    one whose first line happens to be ``---`` without a closing line is shown as written."""
    try:
        return read_source(body).text
    except SourceError:
        return body or ""


def render_document(body: str) -> SafeString:
    """The HTML of a version: what every page, the API and the DPA PDF show (no front matter, no markers)."""
    return render_markdown(document_text(body))


@dataclass(frozen=True)
class Marker:
    clause_id: str
    line: int  # 1-based, in the whole body


def clause_markers(body: str) -> tuple[list[Marker], list[Marker]]:
    """(the markers found at the start of a block, any other ``{clause:…}`` text left in the document).

    Markers inside code blocks are text, not markers, and are in neither list."""
    try:
        source = read_source(body)
    except SourceError:
        source = Source(text=body or "")
    env = markdown_env(source.text)
    offset = source.first_line - 1
    found = [Marker(clause_id, line + offset) for clause_id, line in env[ENV_MARKERS]]
    stray = [Marker(text, line + offset) for text, line in env[ENV_STRAY]]
    return found, stray
