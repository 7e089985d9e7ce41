"""Markdown to safe HTML for legal documents: CommonMark with tables, raw HTML never passed through.

Documents are written by staff but read by everyone on the trust center; rendering with ``html=False``
escapes any HTML in the text, and only http(s)/mailto links survive, so a document cannot carry script.

Two pieces of a version's Markdown are for art28, not for the reader (docs/legal-documents.md):

- **clause markers** ``{clause:28-3-a}`` at the start of a paragraph, heading, list item or table cell
  name the clause that block is (GDPR Art. 28(3) checklist, ``legal/clauses.py``). They are ids, the same
  in every language, and are removed here before anything is rendered, so they never reach a page or a
  PDF; a paragraph holding only markers disappears.
- the **front matter**, a leading block between two ``---`` lines, read and left out by
  ``legal/source.py`` (``render_document``), which also reads the markers through ``markdown_env``.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_ALLOWED_LINK_SCHEMES = ("http:", "https:", "mailto:", "#", "/")

CLAUSE_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# One or more markers at the very start of a block's inline text, and the spaces after them.
_LEADING_MARKERS = re.compile(rf"^(?:\{{clause:{CLAUSE_ID}\}}[ \t]*)+")
_MARKER = re.compile(rf"\{{clause:({CLAUSE_ID})\}}")
# Anything that looks like a marker (for "misplaced or misspelt" errors): ``{clause:`` up to ``}``.
_MARKER_LIKE = re.compile(r"\{clause:[^}\n]*\}?")
ENV_MARKERS = "clause_markers"
ENV_STRAY = "clause_markers_stray"


def _clause_markers(state: StateCore) -> None:
    """Core rule (before inline parsing): take leading clause markers out of each block's text, noting
    each id with its 1-based line in ``env``; note any other ``{clause:…`` left in the text as stray."""
    found: list[tuple[str, int]] = state.env.setdefault(ENV_MARKERS, [])
    stray: list[tuple[str, int]] = state.env.setdefault(ENV_STRAY, [])
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        line = (token.map[0] if token.map else 0) + 1
        match = _LEADING_MARKERS.match(token.content)
        if match:
            found.extend((clause_id, line) for clause_id in _MARKER.findall(match.group(0)))
            token.content = token.content[match.end() :]
            if not token.content.strip() and 0 < index < len(tokens) - 1:
                # A paragraph of markers only: no empty <p> in the page.
                before, after = tokens[index - 1], tokens[index + 1]
                if before.type == "paragraph_open" and after.type == "paragraph_close":
                    before.hidden = after.hidden = True
        stray.extend((text, line) for text in _MARKER_LIKE.findall(token.content))


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    parser.validateLink = lambda url: url.strip().lower().startswith(_ALLOWED_LINK_SCHEMES)  # type: ignore[method-assign]
    parser.core.ruler.before("inline", "clause_markers", _clause_markers)
    return parser


_PARSER = _parser()


def render_markdown(text: str) -> SafeString:
    """The HTML of ``text`` (safe to put in a page or a PDF as is), clause markers removed."""
    return mark_safe(_PARSER.render(text or ""))  # noqa: S308 - html=False escapes every tag of the input


def markdown_tokens(text: str) -> list[Token]:
    """The block tokens of ``text`` as the renderer sees them (clause markers removed, raw HTML as text):
    the redline (``legal/redline.py``) walks them to compare two versions block by block."""
    return _PARSER.parse(text or "", {})


def markdown_env(text: str) -> dict[str, Any]:
    """Parse ``text`` without rendering it; the environment holds the clause markers found."""
    env: dict[str, Any] = {}
    _PARSER.parse(text or "", env)
    return env
