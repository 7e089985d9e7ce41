"""dpkg's own order of Debian versions, as an oracle for tests: python3-apt's ``apt_pkg.version_compare``.

python3-apt belongs to Debian's system Python (/usr/bin/python3), not to the project's venv, so the
comparisons run in one long-lived ``/usr/bin/python3`` child per test process: each call sends its
pairs in one batch on the child's stdin and reads all the answers back in one line. ``make test``
installs python3-apt first (``make debian-tools``: scripts/ensure-python3-apt); without it the oracle
fails (tests using it fail, they are not skipped).
"""

from __future__ import annotations

import atexit
import subprocess
from collections.abc import Iterable, Sequence

SYSTEM_PYTHON = "/usr/bin/python3"

# The child: reads "<count>\n" then <count> lines "a\tb\n"; answers one line of -1/0/1 separated by spaces.
_CHILD = r"""
import sys
import apt_pkg
apt_pkg.init_config()
apt_pkg.init_system()
compare = apt_pkg.version_compare
readline = sys.stdin.readline
sys.stdout.write("ready\n")
sys.stdout.flush()
while True:
    header = readline()
    if not header:
        break
    answers = []
    for _ in range(int(header)):
        a, b = readline().rstrip("\n").split("\t")
        r = compare(a, b)
        answers.append("1" if r > 0 else "-1" if r < 0 else "0")
    sys.stdout.write(" ".join(answers) + "\n")
    sys.stdout.flush()
"""


class OracleUnavailable(RuntimeError):
    pass


class DpkgOracle:
    """One ``/usr/bin/python3`` child comparing versions with apt_pkg, fed in batches."""

    def __init__(self) -> None:
        try:
            self._child = subprocess.Popen(
                [SYSTEM_PYTHON, "-c", _CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        except OSError as error:
            raise OracleUnavailable(f"cannot run {SYSTEM_PYTHON}: {error}") from error
        assert self._child.stdout is not None
        if self._child.stdout.readline() != "ready\n":
            self._child.wait()
            assert self._child.stderr is not None
            raise OracleUnavailable(
                f"{SYSTEM_PYTHON} cannot import apt_pkg (python3-apt): run `make debian-tools` "
                f"(scripts/ensure-python3-apt) first.\n{self._child.stderr.read()}"
            )
        self.pairs_compared = 0

    def compare(self, pairs: Sequence[tuple[str, str]]) -> list[int]:
        """apt_pkg's -1/0/1 for each (a, b)."""
        if not pairs:
            return []
        for a, b in pairs:
            if any(c in s for s in (a, b) for c in "\t\n\r"):
                raise ValueError(f"the oracle's protocol cannot carry {a!r} / {b!r}")
        child = self._child
        assert child.stdin is not None and child.stdout is not None
        # The child reads the whole batch before it writes, so writing it all first cannot deadlock.
        child.stdin.write(f"{len(pairs)}\n" + "".join(f"{a}\t{b}\n" for a, b in pairs))
        child.stdin.flush()
        line = child.stdout.readline()
        if not line:
            assert child.stderr is not None
            raise OracleUnavailable(f"the apt_pkg child died: {child.stderr.read()}")
        answers = [int(x) for x in line.split()]
        if len(answers) != len(pairs):
            raise OracleUnavailable(f"asked {len(pairs)} comparisons, got {len(answers)} answers")
        self.pairs_compared += len(pairs)
        return answers

    def close(self) -> None:
        if self._child.poll() is None:
            assert self._child.stdin is not None
            self._child.stdin.close()
            self._child.wait(timeout=10)


_oracle: DpkgOracle | None = None


def oracle() -> DpkgOracle:
    """The test process's one oracle child, started on first use and ended at exit."""
    global _oracle
    if _oracle is None:
        _oracle = DpkgOracle()
        atexit.register(_oracle.close)
    return _oracle


def apt_version_compare(pairs: Iterable[tuple[str, str]]) -> list[int]:
    """dpkg's order (-1, 0 or 1, from ``apt_pkg.version_compare``) for each pair (a, b)."""
    return oracle().compare(list(pairs))
