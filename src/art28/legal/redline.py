"""A redline of two versions of a legal document: the formatted text of the newer one, with what was
inserted underlined (``<ins>``) and what was deleted struck through (``<del>``) inside its own heading,
paragraph, list item or table cell (GDPR Art. 28(9) and Art. 12(1): a customer asked to accept a new
version must be able to see, in clear form, what changed).

Both versions are parsed by the project's own renderer (``legal/markdown.py``: CommonMark, raw HTML never
passed through, clause markers removed, front matter left out by ``legal/source.py``). The comparison is
in two steps so a long document stays fast: ``difflib.SequenceMatcher`` over one hash per *block* (leaf
blocks: headings, paragraphs, list items' text, table cells, code blocks, rules), then word by word only
inside the pairs of blocks that changed. Every piece of text and every link target is HTML-escaped here,
so a document's text can never become markup. The raw line diff of the Markdown source stays in
``legal/diff.py`` for auditors.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it.token import Token

from art28.legal.markdown import markdown_tokens
from art28.legal.source import document_text

_WORDS = re.compile(r"\s+|\S+\s*")  # a word with the spaces after it
_CONTAINERS = {
    "bullet_list": "ul",
    "ordered_list": "ol",
    "list_item": "li",
    "blockquote": "blockquote",
    "table": "table",
    "thead": "thead",
    "tbody": "tbody",
    "tr": "tr",
}
_LEAVES = {"paragraph": "p", "heading": "", "th": "th", "td": "td"}
_INLINE_MARKS = {"strong_open": "strong", "em_open": "em", "link_open": "a"}
_BREAK = ("br", "")

Mark = tuple[str, str]  # (tag, href) — href only for links
Item = tuple[str, tuple[Mark, ...]]  # a word (or run of spaces) with the inline formatting around it


@dataclass(frozen=True)
class Container:
    tag: str
    attrs: str  # already escaped, e.g. ' start="3"'
    ident: int  # the position of its opening token: unique within one version


@dataclass(frozen=True)
class Block:
    """A leaf block: its containers (outermost first), its own element and its inline content."""

    path: tuple[Container, ...]
    tag: str  # p, h1…h6, th, td, pre, hr; "" for the text of a tight list item (no <p>)
    attrs: str
    items: tuple[Item, ...]

    @property
    def shape(self) -> tuple[tuple[str, ...], str]:
        return tuple(c.tag for c in self.path), self.tag

    @property
    def key(self) -> int:
        return hash((self.shape, self.attrs, self.items))


@dataclass(frozen=True)
class Redline:
    html: SafeString
    stats: dict[str, int]  # blocks inserted, deleted, changed

    @property
    def changed(self) -> bool:
        return any(self.stats.values())


def _words(text: str, marks: tuple[Mark, ...]) -> list[Item]:
    return [(word, marks) for word in _WORDS.findall(text)]


def _inline_items(children: list[Token]) -> tuple[Item, ...]:
    items: list[Item] = []
    marks: list[Mark] = []
    for token in children:
        if token.type in _INLINE_MARKS:
            href = str(token.attrGet("href") or "") if token.type == "link_open" else ""
            marks.append((_INLINE_MARKS[token.type], href))
        elif token.type.endswith("_close") and marks:
            marks.pop()
        elif token.type == "code_inline":
            items += _words(token.content, (*marks, ("code", "")))
        elif token.type == "softbreak":
            items.append(("\n", tuple(marks)))
        elif token.type == "hardbreak":
            items.append(("", (*marks, _BREAK)))
        elif token.type == "image":
            items += _words(token.content or "", tuple(marks))
        elif token.content:
            items += _words(token.content, tuple(marks))
    return tuple(items)


def blocks_of(body: str) -> list[Block]:
    """The leaf blocks of a version, in order, as the renderer parses them."""
    blocks: list[Block] = []
    path: list[Container] = []
    tokens = markdown_tokens(document_text(body))
    pending: tuple[str, str] | None = None  # the leaf element opened, waiting for its inline token
    for index, token in enumerate(tokens):
        name = token.type.removesuffix("_open").removesuffix("_close")
        if name in _CONTAINERS:
            if token.nesting == 1:
                start = token.attrGet("start")
                attrs = f' start="{escape(start)}"' if start is not None else ""
                path.append(Container(_CONTAINERS[name], attrs, index))
            elif token.nesting == -1 and path:
                path.pop()
        elif name in _LEAVES and token.nesting == 1:
            tag = token.tag if name == "heading" else ("" if token.hidden else _LEAVES[name])
            style = token.attrGet("style")
            pending = (tag, f' style="{escape(style)}"' if style else "")
        elif token.type == "inline" and pending is not None:
            tag, attrs = pending
            pending = None
            items = _inline_items(token.children or [])
            if items or tag in ("th", "td"):  # a paragraph of clause markers only is not shown
                blocks.append(Block(tuple(path), tag, attrs, items))
        elif token.type in ("fence", "code_block"):
            blocks.append(Block(tuple(path), "pre", "", tuple(_words(token.content, ()))))
        elif token.type == "hr":
            blocks.append(Block(tuple(path), "hr", "", ()))
    return blocks


def _render_items(items: list[Item] | tuple[Item, ...]) -> str:
    """Escaped text, each run of words wrapped in its own formatting (so the HTML always nests)."""
    out: list[str] = []
    run: list[str] = []
    current: tuple[Mark, ...] | None = None

    def flush() -> None:
        if current is None:
            return
        opening = "".join(f'<a href="{escape(href)}">' if tag == "a" else f"<{tag}>" for tag, href in current)
        closing = "".join(f"</{tag}>" for tag, _href in reversed(current))
        out.append(opening + "".join(run) + closing)

    for word, marks in items:
        if _BREAK in marks:
            flush()
            run, current = [], None
            out.append("<br>")
            continue
        if marks != current:
            flush()
            run, current = [], marks
        run.append(escape(word))
    flush()
    return "".join(out)


def _wrapped(op: str, html: str) -> str:
    # The label before each change, for screen readers (outside the f-strings, where makemessages sees it).
    if op == "insert":
        label = escape(_("inserted:"))
        return f'<ins><span class="visually-hidden">{label} </span>{html}</ins>'
    label = escape(_("deleted:"))
    return f'<del><span class="visually-hidden">{label} </span>{html}</del>'


def _bare(items: tuple[Item, ...]) -> list[Item]:
    return [(word.rstrip() or word, marks) for word, marks in items]


def _word_diff(old: tuple[Item, ...], new: tuple[Item, ...]) -> str:
    parts: list[str] = []
    # Words compared without the spaces after them: "hours" at the end of a heading is the same word as
    # "hours " before another one.
    matcher = difflib.SequenceMatcher(None, _bare(old), _bare(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(_render_items(new[j1:j2]))
            continue
        if i2 > i1:
            parts.append(_wrapped("delete", _render_items(old[i1:i2])))
        if j2 > j1:
            parts.append(_wrapped("insert", _render_items(new[j1:j2])))
    return "".join(parts)


def _leaf(block: Block, content: str, op: str) -> str:
    css = f' class="redline-{op}"' if op in ("insert", "delete") else ""
    if block.tag == "hr":
        return _wrapped(op, "<hr>") if css else "<hr>"
    if block.tag == "pre":
        return f"<pre{css}><code>{content}</code></pre>"
    if not block.tag:
        return content
    return f"<{block.tag}{block.attrs}{css}>{content}</{block.tag}>"


@dataclass
class _Open:
    tag: str
    old: int | None
    new: int | None


class _Writer:
    """Opens and closes the containers (lists, items, quotes, tables) around each block: a block from
    either version stays in the list, item or row it shares with its neighbours in that version."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.open: list[_Open] = []

    def write(self, html: str, old: Block | None, new: Block | None) -> None:
        shown = new or old
        assert shown is not None
        depth = len(shown.path)
        keep = 0
        while keep < min(depth, len(self.open)):
            level = self.open[keep]
            old_id = old.path[keep].ident if old else None
            new_id = new.path[keep].ident if new else None
            same = (old_id is not None and level.old == old_id) or (new_id is not None and level.new == new_id)
            if level.tag != shown.path[keep].tag or not same:
                break
            level.old = old_id if old_id is not None else level.old
            level.new = new_id if new_id is not None else level.new
            keep += 1
        self.close_to(keep)
        for index in range(keep, depth):
            container = shown.path[index]
            self.out.append(f"<{container.tag}{container.attrs}>")
            self.open.append(
                _Open(
                    container.tag,
                    old.path[index].ident if old else None,
                    new.path[index].ident if new else None,
                )
            )
        self.out.append(html)

    def close_to(self, depth: int) -> None:
        while len(self.open) > depth:
            self.out.append(f"</{self.open.pop().tag}>")


_LOOK_AHEAD = 5  # newer blocks searched for the one an older block became (keeps a long rewrite linear)
_SIMILAR = 0.5  # the share of words two blocks have in common to count as one block changed


def _similar(a: Block, b: Block) -> bool:
    matcher = difflib.SequenceMatcher(None, _bare(a.items), _bare(b.items), autojunk=False)
    return matcher.real_quick_ratio() >= _SIMILAR and matcher.quick_ratio() >= _SIMILAR and matcher.ratio() >= _SIMILAR


def _pairs(olds: list[Block], news: list[Block]) -> list[tuple[Block | None, Block | None]]:
    """The blocks of a replaced run, in order: (old, new) for a block changed, (old, None) deleted,
    (None, new) inserted. An older block pairs with the first similar newer block of the same kind a few
    blocks ahead (the ones skipped were inserted), else with the next newer block of its kind."""
    pairs: list[tuple[Block | None, Block | None]] = []
    j = 0
    for a in olds:
        window = range(j, min(len(news), j + _LOOK_AHEAD))
        match = next((k for k in window if news[k].shape == a.shape and _similar(a, news[k])), None)
        if match is None and j < len(news) and news[j].shape == a.shape and a.tag != "hr":
            match = j
        if match is None:
            pairs.append((a, None))
            continue
        pairs += [(None, b) for b in news[j:match]]
        pairs.append((a, news[match]))
        j = match + 1
    pairs += [(None, b) for b in news[j:]]
    return pairs


def redline(old_body: str, new_body: str) -> Redline:
    """The newer version's formatted text with the changes from the older one marked in place."""
    old, new = blocks_of(old_body), blocks_of(new_body)
    writer = _Writer()
    stats = {"insert": 0, "delete": 0, "change": 0}

    def deleted(block: Block) -> None:
        stats["delete"] += 1
        writer.write(_leaf(block, _wrapped("delete", _render_items(block.items)), "delete"), block, None)

    def inserted(block: Block) -> None:
        stats["insert"] += 1
        writer.write(_leaf(block, _wrapped("insert", _render_items(block.items)), "insert"), None, block)

    matcher = difflib.SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for same_old, same_new in zip(old[i1:i2], new[j1:j2], strict=True):
                writer.write(_leaf(same_new, _render_items(same_new.items), "equal"), same_old, same_new)
            continue
        for a, b in _pairs(old[i1:i2], new[j1:j2]):
            if a is not None and b is not None:
                stats["change"] += 1
                writer.write(_leaf(b, _word_diff(a.items, b.items), "change"), a, b)
            elif a is not None:
                deleted(a)
            elif b is not None:
                inserted(b)
    writer.close_to(0)
    return Redline(html=mark_safe("".join(writer.out)), stats=stats)  # noqa: S308 - every text escaped above
