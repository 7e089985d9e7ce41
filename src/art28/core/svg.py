"""Small pieces shared by the server-rendered SVG pictures (the portal's residency diagram, the trust
center's countries): escaped text elements and labels cut to the room they have."""

from __future__ import annotations

from django.utils.html import escape

# An average character of the pictures' 13px sans-serif text, to fit labels without measuring fonts.
CHAR_WIDTH = 7.0


def svg_text(x: float, y: float, text: str, **attrs: str | float) -> str:
    """``<text>`` with the text escaped; ``font_weight="700"`` becomes ``font-weight="700"``."""
    extra = "".join(f' {name.replace("_", "-")}="{escape(str(value))}"' for name, value in attrs.items())
    return f'<text x="{x:.0f}" y="{y:.0f}"{extra}>{escape(text)}</text>'


def shorten(text: str, width: float, char_width: float = CHAR_WIDTH) -> str:
    """``text`` if it fits in ``width`` pixels, else cut with an ellipsis."""
    limit = max(4, int(width / char_width))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def wrap(text: str, width: float, char_width: float = CHAR_WIDTH) -> list[str]:
    """``text`` cut at spaces into lines that fit in ``width`` pixels (a single too-long word is shortened)."""
    limit = max(4, int(width / char_width))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(shorten(word, width, char_width))
    return lines or [""]
