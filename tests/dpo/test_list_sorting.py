"""The DPO request list sorts by its whitelisted columns; the CSV follows the same filters and order."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def _refs(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [row.split("<code>", 1)[1].split("</code>", 1)[0] for row in body.split("<tr")[1:]]


@pytest.fixture
def three(submit):
    return [submit(days_ago=days).reference for days in (3, 10, 1)]


@pytest.mark.parametrize(
    ("sort", "order"),
    [("received", (1, 0, 2)), ("-received", (2, 0, 1)), ("due", (1, 0, 2)), ("-due", (2, 0, 1))],
)
def test_requests_sort_by_dates(dpo_client, three, sort, order):
    assert _refs(dpo_client.get(f"/staff/dpo/?sort={sort}").content.decode()) == [three[i] for i in order]


def test_requests_sort_by_reference_and_ignore_unknown_keys(dpo_client, three):
    assert _refs(dpo_client.get("/staff/dpo/?sort=reference").content.decode()) == sorted(three)
    assert _refs(dpo_client.get("/staff/dpo/?sort=-reference").content.decode()) == sorted(three, reverse=True)
    default = _refs(dpo_client.get("/staff/dpo/").content.decode())
    response = dpo_client.get("/staff/dpo/?sort=requester_email")
    assert response.status_code == 200 and _refs(response.content.decode()) == default


def test_requests_csv_follows_the_page_order(dpo_client, three):
    page = _refs(dpo_client.get("/staff/dpo/?status=open&sort=-received").content.decode())
    response = dpo_client.get("/staff/dpo/requests.csv?status=open&sort=-received")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [r[0] for r in rows[1:]] == page
