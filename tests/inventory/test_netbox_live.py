"""`art28 netbox-sync` against a real NetBox, only when one is given (collected only with ART28_TEST_NETBOX_URL).

    ART28_TEST_NETBOX_URL=http://127.0.0.1:8001 ART28_TEST_NETBOX_TOKEN=nbt_… pytest tests/inventory/test_netbox_live.py

The NetBox must hold what scripts/netbox-populate creates (tests/inventory/netbox_captures/README.md):
then the live sync must give exactly the inventory the replayed capture gives, so the captures still
say what a real NetBox says. Without the variable this module is not collected (tests/inventory/conftest.py).
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction

from art28.inventory.netbox_api import netbox_sync
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import db_state
from tests.inventory.test_netbox_sync import _replay

pytestmark = pytest.mark.django_db


def _inventory() -> dict:
    state = db_state()
    del state["audit_entries"]
    # Sites come with their primary key, which a rolled-back import still used up on PostgreSQL.
    state["sites"] = [row[1:] for row in state["sites"]]
    return state


def test_a_live_netbox_gives_the_inventory_its_capture_gives(settings):
    settings.ART28_NETBOX_COUNTRY_FIELD = "iso_country"
    token = os.environ["ART28_TEST_NETBOX_TOKEN"]
    with transaction.atomic():
        fetched, _ = netbox_sync(os.environ["ART28_TEST_NETBOX_URL"], token, actor=TEST_ACTOR, page_size=2)
        live = _inventory()
        transaction.set_rollback(True)
    assert fetched.pages["dcim/regions"] == 3
    for replay in _replay(settings, "nbt_replay.token"):
        netbox_sync(replay.origin, "nbt_replay.token", actor=TEST_ACTOR)
    assert _inventory() == live
