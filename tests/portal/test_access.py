"""Where each side lands. Who may open which page (customers only their portal, staff only the back
office, nobody anonymous) is the role table's, tested for every page in tests/access/test_role_table.py."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_home_sends_each_role_to_its_side(client_a, staff_client):
    assert client_a.get("/")["Location"] == "/portal/"
    assert staff_client.get("/")["Location"] == "/staff/"
