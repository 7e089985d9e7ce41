"""Settings that fail safe (issue 10 item 5): with DEBUG off art28 refuses to start without its own
SECRET_KEY and ART28_BASE_URL, an https base URL turns on secure cookies, HSTS (RFC 6797) and the
redirect, every page carries a Content Security Policy, and importing the settings writes no file.

Each case imports the settings in a fresh interpreter with a crafted environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 10 + "-Strong-Test-Key-0123456789-abcdefghijklmnopqrstuvwxyz"
SHOWN = [
    "DEBUG",
    "ART28_BASE_URL",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "ALLOWED_HOSTS",
]


def import_settings(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``import art28.settings`` in a new process with only ``env`` (and PATH/HOME) set."""
    clean = {"PATH": os.environ["PATH"], "HOME": str(cwd)} | env
    code = f"import json, art28.settings as s; print(json.dumps({{n: getattr(s, n) for n in {SHOWN!r}}}, default=list))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=clean, capture_output=True, text=True, check=False, timeout=60
    )


def loaded(result: subprocess.CompletedProcess[str]) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_debug_a_missing_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = import_settings(tmp_path, ART28_BASE_URL="https://art28.example")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "var" / "secret-key.txt").exists()  # no per-host key made up in its place


def test_without_debug_a_missing_base_url_refuses_to_start(tmp_path: Path) -> None:
    result = import_settings(tmp_path, SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ImproperlyConfigured: ART28_BASE_URL is not set" in result.stderr


@pytest.mark.parametrize("url", ["art28.example", "ftp://art28.example", "https://"])
def test_a_base_url_that_is_no_http_url_refuses_to_start(tmp_path: Path, url: str) -> None:
    result = import_settings(tmp_path, SECRET_KEY=STRONG_KEY, ART28_BASE_URL=url)
    assert result.returncode != 0
    assert "ART28_BASE_URL must be an http(s) URL" in result.stderr


def test_importing_the_settings_writes_no_file(tmp_path: Path) -> None:
    loaded(import_settings(tmp_path, SECRET_KEY=STRONG_KEY, ART28_BASE_URL="https://art28.example"))
    loaded(import_settings(tmp_path, ART28_DEBUG="1"))
    assert list(tmp_path.rglob("*")) == []


def test_development_runs_without_key_and_url_when_debug_is_on(tmp_path: Path) -> None:
    shown = loaded(import_settings(tmp_path, ART28_DEBUG="1"))
    assert shown["DEBUG"] is True
    assert shown["ART28_BASE_URL"] == "http://127.0.0.1:8000"
    assert shown["SECURE_SSL_REDIRECT"] is False


def test_an_https_base_url_turns_on_secure_cookies_hsts_and_the_redirect(tmp_path: Path) -> None:
    shown = loaded(import_settings(tmp_path, SECRET_KEY=STRONG_KEY, ART28_BASE_URL="https://art28.example"))
    assert shown["SESSION_COOKIE_SECURE"] is True
    assert shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 31_536_000
    assert shown["SECURE_PROXY_SSL_HEADER"] is None  # opt-in only: a client could send the header itself
    assert "art28.example" in shown["ALLOWED_HOSTS"]


def test_an_http_base_url_leaves_them_off(tmp_path: Path) -> None:
    shown = loaded(import_settings(tmp_path, SECRET_KEY=STRONG_KEY, ART28_BASE_URL="http://127.0.0.1:8000"))
    assert shown["SESSION_COOKIE_SECURE"] is False
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0


def test_the_https_settings_are_tuned_by_environment(tmp_path: Path) -> None:
    shown = loaded(
        import_settings(
            tmp_path,
            SECRET_KEY=STRONG_KEY,
            ART28_BASE_URL="https://art28.example",
            ART28_HSTS_SECONDS="600",
            ART28_HSTS_INCLUDE_SUBDOMAINS="1",
            ART28_HSTS_PRELOAD="1",
            ART28_PROXY_SSL_HEADER="X-Forwarded-Proto",
            ART28_SSL_REDIRECT="0",
        )
    )
    assert shown["SECURE_HSTS_SECONDS"] == 600
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert shown["SECURE_HSTS_PRELOAD"] is True
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SECURE_SSL_REDIRECT"] is False


def documented_production_env(tmp_path: Path) -> dict[str, str]:
    """The environment file of docs/deploy.md (the block after ``<!-- production-env -->``), with its
    placeholders for the key and the database filled in."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    block = re.search(r"<!-- production-env -->\s*```[a-z]*\n(.*?)```", text, re.S)
    assert block, "docs/deploy.md has no production environment block"
    env = {}
    for line in block.group(1).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    assert {"SECRET_KEY", "ART28_BASE_URL", "DATABASE_URL", "EMAIL_URL"} <= env.keys()
    env["SECRET_KEY"] = STRONG_KEY
    env["ART28_DATA_DIR"] = str(tmp_path / "data")
    env["ART28_SIGNING_KEY_FILE"] = str(tmp_path / "data" / "signing-key.pem")
    return env


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)} | documented_production_env(tmp_path)
    art28 = Path(sys.executable).with_name("art28")
    result = subprocess.run(
        [str(art28), "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_every_page_carries_the_content_security_policy(client, db) -> None:
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["script-src"] == ["'self'"]  # no inline script, no eval
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    """The policy forbids inline script: a template with one would break in the browser."""
    offenders = []
    for template in (ROOT / "src" / "art28").rglob("templates/**/*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: on… event handler attribute")
        if "javascript:" in text:
            offenders.append(f"{template}: javascript: URL")
    assert offenders == []
