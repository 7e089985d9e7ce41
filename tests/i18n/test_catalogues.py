"""The fr, de and it catalogues: valid, complete, faithful to their placeholders, compiled and current.

The UI and the customer notices exist in EN, FR, DE and IT (PRODUCT.md); a missing or fuzzy
translation silently shows English, and a lost placeholder breaks a notice, so both fail here.
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.i18n.catalogues import (
    LANGUAGES,
    expected_catalog,
    header,
    messages,
    mo_path,
    placeholders,
    po_path,
    read_po,
)

MSGFMT = shutil.which("msgfmt")

PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
}

each_language = pytest.mark.parametrize("language", LANGUAGES)


@each_language
def test_the_po_file_is_valid(language):
    path = po_path(language)
    assert path.is_file(), f"{path} is missing: run `make messages`"
    if MSGFMT:
        # --check-format: every msgstr uses the same python-format / brace-format directives as its msgid.
        result = subprocess.run(
            [MSGFMT, "--check-format", "--check-header", "-o", "/dev/null", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert messages(read_po(path)), f"{path} has no messages"


@each_language
def test_the_header_names_the_language_and_its_plural_forms(language):
    values = header(read_po(po_path(language)))
    assert values["Language"] == language
    assert values["Content-Type"] == "text/plain; charset=UTF-8"
    assert values["Plural-Forms"] == PLURAL_FORMS[language]


@each_language
def test_every_message_is_translated_and_none_is_fuzzy(language):
    path = po_path(language)
    entries = read_po(path)
    head = [entry for entry in entries if entry.is_header]
    assert head and "fuzzy" not in head[0].flags, f"{path.name}: the header is marked fuzzy"
    fuzzy = [entry.label(path) for entry in messages(entries) if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the flag): {fuzzy}"
    empty = [entry.label(path) for entry in messages(entries) if not all(entry.msgstr)]
    assert not empty, f"untranslated entries: {empty}"
    wrong_count = [entry.label(path) for entry in messages(entries) if entry.msgid_plural and len(entry.msgstr) != 2]
    assert not wrong_count, f"plural entries need exactly 2 forms: {wrong_count}"


@each_language
def test_every_placeholder_and_tag_of_the_msgid_is_in_the_msgstr(language):
    """%(name)s, {customer_name} and HTML tags carry over unchanged (reordering is fine)."""
    path = po_path(language)
    problems = []
    for entry in messages(read_po(path)):
        for index, text in enumerate(entry.msgstr):
            source = entry.msgid if (entry.msgid_plural is None or index == 0) else entry.msgid_plural
            if placeholders(text) != placeholders(source):
                problems.append(f"{entry.label(path)} msgstr[{index}]: {placeholders(text)} != {placeholders(source)}")
    assert not problems, "\n".join(problems)


@each_language
def test_leading_and_trailing_newlines_match(language):
    path = po_path(language)
    problems = [
        entry.label(path)
        for entry in messages(read_po(path))
        for text in entry.msgstr
        if text.startswith("\n") != entry.msgid.startswith("\n") or text.endswith("\n") != entry.msgid.endswith("\n")
    ]
    assert not problems, problems


@each_language
def test_the_compiled_mo_matches_the_po(language, tmp_path: Path):
    """The committed .mo (used at runtime, also where gettext is not installed) is the .po compiled."""
    committed = mo_path(language)
    assert committed.is_file(), f"{committed} is missing: run `make messages`"
    with committed.open("rb") as handle:
        runtime = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    # Python's reading of the .po always; msgfmt's own compilation too where gettext is installed.
    expectations = {"read_po": expected_catalog(read_po(po_path(language)))}
    if MSGFMT:
        fresh = tmp_path / "django.mo"
        subprocess.run([MSGFMT, "-o", str(fresh), str(po_path(language))], check=True)
        with fresh.open("rb") as handle:
            expectations["msgfmt"] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    for source, expected in expectations.items():
        stale = sorted(str(key) for key in expected.keys() ^ runtime.keys())
        changed = sorted(str(key) for key in expected.keys() & runtime.keys() if expected[key] != runtime[key])
        assert not stale and not changed, (
            f"{committed} is not the .po compiled ({source}); run `make messages`: {(stale + changed)[:10]}"
        )


def test_swiss_german_writes_ss_not_sharp_s():
    path = po_path("de")
    sharp = [entry.label(path) for entry in messages(read_po(path)) if any("ß" in text for text in entry.msgstr)]
    assert not sharp, f"Swiss German spells ss, not ß: {sharp}"
