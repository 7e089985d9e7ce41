"""Scratch PostgreSQL databases and `art28` in subprocesses, for the deployment tests (tests/deploy).

These tests run real processes against a real PostgreSQL (127.0.0.1:5432, as CI starts it), whatever
database the rest of the suite uses: a dump, a restore and two workers are what is being tested.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

SERVER = os.environ.get("ART28_TEST_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
ART28 = str(Path(sys.executable).with_name("art28"))


def url(name: str) -> str:
    return f"{SERVER}/{name}"


def admin() -> psycopg.Connection:
    return psycopg.connect(url("postgres"), autocommit=True)


@contextmanager
def scratch_database(prefix: str, *, template: str | None = None) -> Iterator[str]:
    """A new, uniquely named database (a copy of ``template`` if given), dropped afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield url(name)
    finally:
        with admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ) | {"DATABASE_URL": database_url, "ART28_DATA_DIR": str(data_dir)}
    env.setdefault("ART28_LOG_LEVEL", "ERROR")
    return env | extra


def art28(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([ART28, *args], env=env, capture_output=True, text=True, check=False, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"art28 {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def shell(code: str, *, env: dict[str, str]) -> str:
    """Runs ``code`` in ``art28 shell`` (Django set up) and returns what it printed."""
    return art28("shell", "--no-imports", "-c", code, env=env).stdout
