"""The outbox's failing deliveries sort by whitelisted columns and export as CSV, restrictions kept."""

from __future__ import annotations

import csv
import io

import pytest

from art28.notify.models import Channel, Delivery
from art28.notify.worker import deliver_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_failing(smtp_down, org_a, org_b, send_notice) -> list[Delivery]:
    send_notice(org_a)
    send_notice(org_b)
    deliver_due()
    deliveries = list(Delivery.objects.filter(channel=Channel.EMAIL).order_by("pk"))
    Delivery.objects.filter(pk=deliveries[0].pk).update(attempts=5)
    return deliveries


def _failing_table(html: str) -> str:
    start = html.index("Failing deliveries")
    return html[html.index("<tbody>", start) : html.index("</tbody>", start)]


@pytest.mark.parametrize(("sort", "first"), [("attempts", 1), ("-attempts", 0)])
def test_failing_deliveries_sort_by_attempts(staff_client, two_failing, org_a, org_b, sort, first):
    body = _failing_table(staff_client.get(f"/staff/outbox/?sort={sort}").text)
    names = [org_a.name, org_b.name]
    assert sorted(names, key=body.index)[0] == names[first]
    assert staff_client.get("/staff/outbox/?sort=message__subject").status_code == 200


def test_failing_deliveries_csv_follows_the_sort(staff_client, two_failing, org_a, org_b):
    response = staff_client.get("/staff/outbox/?sort=-attempts&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["Customer", "Message"]
    assert [r[4] for r in rows[1:]] == ["5", "1"]
    assert org_a.name in rows[1][0] and org_b.name in rows[2][0]
