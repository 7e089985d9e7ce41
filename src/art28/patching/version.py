"""Debian package versions: parsing, and a sort key that orders them exactly as dpkg does.

Debian Policy §5.6.12 ("Version") defines a version as ``[epoch:]upstream_version[-debian_revision]``
and how two versions compare:

* the *epoch* (a number, 0 when absent) is compared first, numerically;
* then the *upstream version*, then the *Debian revision* (everything after the last hyphen; an absent
  revision compares like ``0``), each with the same algorithm: the string is cut into alternating
  non-digit and digit parts, starting with a (possibly empty) non-digit part. The non-digit parts are
  compared character by character, where ``~`` sorts before anything (even the end of the part), then
  the end of the part, then letters, then the other characters, by their ASCII value; the digit parts
  are compared numerically (an empty digit part is 0). A string that ends early behaves as if padded
  with empty non-digit and zero digit parts, which is why dpkg finds ``1.0a`` equal to ``1.0a0``, and
  ``1.`` equal to ``1.0``.

:func:`version_key` turns a version into an ASCII string whose plain (bytewise) order is that order, so
that a database can sort and range-filter versions on an indexed column: SQLite's default ``BINARY``
collation and PostgreSQL's ``COLLATE "C"`` compare bytes, and the key does not depend on any locale.
Two versions dpkg calls equal (``1.0``, ``1.00``, ``0:1.0``, ``1.0-0``) get the same key.
tests/patching/test_version_key.py checks the order against dpkg's (python3-apt's
``apt_pkg.version_compare``, and ``dpkg --compare-versions``) on over 300,000 pairs of the versions of
the machine's Debian changelogs, on the scanners' known mistakes, and on random versions.

How the key is built
--------------------

``key = number(epoch) + part(upstream) + "#" + part(revision) + "#"``

``part(s)`` writes each non-digit character of ``s`` as below and each digit run as ``number(run)``;
when ``s`` ends with a non-digit character (or is empty, as a missing revision is) it gets
``number("0")``, the zero digit part dpkg implies there. The characters are chosen so that they compare
like dpkg's ``order()``:

=====================  =========================================  ====================
dpkg sees              the key has                                ASCII
=====================  =========================================  ====================
``~``                  ``!``                                      33
end of the component   ``#``                                      35
end of a non-digit     the first character of the next number     48 to 64
part                   (``0`` to ``@``)
letters                the letter itself                          65 to 90, 97 to 122
``+`` ``-`` ``.``      ``{`` ``|`` ``}`` (still in ASCII order)   123 to 125
=====================  =========================================  ====================

``number(digits)`` drops the leading zeros and writes the count of the remaining digits, then the
digits: a count from 0 to 15 is the single character ``chr(48 + count)`` (``0`` to ``9``, then
``:;<=>?``), so ``7`` is ``17``, ``10`` is ``210`` and ``0`` (or ``00``, or nothing) is ``0``; a larger
count is ``@`` followed by ``number(str(count))``, which makes the length prefix unbounded while keeping
it ordered (every count of 16 or more sorts after every single-character count). Numbers thus compare
first by their number of digits and then digit by digit, i.e. numerically, however long; and no
encoded number is a prefix of another one.

Why the bytewise order is dpkg's: reading two keys from the left, as long as they agree they have
consumed the same parts of the two versions, so the first differing character lies in corresponding
places. In a number, it is the length prefix or a digit: the numeric comparison. In a non-digit part, it
is two characters (ordered like dpkg's ``order()``), or a character against the start of the next
number, which stands for the end of the part: ``!`` (``~``) < ``0`` ... ``@`` < letters < ``{|}``. When
one component has no more parts while the other one goes on, ``#`` meets the first character of the
other's next non-digit part (never empty after the first part): ``!`` < ``#`` < letters and ``{|}``,
which is dpkg's padding with an empty part (``~`` before it, anything else after it). Equal versions
give equal keys because the key only keeps what dpkg compares: a number's value, not its leading zeros;
the implied zero after a trailing non-digit part; an absent revision is the empty string, keyed like
``0``.

Length: a character of the version gives at most one character of the key, and a digit run one more
(its count; more only for runs of 16 digits or longer), plus at most 5 (the epoch, a zero after each
component ending in a non-digit, the two ``#``): the key is at most 1.5 times the version's length + 5,
e.g. ``2.36-9+deb12u10`` (15 characters) → ``012}236#19{deb212u210#`` (22); the key of a version of
up to 330 characters fits in 500.
"""

from __future__ import annotations

import re
from typing import NoReturn

__all__ = ["MAX_EPOCH", "InvalidVersion", "compare_versions", "parse_version", "version_key"]

# dpkg refuses epochs that do not fit a C int ("epoch in version is too big").
MAX_EPOCH = 2**31 - 1

_UPSTREAM = re.compile(r"[A-Za-z0-9.+~-]+")
_REVISION = re.compile(r"[A-Za-z0-9.+~]+")

LONG_NUMBER = "@"
_SHORT_COUNTS = 16  # counts 0..15 are one character: chr(48) '0' .. chr(63) '?'
_INVALID = "\x01"


def _key_characters() -> list[str]:
    """The str.translate() table of version_key, for the 128 ASCII characters.

    Each non-digit character becomes a NUL (cut there, see version_key) followed by its key character;
    digits stay; '#' (the component end version_key puts in) becomes NUL '#'; anything else is invalid.
    """
    table = [_INVALID] * 128
    for code in range(128):
        char = chr(code)
        if "0" <= char <= "9":
            table[code] = char
        elif "A" <= char <= "Z" or "a" <= char <= "z":
            table[code] = "\0" + char
    for char, key in {"~": "!", "+": "{", "-": "|", ".": "}", "#": "#"}.items():
        table[ord(char)] = "\0" + key
    return table


_KEY_CHARACTERS = _key_characters()


class InvalidVersion(ValueError):
    """Not a Debian version (Debian Policy §5.6.12), or one dpkg would refuse."""


def parse_version(version: str) -> tuple[int, str, str]:
    """Split ``[epoch:]upstream_version[-debian_revision]`` (Debian Policy §5.6.12) into its parts.

    Returns ``(epoch, upstream, revision)``: the epoch is 0 and the revision ``""`` when absent; the
    revision is what follows the last hyphen. Raises :class:`InvalidVersion`, with the reason, when the
    string is empty, the epoch is not a decimal number or is larger than dpkg allows (2**31 - 1), the
    upstream version or the revision is empty, or either contains a character outside the policy's sets
    (``A-Za-z0-9.+~-`` for the upstream version, ``A-Za-z0-9.+~`` for the revision; so whitespace and
    ``:`` too). An upstream version that does not start with a digit is accepted, as
    ``dpkg --compare-versions`` accepts it (with a warning).
    """
    if not isinstance(version, str):
        raise InvalidVersion(f"a version is a string, not {type(version).__name__}")
    if not version:
        raise InvalidVersion("the version is empty")
    epoch = 0
    rest = version
    if ":" in version:
        epoch_text, rest = version.split(":", 1)
        if not epoch_text:
            raise InvalidVersion(f"{version!r}: the epoch before ':' is empty")
        if not epoch_text.isascii() or not epoch_text.isdigit():
            raise InvalidVersion(f"{version!r}: the epoch {epoch_text!r} is not a number")
        if _epoch_too_big(epoch_text):
            raise InvalidVersion(f"{version!r}: the epoch {epoch_text} is too big (dpkg allows up to {MAX_EPOCH})")
        epoch = int(epoch_text.lstrip("0") or "0")
        if not rest:
            raise InvalidVersion(f"{version!r}: nothing after the epoch's ':'")
    upstream, hyphen, revision = rest.rpartition("-")
    if not hyphen:
        upstream, revision = rest, ""
    elif not revision:
        raise InvalidVersion(f"{version!r}: the Debian revision after the last '-' is empty")
    if not upstream:
        raise InvalidVersion(f"{version!r}: the upstream version is empty")
    if not _UPSTREAM.fullmatch(upstream):
        raise InvalidVersion(
            f"{version!r}: invalid character {_first_invalid(upstream, _UPSTREAM)!r} in the upstream version "
            f"{upstream!r} (allowed: letters, digits and . + ~ -)"
        )
    if revision and not _REVISION.fullmatch(revision):
        raise InvalidVersion(
            f"{version!r}: invalid character {_first_invalid(revision, _REVISION)!r} in the Debian revision "
            f"{revision!r} (allowed: letters, digits and . + ~)"
        )
    return epoch, upstream, revision


def _epoch_too_big(digits: str) -> bool:
    digits = digits.lstrip("0")
    return len(digits) > len(str(MAX_EPOCH)) or int(digits or "0") > MAX_EPOCH


def _first_invalid(text: str, allowed: re.Pattern[str]) -> str:
    return next(c for c in text if not allowed.fullmatch(c))


def _refuse(version: str) -> NoReturn:
    parse_version(version)  # raises, saying why
    raise InvalidVersion(f"{version!r} is not a Debian version")  # not reached: both refuse the same


def _number(digits: str) -> str:
    """The ordered encoding of a run of decimal digits: its length without leading zeros, then it."""
    digits = digits.lstrip("0")
    count = len(digits)
    if count < _SHORT_COUNTS:
        return chr(48 + count) + digits
    return LONG_NUMBER + _number(str(count)) + digits


class _PieceKeys(dict[str, str]):
    """The key of each piece of version_key's cut, computed on first use: a key character and the digit
    run after it (if any), or a digit run alone (the epoch, the start of the upstream version).

    The same few pieces ("}1", "|1", "{deb12"…) make most versions, and a dict hit costs no Python call;
    the dict is emptied when it reaches ``limit`` pieces, so it stays small in a long-running process.
    """

    limit = 65536

    def __missing__(self, piece: str) -> str:
        if not piece or "0" <= piece[0] <= "9":
            key = _number(piece) if piece else piece
        else:
            key = piece[0] + _number(piece[1:]) if len(piece) > 1 else piece
        if len(self) >= self.limit:
            self.clear()
        self[piece] = key
        return key


_piece_key = _PieceKeys().__getitem__


def version_key(version: str) -> str:
    """An ASCII string whose bytewise order is dpkg's order of Debian versions (Policy §5.6.12).

    ``version_key(a) < version_key(b)`` exactly when dpkg says ``a`` is older than ``b``, and the keys
    are equal exactly when dpkg says the versions are equal (``1.0``, ``1.00``, ``0:1.0``, ``1.0-0``).
    The key is locale-independent, at most 1.5 times the version's length + 5 characters, and meant to be
    stored in a database column compared bytewise (SQLite's default ``BINARY`` collation, PostgreSQL's
    ``COLLATE "C"``). The encoding and why it sorts like dpkg are in the module's docstring. Raises
    :class:`InvalidVersion` for exactly what :func:`parse_version` refuses.
    """
    # The same checks as parse_version, done cheaply (a few µs a key); it explains any refusal.
    if not isinstance(version, str):
        _refuse(version)
    if ":" in version:
        epoch, _, rest = version.partition(":")
        if not epoch.isdigit() or not epoch.isascii() or (len(epoch) > 9 and _epoch_too_big(epoch)):
            _refuse(version)
    else:
        epoch, rest = "0", version
    upstream, hyphen, revision = rest.rpartition("-")
    if not hyphen:
        upstream, revision = rest, ""
    elif not revision:
        _refuse(version)
    if not upstream or "#" in rest:
        _refuse(version)
    # A component ending with a non-digit (or empty) gets the zero digit part dpkg implies there.
    if not "0" <= upstream[-1] <= "9":
        upstream += "0"
    if not revision or not "0" <= revision[-1] <= "9":
        revision += "0"
    # Each non-digit character becomes NUL + its key character, so cutting at the NULs gives pieces of
    # one key character and the digit run after it (the first piece: the leading digit run, if any).
    text = f"{upstream}#{revision}#".translate(_KEY_CHARACTERS)
    if _INVALID in text or not text.isascii():
        _refuse(version)
    return _piece_key(epoch) + "".join(map(_piece_key, text.split("\0")))


def compare_versions(a: str, b: str) -> int:
    """-1, 0 or 1 as ``a`` is older than, equal to or newer than ``b`` for dpkg (from their keys)."""
    key_a, key_b = version_key(a), version_key(b)
    return (key_a > key_b) - (key_a < key_b)
