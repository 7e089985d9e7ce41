"""The arrows of docs/architecture.md are enforced: ``lint-imports`` (``make lint``) keeps the import-linter
contracts of pyproject.toml, and an import against them fails it. Run on a copy of the source tree with a
module written into it, so the real tree is never touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def source_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "src" / "art28", tmp_path / "art28", ignore=shutil.ignore_patterns("locale", "static"))
    return tmp_path


def lint_imports(source: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's contracts, importing ``art28`` from ``source``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=source,
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_tree_keeps_every_contract(source_copy):
    result = lint_imports(source_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "imports", "broken"),
    [
        # core imports no domain app, let alone a web layer.
        ("core/wrong_arrow.py", "art28.portal.views", "Layers"),
        ("core/wrong_arrow.py", "art28.dpo.models", "Layers"),
        # A domain app never imports a web layer.
        ("breaches/wrong_arrow.py", "art28.api.urls", "Layers"),
        # Between domain apps only the allowed arrows, one way: subprocessors never imports records.
        ("subprocessors/wrong_arrow.py", "art28.records.selectors", "run one way"),
        ("dpo/wrong_arrow.py", "art28.breaches.models", "allowed arrows"),
    ],
)
def test_an_import_against_the_arrows_fails_lint_imports(source_copy, module, imports, broken):
    (source_copy / "art28" / module).write_text(f"import {imports}  # noqa: F401\n")
    result = lint_imports(source_copy)
    assert result.returncode != 0
    assert f"art28.{module.removesuffix('.py').replace('/', '.')} -> {imports}" in result.stdout
    assert broken in result.stdout.split("Broken contracts")[1]
