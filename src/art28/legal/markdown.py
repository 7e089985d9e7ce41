"""Markdown to safe HTML for legal documents: CommonMark with tables, raw HTML never passed through.

Documents are written by staff but read by everyone on the trust center; rendering with ``html=False``
escapes any HTML in the text, and only http(s)/mailto links survive, so a document cannot carry script.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_ALLOWED_LINK_SCHEMES = ("http:", "https:", "mailto:", "#", "/")


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    parser.validateLink = lambda url: url.strip().lower().startswith(_ALLOWED_LINK_SCHEMES)  # type: ignore[method-assign]
    return parser


_PARSER = _parser()


def render_markdown(text: str) -> SafeString:
    """The HTML of ``text`` (safe to put in a page or a PDF as is)."""
    return mark_safe(_PARSER.render(text or ""))  # noqa: S308 - html=False escapes every tag of the input
