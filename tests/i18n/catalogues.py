"""Reading art28's translation catalogues without third-party packages.

``read_po`` is a small parser for the subset of the PO format that gettext tools write (comments,
flags, msgctxt, msgid, msgid_plural, msgstr[n], continued strings); it raises ``PoSyntaxError`` with
the line number on anything else, so it also serves as the syntax check where msgfmt is missing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import art28

LOCALE_DIR = Path(art28.__file__).resolve().parent / "locale"
LANGUAGES = ("fr", "de", "it")

# Python named formats (%(name)s, %(count)d …) and the breach notice's per-customer fields ({subjects} …).
PYTHON_FORMAT = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
BRACE_FIELD = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


class PoSyntaxError(ValueError):
    pass


@dataclass
class Entry:
    msgid: str
    msgstr: list[str]
    line: int
    msgctxt: str | None = None
    msgid_plural: str | None = None
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def catalog_key(self) -> str:
        """The key GNU gettext uses: ``context\\x04msgid``, or the msgid."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    def label(self, path: Path) -> str:
        return f"{path.name}:{self.line} msgid {self.msgid!r}"


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    plural_strs: dict[int, str] = {}
    flags: set[str] = set()
    start = 0
    current: tuple[str, int | None] | None = None
    obsolete = False

    def finish() -> None:
        nonlocal fields, plural_strs, flags, current, obsolete
        if "msgid" in fields:
            if "msgid_plural" in fields:
                if not plural_strs or "msgstr" in fields:
                    raise PoSyntaxError(f"{path}:{start}: a plural entry needs msgstr[0], msgstr[1] …")
                msgstr = [plural_strs[i] for i in sorted(plural_strs)]
                if sorted(plural_strs) != list(range(len(plural_strs))):
                    raise PoSyntaxError(f"{path}:{start}: msgstr[n] indexes must run 0, 1, …")
            else:
                if "msgstr" not in fields:
                    raise PoSyntaxError(f"{path}:{start}: msgid without msgstr")
                msgstr = [fields["msgstr"]]
            entries.append(
                Entry(
                    msgid=fields["msgid"],
                    msgstr=msgstr,
                    line=start,
                    msgctxt=fields.get("msgctxt"),
                    msgid_plural=fields.get("msgid_plural"),
                    flags=flags,
                    obsolete=obsolete,
                )
            )
        elif fields or plural_strs:
            raise PoSyntaxError(f"{path}:{start}: entry without msgid")
        fields, plural_strs, flags, current, obsolete = {}, {}, set(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        try:
            if match := _KEYWORD.match(line):
                keyword, index, literal = match.groups()
                if keyword in ("msgctxt", "msgid") and ("msgstr" in fields or plural_strs):
                    finish()  # entries not separated by a blank line
                if not fields and not plural_strs:
                    start = number
                value = ast.literal_eval(literal)
                if index is not None:
                    plural_strs[int(index)] = value
                    current = ("plural", int(index))
                else:
                    if keyword in fields:
                        raise PoSyntaxError(f"{path}:{number}: {keyword} twice in one entry")
                    fields[keyword] = value
                    current = (keyword, None)
            elif line.startswith('"') and current is not None:
                value = ast.literal_eval(line)
                keyword, index = current
                if index is not None:
                    plural_strs[index] += value
                else:
                    fields[keyword] += value
            else:
                raise PoSyntaxError(f"{path}:{number}: cannot read {raw!r}")
        except (SyntaxError, ValueError) as error:
            if isinstance(error, PoSyntaxError):
                raise
            raise PoSyntaxError(f"{path}:{number}: bad string literal {raw!r}") from error
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"


def header(entries: list[Entry]) -> dict[str, str]:
    (head,) = [entry for entry in entries if entry.is_header and not entry.obsolete]
    lines = [line.split(":", 1) for line in head.msgstr[0].splitlines() if ":" in line]
    return {name.strip(): value.strip() for name, value in lines}


def messages(entries: list[Entry]) -> list[Entry]:
    """The live entries (no header, no obsolete ``#~`` ones)."""
    return [entry for entry in entries if not entry.is_header and not entry.obsolete]


def placeholders(text: str) -> list[str]:
    """Everything a translation must carry over unchanged, sorted (repeats count)."""
    return sorted(PYTHON_FORMAT.findall(text) + BRACE_FIELD.findall(text) + HTML_TAG.findall(text))


def expected_catalog(entries: list[Entry]) -> dict[object, str]:
    """The catalogue GNUTranslations would build from these entries (header included, fuzzy left out)."""
    catalog: dict[object, str] = {}
    for entry in entries:
        if entry.obsolete or ("fuzzy" in entry.flags and not entry.is_header):
            continue
        if entry.msgid_plural is not None:
            for index, text in enumerate(entry.msgstr):
                if text:
                    catalog[(entry.catalog_key, index)] = text
        elif entry.is_header:
            # msgfmt leaves the POT-Creation-Date out of the compiled header.
            lines = entry.msgstr[0].splitlines(keepends=True)
            catalog[""] = "".join(line for line in lines if not line.startswith("POT-Creation-Date:"))
        elif entry.msgstr[0]:
            catalog[entry.catalog_key] = entry.msgstr[0]
    return catalog
