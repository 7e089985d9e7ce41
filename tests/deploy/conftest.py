"""A migrated PostgreSQL database made once per session, copied (CREATE DATABASE … TEMPLATE) by each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.postgres import art28, environment, scratch_database


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The name of a database with every migration applied and nothing else."""
    data_dir = tmp_path_factory.mktemp("template-data")
    with scratch_database("deploy_template") as database_url:
        art28("migrate", "--no-input", "-v0", env=environment(database_url, data_dir))
        yield database_url.rsplit("/", 1)[1]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
