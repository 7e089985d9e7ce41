"""The migration to texts in four languages: acceptances recorded before were of the English text, the
only one there was, so each gets ``language = en`` and the SHA-256 of its version's English text (GDPR
Art. 28(9): every acceptance names the text accepted)."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("legal", "0001_initial")]
AFTER = [("legal", "0002_translations_and_acceptance_language")]


@pytest.mark.django_db(transaction=True)
def test_existing_acceptances_name_the_english_text_they_accepted():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organisation = old.get_model("core", "Organisation").objects.create(ref="ACME", name="Acme SA")
    document = old.get_model("legal", "Document").objects.create(slug="terms", kind="terms", title="Terms")
    version = old.get_model("legal", "DocumentVersion").objects.create(
        document=document,
        number=1,
        body="# Terms\n\nv1\n",
        status="published",
        effective_on=timezone.localdate(),
        published_at=timezone.now(),
    )
    old.get_model("legal", "Acceptance").objects.create(
        organisation=organisation, version=version, accepted_at=timezone.now()
    )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        acceptance = new.get_model("legal", "Acceptance").objects.get()
        assert acceptance.language == "en"
        assert acceptance.text_sha256 == hashlib.sha256(b"# Terms\n\nv1\n").hexdigest()
        assert new.get_model("legal", "DocumentVersion").objects.get().body_i18n == {}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
