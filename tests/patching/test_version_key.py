"""art28.patching.version: the Debian version sort key orders exactly like dpkg (Debian Policy §5.6.12).

Every expected order here is dpkg's own, asked of python3-apt's ``apt_pkg.version_compare`` through
one /usr/bin/python3 child (tests/patching/dpkg_oracle.py), never our own opinion: the versions of this
machine's Debian changelogs (over 300,000 pairs), the scanners' known mistakes with Debian versions,
and random versions from the policy's grammar (hypothesis).
"""

from __future__ import annotations

import functools
import gzip
import itertools
import random
import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from art28.patching.version import InvalidVersion, compare_versions, parse_version, version_key
from tests.patching.dpkg_oracle import apt_version_compare

MIN_PAIRS = 300_000
CHANGELOGS = Path("/usr/share/doc")
# The first line of each entry of a Debian changelog: "package (version) distribution(s); urgency=…".
ENTRY_HEADER = re.compile(r"^(\S+) \(([^()\s]+)\)[^;\n]*;", re.MULTILINE)


def keys_of(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    return {version: version_key(version) for version in {version for pair in pairs for version in pair}}


def disagreements(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """The pairs whose key order differs from dpkg's, described (one oracle batch for them all)."""
    dpkg = apt_version_compare(pairs)
    keys = keys_of(pairs)
    return [
        f"{a!r} vs {b!r}: dpkg {expected:+d}, keys {ours:+d} ({keys[a]!r} vs {keys[b]!r})"
        for (a, b), expected in zip(pairs, dpkg, strict=True)
        if (ours := (keys[a] > keys[b]) - (keys[a] < keys[b])) != expected
    ]


def is_valid(version: str) -> bool:
    try:
        parse_version(version)
    except InvalidVersion:
        return False
    return True


# ---------------------------------------------------------------------------------------------------
# 1. The versions of this machine's Debian changelogs, against dpkg


@functools.cache
def changelog_versions() -> dict[str, list[str]]:
    """Each source package's versions, newest first, from /usr/share/doc/*/changelog.Debian.gz."""
    by_package: dict[str, list[str]] = {}
    for path in sorted(CHANGELOGS.glob("*/changelog.Debian.gz")):
        try:
            text = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        except (OSError, EOFError):
            continue
        entries = ENTRY_HEADER.findall(text)
        if entries and entries[0][0] not in by_package:  # binary packages of one source share a changelog
            by_package[entries[0][0]] = [version for _, version in entries if is_valid(version)]
    return by_package


def variants(version: str) -> Iterable[str]:
    """Versions close to ``version`` where scanners go wrong: epochs, '~', revisions, binNMUs, zeros."""
    epoch, upstream, revision = parse_version(version)
    dash_revision = f"-{revision}" if revision else ""
    yield f"{epoch + 1}:{upstream}{dash_revision}"
    yield f"{epoch}:{upstream}{dash_revision}"
    yield f"0{epoch}:{upstream}{dash_revision}"
    yield f"{upstream}{dash_revision}"
    yield f"{upstream}~rc1{dash_revision}"
    yield f"{upstream}~{dash_revision}"
    yield f"{upstream}+dfsg{dash_revision}"
    yield f"{upstream}.0{dash_revision}"
    yield f"{upstream}a{dash_revision}"
    yield f"{upstream}-{revision or '0'}"
    yield f"{upstream}-{revision or '0'}+b1"
    yield f"{upstream}-{revision or '0'}~bpo12+1"
    yield f"{upstream}-0"
    yield version + "0"
    # Every digit run in turn one larger, and with a leading zero.
    for match in re.finditer(r"[0-9]+", version):
        start, end = match.span()
        yield version[:start] + str(int(match.group()) + 1) + version[end:]
        yield version[:start] + "0" + version[start:]


def changelog_pairs() -> list[tuple[str, str]]:
    rng = random.Random(20250612)  # fixed seed: the same pairs on every run
    by_package = changelog_versions()
    pairs: dict[tuple[str, str], None] = {}
    for versions in by_package.values():
        # Consecutive entries, older first, and random pairs inside one package (long shared prefixes).
        pairs.update(((older, newer), None) for newer, older in itertools.pairwise(versions))
        if len(versions) > 1:
            for _ in range(4 * len(versions)):
                pairs[tuple(rng.sample(versions, 2))] = None  # type: ignore[index]
    distinct = sorted({version for versions in by_package.values() for version in versions})
    for version in distinct:
        pairs.update(((version, variant), None) for variant in variants(version) if is_valid(variant))
    # Sorted by key, neighbours must be in dpkg's order too (a total order check over every version).
    by_key = sorted(distinct, key=version_key)
    pairs.update(((a, b), None) for a, b in itertools.pairwise(by_key))
    # Random pairs across packages up to the count.
    while len(pairs) < MIN_PAIRS + 20_000:
        pairs[(rng.choice(distinct), rng.choice(distinct))] = None
    return list(pairs)


def test_the_key_orders_this_machines_changelog_versions_like_dpkg():
    by_package = changelog_versions()
    distinct = {version for versions in by_package.values() for version in versions}
    assert len(distinct) >= 1_000, f"only {len(distinct)} versions in {CHANGELOGS}/*/changelog.Debian.gz"
    pairs = changelog_pairs()
    found = disagreements(pairs)
    assert found == [], f"{len(found)} disagreements with dpkg out of {len(pairs)} pairs:\n" + "\n".join(found[:30])
    assert len(pairs) >= MIN_PAIRS
    keys = keys_of(pairs)
    assert sum(1 for a, b in pairs if keys[a] == keys[b]) > 1_000  # dpkg's ties were met, too


def test_keys_are_short_ascii():
    versions = sorted({v for versions in changelog_versions().values() for v in versions})
    for version in versions:
        key = version_key(version)
        assert key.isascii() and key.isprintable()
        assert len(key) <= 1.5 * len(version) + 5, (version, key)


# ---------------------------------------------------------------------------------------------------
# 2. The scanners' known mistakes with Debian versions: dpkg's answer, written down and asked again

REGRESSIONS = [
    # Epochs (trivy#1886: the epoch was ignored, 1:1.0 was found older than 2.0).
    pytest.param("1:1.0", "2.0", 1, id="epoch-ignored-trivy-1886"),
    pytest.param("1:1.0-1", "1.0-9", 1, id="epoch-beats-revision"),
    pytest.param("0:1.0", "1.0", 0, id="epoch-0-is-no-epoch"),
    pytest.param("01:1.0", "1:1.0", 0, id="epoch-leading-zero"),
    pytest.param("10:1.0", "9:2.0", 1, id="epoch-numeric-not-textual"),
    # '~' sorts before everything, even the end of the version.
    pytest.param("1.0~rc1", "1.0", -1, id="tilde-pre-release"),
    pytest.param("1.0~~", "1.0~", -1, id="double-tilde-before-tilde"),
    pytest.param("1.0~", "1.0", -1, id="tilde-before-end"),
    pytest.param("1.0~beta1", "1.0~rc1", -1, id="tilde-beta-before-rc"),
    pytest.param("1.0-1~bpo12+1", "1.0-1", -1, id="tilde-backport-revision"),
    pytest.param("1.0~rc1+dfsg-1", "1.0+dfsg-1", -1, id="tilde-repack"),
    # Debian stable updates: +debNNuM, numerically.
    pytest.param("2.36-9+deb12u1", "2.36-9+deb12u2", -1, id="deb12u1-before-deb12u2"),
    pytest.param("2.36-9+deb12u10", "2.36-9+deb12u9", 1, id="deb12u10-after-deb12u9"),
    pytest.param("1.0-1+deb11u5", "1.0-1+deb12u1", -1, id="deb11-before-deb12"),
    # binNMUs.
    pytest.param("1.0-1", "1.0-1+b1", -1, id="binnmu-after-its-revision"),
    pytest.param("1.0-1+b1", "1.0-2", -1, id="binnmu-before-next-revision"),
    pytest.param("1.0-1+b9", "1.0-1+b10", -1, id="binnmu-numeric"),
    # The revision: absent is "0".
    pytest.param("1.0", "1.0-0", 0, id="revision-absent-equals-0"),
    pytest.param("1.0", "1.0-00", 0, id="revision-absent-equals-00"),
    pytest.param("1.0", "1.0-1", -1, id="revision-absent-before-1"),
    pytest.param("1.0", "1.0-0.1", -1, id="revision-absent-before-0.1"),
    pytest.param("1.0", "1.0-~", 1, id="revision-absent-after-tilde"),
    pytest.param("1.0-rc1-1", "1.0-1", 1, id="hyphen-in-upstream-last-hyphen-splits"),
    pytest.param("1.0-1ubuntu1", "1.0-1", 1, id="derivative-revision"),
    # Leading zeros and trailing zero parts.
    pytest.param("1.01", "1.1", 0, id="leading-zeros-upstream"),
    pytest.param("1.0-01", "1.0-1", 0, id="leading-zeros-revision"),
    pytest.param("1.0010", "1.9", 1, id="leading-zeros-then-numeric"),
    pytest.param("1.0", "1.00", 0, id="zero-with-leading-zero"),
    pytest.param("1.0a", "1.0a0", 0, id="implied-zero-after-letters"),
    pytest.param("1.", "1.0", 0, id="implied-zero-after-dot"),
    pytest.param("1.0", "1.0.0", -1, id="extra-part-is-newer"),
    # Digit runs longer than any machine integer.
    pytest.param("1.123456789012345678901", "1.123456789012345678900", 1, id="long-digits-21"),
    pytest.param("99999999999999999999999", "100000000000000000000000", -1, id="long-digits-23-vs-24"),
    pytest.param("18446744073709551616", "18446744073709551615", 1, id="long-digits-past-2-64"),
    pytest.param("1.100000000000000000000", "1.99", 1, id="long-digits-vs-short"),
    pytest.param("1." + "9" * 120, "1.1" + "0" * 120, -1, id="long-digits-120-vs-121"),
    # Letters before non-letters, by ASCII within each group.
    pytest.param("1.0a", "1.0+", -1, id="letter-before-plus"),
    pytest.param("1.0a", "1.0.", -1, id="letter-before-dot"),
    pytest.param("1.0A", "1.0a", -1, id="uppercase-before-lowercase"),
    pytest.param("1.0", "1.0a", -1, id="end-before-letter"),
    pytest.param("1.0+1", "1.0.1", -1, id="plus-before-dot"),
    pytest.param("1.0+1-1", "1.0-1-1", -1, id="plus-before-hyphen"),
    pytest.param("1.0+dfsg-1", "1.0-1", 1, id="repack-after-original"),
    # Upstream versions not starting with a digit: dpkg only warns, and orders them.
    pytest.param("a1", "9", 1, id="upstream-starting-with-a-letter"),
]


@pytest.mark.parametrize(("a", "b", "expected"), REGRESSIONS)
def test_known_scanner_errors(a: str, b: str, expected: int):
    assert apt_version_compare([(a, b), (b, a)]) == [expected, -expected]  # dpkg's answer, as written
    assert compare_versions(a, b) == expected
    assert compare_versions(b, a) == -expected
    assert (version_key(a) == version_key(b)) == (expected == 0)


def test_known_scanner_errors_with_the_dpkg_command():
    """The same cases asked of dpkg itself (``dpkg --compare-versions``), which apt_pkg follows."""
    for case in REGRESSIONS:
        a, b, expected = case.values
        lower = subprocess.run(["dpkg", "--compare-versions", a, "lt", b], capture_output=True, check=False)
        equal = subprocess.run(["dpkg", "--compare-versions", a, "eq", b], capture_output=True, check=False)
        assert lower.returncode in (0, 1) and equal.returncode in (0, 1), lower.stderr + equal.stderr
        assert (-1 if lower.returncode == 0 else 0 if equal.returncode == 0 else 1) == expected, case.id


# ---------------------------------------------------------------------------------------------------
# 3. Random versions from the policy's grammar

DIGITS = st.sampled_from(
    [
        "0",
        "1",
        "2",
        "9",
        "10",
        "01",
        "00",
        "010",
        "99",
        "100",
        "2024",
        "20240131",
        "18446744073709551616",
        "1234567890123456789012345678901234567890",
    ]
)
NON_DIGITS = st.sampled_from([*".+~-abzAZ", "rc", "dfsg", "deb", "u", "b", "~~", ".~", "+b", "~bpo"])
PIECES = st.lists(st.one_of(DIGITS, NON_DIGITS), max_size=6).map("".join)
EPOCHS = st.sampled_from(["", "", "", "0:", "1:", "2:", "00:", "01:", "10:", "2147483647:"])
UPSTREAMS = st.builds(lambda first, rest: first + rest, st.one_of(DIGITS, DIGITS, DIGITS, NON_DIGITS), PIECES)
REVISIONS = st.one_of(st.just(""), PIECES.map(lambda p: "-" + p.replace("-", "")))
VERSIONS = st.builds(lambda e, u, r: e + u + r, EPOCHS, UPSTREAMS, REVISIONS).filter(is_valid)
# Independent versions, and versions sharing a start (where the comparison goes deep).
SUFFIXES = st.one_of(st.just(""), PIECES, REVISIONS)
PAIRS = st.one_of(
    st.tuples(VERSIONS, VERSIONS),
    st.builds(lambda v, s, t: (v + s, v + t), VERSIONS, SUFFIXES, SUFFIXES).filter(
        lambda pair: is_valid(pair[0]) and is_valid(pair[1])
    ),
)
batches = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.large_base_example],
)


@batches
@given(st.lists(PAIRS, min_size=50, max_size=50))
def test_random_versions_are_ordered_like_dpkg(pairs: list[tuple[str, str]]):
    """40 batches of 50 pairs (2,000), each batch one exchange with the apt_pkg child."""
    found = disagreements(pairs)
    assert found == [], "\n".join(found)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VERSIONS, VERSIONS, VERSIONS)
def test_compare_versions_is_a_total_order(a: str, b: str, c: str):
    assert compare_versions(a, a) == 0
    assert compare_versions(a, b) == -compare_versions(b, a)
    if compare_versions(a, b) <= 0 and compare_versions(b, c) <= 0:
        assert compare_versions(a, c) <= 0
    if compare_versions(a, b) == 0:
        assert version_key(a) == version_key(b) and compare_versions(a, c) == compare_versions(b, c)
    for version in (a, b, c):
        key = version_key(version)
        assert key.isascii() and key.isprintable() and len(key) <= 1.5 * len(version) + 5


# ---------------------------------------------------------------------------------------------------
# 4. Invalid versions


def test_parse_version_parts():
    assert parse_version("1:2.36-9+deb12u10") == (1, "2.36", "9+deb12u10")
    assert parse_version("2.36") == (0, "2.36", "")
    assert parse_version("1.0-rc1-1") == (0, "1.0-rc1", "1")
    assert parse_version("007:1.0") == (7, "1.0", "")


@pytest.mark.parametrize(
    ("version", "message"),
    [
        pytest.param("", "the version is empty", id="empty"),
        pytest.param(":1.0", "epoch before ':' is empty", id="empty-epoch"),
        pytest.param("a:1.0", "epoch 'a' is not a number", id="letter-epoch"),
        pytest.param("-1:1.0", "epoch '-1' is not a number", id="negative-epoch"),
        pytest.param("+1:1.0", "epoch '+1' is not a number", id="signed-epoch"),
        pytest.param(" 1:1.0", "epoch ' 1' is not a number", id="space-in-epoch"),
        pytest.param("\u0661:1.0", "is not a number", id="non-ascii-digit-epoch"),
        pytest.param("2147483648:1.0", "too big", id="epoch-past-dpkg-int"),
        pytest.param("1:", "nothing after the epoch", id="nothing-after-epoch"),
        pytest.param("1.0-", "revision after the last '-' is empty", id="empty-revision"),
        pytest.param("-1", "upstream version is empty", id="empty-upstream"),
        pytest.param("1:-1", "upstream version is empty", id="empty-upstream-after-epoch"),
        pytest.param("1.0_1", "invalid character '_' in the upstream version", id="underscore"),
        pytest.param("1.0 1", "invalid character ' ' in the upstream version", id="space"),
        pytest.param("1.0\n", "invalid character '\\n' in the upstream version", id="newline"),
        pytest.param("1:2:3", "invalid character ':' in the upstream version", id="colon-in-upstream"),
        pytest.param("1.é", "invalid character 'é' in the upstream version", id="non-ascii"),
        pytest.param("1.0-1_2", "invalid character '_' in the Debian revision", id="underscore-in-revision"),
        pytest.param("1.0-1 ", "invalid character ' ' in the Debian revision", id="space-in-revision"),
    ],
)
def test_invalid_versions_are_refused_with_the_reason(version: str, message: str):
    for function in (parse_version, version_key, lambda v: compare_versions(v, "1.0")):
        with pytest.raises(InvalidVersion, match=re.escape(message)):
            function(version)
    assert issubclass(InvalidVersion, ValueError)


def test_a_version_must_be_a_string():
    with pytest.raises(InvalidVersion, match="a version is a string, not NoneType"):
        version_key(None)  # type: ignore[arg-type]


def test_the_piece_cache_stays_bounded_and_correct(monkeypatch):
    from art28.patching import version

    versions = sorted({v for versions in changelog_versions().values() for v in versions})[:2000]
    expected = [version_key(v) for v in versions]
    cache = version._piece_key.__self__
    monkeypatch.setattr(version._PieceKeys, "limit", 8)
    cache.clear()
    assert [version_key(v) for v in versions] == expected
    assert len(cache) <= 8
