"""scripts/check-licences (issue 10 item 9): every installed distribution's licence must be one the
AGPL-3.0-or-later can take in (GNU AGPL v3 §10: no further restrictions on the recipients' rights)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check-licences"
# sha256 of the FSF's agpl-3.0.txt, unmodified.
AGPL_SHA256 = "0d96a4ff68ad6d4b6f1f30f713b18d5184912ba8dd389f86aa7710db079abcb0"


def check(extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    return subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, check=False, timeout=120
    )


def fake_distribution(where: Path, name: str, *headers: str) -> Path:
    """A distribution as an installer leaves it: a NAME-VERSION.dist-info folder with METADATA."""
    info = where / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("\n".join(["Metadata-Version: 2.4", f"Name: {name}", "Version: 1.0", *headers]))
    return info


def test_the_licence_file_is_the_unmodified_agpl_3() -> None:
    assert hashlib.sha256((ROOT / "LICENSE").read_bytes()).hexdigest() == AGPL_SHA256


def test_the_installed_distributions_pass() -> None:
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all compatible with the AGPL-3.0" in result.stdout
    assert "Django" in result.stdout  # it lists them


@pytest.mark.parametrize(
    "headers",
    [
        ["License-Expression: CC-BY-NC-4.0"],
        ["License-Expression: MIT AND CC-BY-NC-SA-4.0"],
        ["License-Expression: CC-BY-ND-4.0"],
        ["License-Expression: SSPL-1.0"],
        ["License-Expression: BUSL-1.1"],
        ["License-Expression: Elastic-2.0"],
        ["License-Expression: LicenseRef-Proprietary"],
        ["License-Expression: GPL-2.0-only"],
        ["License: Free for non-commercial use only"],
        ["Classifier: License :: Other/Proprietary License"],
        ["Classifier: License :: OSI Approved :: MIT License", "Classifier: License :: Other/Proprietary License"],
        ["License: Frobnitz Community Licence"],  # unknown, and not reviewed
        [],  # no licence stated at all
    ],
    ids=lambda h: "; ".join(h) or "nothing",
)
def test_an_incompatible_or_unknown_licence_fails(tmp_path: Path, headers: list[str]) -> None:
    fake_distribution(tmp_path, "fake-lib", *headers)
    result = check(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "fake-lib" in result.stderr
    assert any(line.startswith("fake-lib 1.0") and "ok" not in line.split()[2] for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    "headers",
    [
        ["License-Expression: MIT"],
        ["License-Expression: (Apache-2.0 OR CC-BY-NC-4.0) AND BSD-3-Clause"],  # the OR offers a free choice
        ["License-Expression: GPL-2.0-or-later WITH Classpath-exception-2.0"],
        ["License: BSD", "Classifier: License :: OSI Approved :: BSD License"],
    ],
    ids=lambda h: "; ".join(h),
)
def test_a_compatible_licence_passes(tmp_path: Path, headers: list[str]) -> None:
    fake_distribution(tmp_path, "fake-lib", *headers)
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_review_entry_needs_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader = SourceFileLoader("check_licences", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("check_licences", loader))
    monkeypatch.setitem(sys.modules, "check_licences", module)  # dataclasses look their module up
    loader.exec_module(module)
    review = tmp_path / "review.toml"
    review.write_text('[qrcode]\nlicence = "BSD-3-Clause"\nreason = ""\n')
    with pytest.raises(SystemExit, match="no reason"):
        module.reviewed(review)
    review.write_text('[Some_Lib]\nlicence = "MIT"\nreason = "read it"\n')
    assert module.reviewed(review) == {"some-lib": {"licence": "MIT", "reason": "read it"}}
