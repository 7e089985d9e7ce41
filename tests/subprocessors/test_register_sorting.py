"""The staff sub-processor register sorts by its whitelisted columns and exports the same rows as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from art28.subprocessors.models import SubProcessor

pytestmark = pytest.mark.django_db


def _slugs(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [row.split('<code class="small">', 1)[1].split("</code>", 1)[0] for row in body.split("<tr")[1:]]


@pytest.fixture
def three(db):
    root = SubProcessor.objects.create(slug="b-cloud", legal_name="bravo Cloud", address="x", purpose="hosting",
                                       countries="DE", in_use_from=dt.date(2020, 1, 1))  # fmt: skip
    SubProcessor.objects.create(slug="a-mail", legal_name="Alpha Mail", address="x", purpose="=cmd|' /C calc'!A0",
                                countries="FR", engaged_by=root, in_use_from=dt.date(2021, 1, 1))  # fmt: skip
    SubProcessor.objects.create(slug="c-backup", legal_name="Charlie Backup", address="x", purpose="backup",
                                countries="CH")  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["a-mail", "b-cloud", "c-backup"]),
        ("-name", ["c-backup", "b-cloud", "a-mail"]),
        ("countries", ["c-backup", "b-cloud", "a-mail"]),
        ("-countries", ["a-mail", "b-cloud", "c-backup"]),
        ("in_use", ["c-backup", "b-cloud", "a-mail"]),
        ("-in_use", ["a-mail", "b-cloud", "c-backup"]),
    ],
)
def test_register_sorts(staff_client, three, sort, expected):
    assert _slugs(staff_client.get(f"/staff/subprocessors/?sort={sort}").content.decode()) == expected


def test_register_sorts_by_who_engaged_them(staff_client, three):
    """Those the provider engages itself (no engaging sub-processor) come first, in the register's order."""
    html = staff_client.get("/staff/subprocessors/?sort=engaged_by").content.decode()
    assert _slugs(html)[-1] == "a-mail"
    assert _slugs(staff_client.get("/staff/subprocessors/?sort=-engaged_by").content.decode())[0] == "a-mail"


def test_register_ignores_unknown_keys_and_csv_matches_the_page(staff_client, three):
    default = _slugs(staff_client.get("/staff/subprocessors/").content.decode())
    assert _slugs(staff_client.get("/staff/subprocessors/?sort=contact_email").content.decode()) == default
    page = _slugs(staff_client.get("/staff/subprocessors/?sort=-name").content.decode())
    response = staff_client.get("/staff/subprocessors/?sort=-name&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[1] for r in rows[1:]] == page
    assert rows[3][2] == "'=cmd|' /C calc'!A0"  # formula neutralised
    assert rows[3][5] == "bravo Cloud"
