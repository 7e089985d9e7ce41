"""The migration to recorded authorisations (GDPR Art. 28(2)): existing contracts were recorded by staff
and stay valid — ``source = manual``, ``recorded_on`` their signature date, else the day they were last
saved; customers without one are, from then on, not authorised (no row is invented for them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("subprocessors", "0001_initial")]
AFTER = [("subprocessors", "0002_recorded_authorisation")]


@pytest.mark.django_db(transaction=True)
def test_existing_contracts_stay_valid_as_manual_authorisations_and_nobody_gets_a_default():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organisation = old.get_model("core", "Organisation")
    contract = old.get_model("subprocessors", "Contract")
    signed = organisation.objects.create(ref="SIGNED", name="Signed AG")
    undated = organisation.objects.create(ref="UNDATED", name="Undated SA")
    organisation.objects.create(ref="NONE", name="None GmbH")
    contract.objects.create(
        organisation=signed, authorisation="specific", notice_days=45, signed_on=dt.date(2023, 5, 1)
    )
    contract.objects.create(organisation=undated, authorisation="general", notice_days=30)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("subprocessors", "Contract")
        rows = {c.organisation.ref: c for c in new.objects.select_related("organisation")}
        assert set(rows) == {"SIGNED", "UNDATED"}  # NONE has no authorisation, and gets none
        assert (rows["SIGNED"].source, rows["SIGNED"].recorded_on) == ("manual", dt.date(2023, 5, 1))
        assert (rows["SIGNED"].authorisation, rows["SIGNED"].notice_days) == ("specific", 45)
        assert rows["UNDATED"].source == "manual"
        assert rows["UNDATED"].recorded_on == timezone.localdate(rows["UNDATED"].updated_at)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
