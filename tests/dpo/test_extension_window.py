"""One function decides the extension window (``Deadline.extension_possible_on``): the day the staff
page says an extension is "possible until" is the last day the service accepts it, with the periods
ending on the next working day (Reg. 1182/71 Art. 3(4); CO Art. 78(1))."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import formats, translation

from art28.core.models import AuditEntry
from art28.notify.models import Message
from tests.dpo.conftest import at_noon

pytestmark = pytest.mark.django_db

CASES = [
    # 31 Jan 2027 from Germany to a Swiss provider (both laws): one month → 28 Feb 2027, a Sunday →
    # Monday 1 March (GDPR Art. 12(3), Reg. 1182/71 Art. 3(4)); 30 days → Tuesday 2 March. The earlier.
    pytest.param("DE", dt.date(2027, 1, 31), dt.date(2027, 3, 1), {}, id="gdpr-sunday-28-february"),
    # 5 Feb 2027 from Switzerland: 30 days → Sunday 7 March → Monday 8 March (DSV Art. 18(2), CO Art. 78(1)).
    pytest.param("CH", dt.date(2027, 2, 5), dt.date(2027, 3, 8), {"new_due_on": "2027-05-03"}, id="nfadp-sunday"),
    # 1 Dec 2026 from Switzerland: 30 days → 31 Dec, Geneva's Restauration, then 1 Jan and a weekend.
    pytest.param("CH", dt.date(2026, 12, 1), dt.date(2027, 1, 4), {"new_due_on": "2027-02-01"}, id="nfadp-geneva"),
]


def _window_on_page(dpo_client, reference: str) -> str:
    page = dpo_client.get(f"/staff/dpo/{reference}/").content.decode()
    return re.search(r'id="extension-window" data-until="([0-9-]+)"', page).group(1)


@pytest.mark.parametrize(("country", "received", "until", "extra"), CASES)
def test_reg_1182_71_art_3_4_co_art_78_the_page_date_is_the_last_day_the_extension_is_accepted(
    dpo_client, submit, today_is, country, received, until, extra
):
    request = submit(country=country, received_at=at_noon(received))
    today_is(received + dt.timedelta(days=3))
    shown = _window_on_page(dpo_client, request.reference)
    assert shown == until.isoformat()
    with translation.override("en"):
        assert (
            f"Possible until {formats.date_format(until, 'DATE_FORMAT')}"
            in dpo_client.get(f"/staff/dpo/{request.reference}/").content.decode()
        )

    today_is(dt.date.fromisoformat(shown))  # exactly the day the page names
    assert _window_on_page(dpo_client, request.reference) == shown  # the form is still offered
    response = dpo_client.post(
        f"/staff/dpo/{request.reference}/extend", {"reasons": "Archives on tape."} | extra, follow=True
    )
    assert b"Deadline extended" in response.content
    request.refresh_from_db()
    assert request.extended_due_on is not None and request.extended_due_on > request.due_on
    assert AuditEntry.objects.filter(action="dpo.request.extend").count() == 1


@pytest.mark.parametrize(("country", "received", "until", "extra"), CASES)
def test_reg_1182_71_art_3_4_co_art_78_one_day_after_the_page_date_the_extension_is_refused(
    dpo_client, submit, today_is, country, received, until, extra
):
    request = submit(country=country, received_at=at_noon(received))
    today_is(received + dt.timedelta(days=3))
    shown = dt.date.fromisoformat(_window_on_page(dpo_client, request.reference))

    today_is(shown + dt.timedelta(days=1))
    page = dpo_client.get(f"/staff/dpo/{request.reference}/").content.decode()
    assert 'id="extension-window"' not in page and "/extend" not in page  # not offered
    response = dpo_client.post(
        f"/staff/dpo/{request.reference}/extend", {"reasons": "Archives on tape."} | extra, follow=True
    )
    assert f"An extension must be told by {formats.date_format(shown)}; that is past." in response.content.decode()
    request.refresh_from_db()
    assert request.extended_due_on is None
    assert not Message.objects.filter(subject__contains="More time").exists()


def test_gdpr_art_12_3_the_form_offers_the_three_months_the_service_allows(dpo_client, submit, today_is):
    request = submit(country="DE", received_at=at_noon(dt.date(2026, 11, 30)))
    today_is(dt.date(2026, 12, 2))
    page = dpo_client.get(f"/staff/dpo/{request.reference}/").content.decode()
    # 30 Nov 2026 + 3 months → 28 Feb 2027, a Sunday → Monday 1 March (Reg. 1182/71 Art. 3(4)).
    assert 'max="2027-03-01" value="2027-03-01"' in page
    dpo_client.post(f"/staff/dpo/{request.reference}/extend", {"reasons": "Complex.", "new_due_on": "2027-03-01"})
    request.refresh_from_db()
    assert request.extended_due_on == dt.date(2027, 3, 1)
