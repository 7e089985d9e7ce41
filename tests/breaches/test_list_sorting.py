"""The incident list sorts by its whitelisted columns and exports the filtered, sorted rows as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from tests.breaches.flows import declared

pytestmark = pytest.mark.django_db


def _refs(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [row.split("<code>", 1)[1].split("</code>", 1)[0] for row in body.split("<tr")[1:]]


@pytest.fixture
def three(breach_world):
    first = declared(title="Bravo leak", aware_hours_ago=5)
    second = declared(title="Alpha outage", aware_hours_ago=1)
    third = declared(title="Charlie theft", aware_hours_ago=3)
    return first.ref, second.ref, third.ref


@pytest.mark.parametrize(
    ("sort", "order"),
    [("title", (1, 0, 2)), ("-title", (2, 0, 1)), ("aware_at", (0, 2, 1)), ("-aware_at", (1, 2, 0))],
)
def test_incidents_sort(security_client, three, sort, order):
    html = security_client.get(f"/staff/breaches/?sort={sort}").content.decode()
    assert _refs(html) == [three[i] for i in order]


def test_incidents_sort_by_ref_and_bad_key(security_client, three):
    asc = _refs(security_client.get("/staff/breaches/?sort=ref").content.decode())
    assert asc == sorted(three)
    assert _refs(security_client.get("/staff/breaches/?sort=-ref").content.decode()) == sorted(three, reverse=True)
    default = _refs(security_client.get("/staff/breaches/").content.decode())
    assert _refs(security_client.get("/staff/breaches/?sort=description").content.decode()) == default


def test_incidents_csv_equals_the_filtered_page(security_client, three):
    html = security_client.get("/staff/breaches/?q=a&sort=-title").content.decode()
    response = security_client.get("/staff/breaches/?q=a&sort=-title&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["Reference", "Title"]
    assert [r[0] for r in rows[1:]] == _refs(html)
    assert [r[1] for r in rows[1:]] == ["Charlie theft", "Bravo leak", "Alpha outage"]
