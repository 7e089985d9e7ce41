"""Backup and restore as docs/deploy.md prescribes (issue 10 item 6): `pg_dump` of a database with an
audit trail, `pg_restore` into an empty database, then `art28 audit-verify` checks the hash chain. A row
altered in the restored data breaks the chain and the command says where."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from tests.deploy.postgres import art28, environment, scratch_database, shell

CREATE_AUDITED_CHANGES = """
from art28.core.audit import SystemActor
from art28.core.services import organisation_create
for i in range(5):
    organisation_create(actor=SystemActor("backup test"), ref=f"B{i}", name=f"Customer {i}")
from art28.core.models import AuditEntry
print(AuditEntry.objects.count())
"""

pytestmark = pytest.mark.xdist_group("postgres-deploy")


def test_a_restored_dump_passes_audit_verify_and_an_altered_row_fails_it(
    migrated_template: str, data_dir: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "art28.dump"
    with scratch_database("deploy_backup", template=migrated_template) as source:
        entries = int(shell(CREATE_AUDITED_CHANGES, env=environment(source, data_dir)).split()[-1])
        assert entries >= 5
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source], check=True)

    with scratch_database("deploy_restore") as restored:
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={restored}", str(dump)], check=True)
        env = environment(restored, data_dir)
        verified = art28("audit-verify", env=env)
        assert f"audit trail intact: {entries} entries verified" in verified.stdout

        with psycopg.connect(restored, autocommit=True) as conn:
            seq = conn.execute("SELECT seq FROM core_auditentry ORDER BY seq OFFSET 2 LIMIT 1").fetchone()[0]
            conn.execute("UPDATE core_auditentry SET object_repr = 'Someone else' WHERE seq = %s", [seq])
        broken = art28("audit-verify", env=env, check=False)
        assert broken.returncode == 1
        assert f"audit trail broken at entry #{seq}" in broken.stderr


def test_an_altered_row_in_a_plain_dump_fails_audit_verify_after_restore(
    migrated_template: str, data_dir: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "art28.sql"
    with scratch_database("deploy_backup", template=migrated_template) as source:
        shell(CREATE_AUDITED_CHANGES, env=environment(source, data_dir))
        subprocess.run(["pg_dump", "--format=plain", "--no-owner", f"--file={dump}", source], check=True)
    text = dump.read_text()
    assert text.count("Customer 3") >= 1
    dump.write_text(text.replace("Customer 3", "Customer 9"))  # the dump edited before the restore

    with scratch_database("deploy_restore") as restored:
        subprocess.run(
            ["psql", "--quiet", "--set", "ON_ERROR_STOP=1", f"--file={dump}", restored],
            check=True,
            capture_output=True,
        )
        broken = art28("audit-verify", env=environment(restored, data_dir), check=False)
        assert broken.returncode == 1
        assert "audit trail broken at entry #" in broken.stderr
