"""The one format of notice texts, and its two renderings: safe HTML (portal, e-mail) and plain text (e-mail).

The format is what the stored notice templates were already written in, so every text ever stored reads
the same way:

- a line ``== Heading ==`` is a heading (``=== Sub-heading ===`` a sub-heading);
- consecutive lines starting with ``- `` are the items of a list;
- other lines form paragraphs, separated by blank lines; a line break inside a paragraph is kept.

The HTML never carries markup from the text: every character is escaped, and the only markup is the
renderer's own (headings, lists, paragraphs, line breaks, and links for ``http``/``https`` URLs only).
Values filled into placeholders are text like any other, so a customer name such as ``<script>`` shows
as written and runs nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BlockKind = Literal["heading", "subheading", "list", "paragraph"]

_HEADING = re.compile(r"^(={2,3})\s*(\S.*?)\s*\1\s*$")
_ITEM = re.compile(r"^\s*- (.*)$")
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\")"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    lines: tuple[str, ...]


def parse(text: str) -> list[Block]:
    """The text's blocks, in order (headings, lists, paragraphs); blank lines only separate."""
    blocks: list[Block] = []
    kind: BlockKind | None = None
    lines: list[str] = []

    def close() -> None:
        nonlocal kind, lines
        if kind is not None and lines:
            blocks.append(Block(kind, tuple(lines)))
        kind, lines = None, []

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            close()
        elif heading := _HEADING.match(line):
            close()
            blocks.append(Block("heading" if len(heading.group(1)) == 2 else "subheading", (heading.group(2),)))
        elif item := _ITEM.match(line):
            if kind != "list":
                close()
                kind = "list"
            lines.append(item.group(1).strip())
        else:
            if kind != "paragraph":
                close()
                kind = "paragraph"
            lines.append(line)
    close()
    return blocks


def _link(url: str) -> str:
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>'


def _inline(line: str) -> str:
    """One line, escaped, with http(s) URLs as links (trailing punctuation stays outside the link)."""
    out: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        url = match.group(0)
        while url and url[-1] in _TRAILING and not (url[-1] == ")" and url.count("(") >= url.count(")")):
            url = url[:-1]
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            continue
        out.append(escape(line[position : match.start()]))
        out.append(_link(url))
        position = match.start() + len(url)
    out.append(escape(line[position:]))
    return "".join(out)


def _open(tag: str, styles: dict[str, str] | None) -> str:
    style = (styles or {}).get(tag)
    return f'<{tag} style="{escape(style)}">' if style else f"<{tag}>"


def to_html(text: str, *, styles: dict[str, str] | None = None) -> SafeString:
    """The text as HTML: ``h2``/``h3``, ``ul``/``li``, ``p`` with ``br``; ``styles`` maps a tag to an inline
    ``style`` (for e-mail, where no stylesheet applies)."""
    html: list[str] = []
    for block in parse(text):
        if block.kind in ("heading", "subheading"):
            tag = "h2" if block.kind == "heading" else "h3"
            html.append(f"{_open(tag, styles)}{_inline(block.lines[0])}</{tag}>")
        elif block.kind == "list":
            items = "".join(f"{_open('li', styles)}{_inline(line)}</li>" for line in block.lines)
            html.append(f"{_open('ul', styles)}{items}</ul>")
        else:
            html.append(f"{_open('p', styles)}{'<br>'.join(_inline(line) for line in block.lines)}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of the text went through escape()


def to_plain(text: str) -> str:
    """The text for a plain-text e-mail: headings underlined, no ``==`` markers, one blank line between
    blocks (none between a heading and what it heads)."""
    out: list[str] = []
    after_heading = False
    for block in parse(text):
        if out and not after_heading:
            out.append("")
        if block.kind in ("heading", "subheading"):
            title = block.lines[0]
            out += [title, ("-" if block.kind == "heading" else "~") * len(title)]
            after_heading = True
            continue
        if block.kind == "list":
            out += [f"- {line}" for line in block.lines]
        else:
            out += list(block.lines)
        after_heading = False
    return "\n".join(out) + "\n" if out else ""
