"""The staff pages of the DPO desk (S11): who sees requests (they hold personal data: DPO, admin,
security, auditor; not operations), the deadline clock, the actions and the dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone, translation

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.dpo.models import Event, Request
from art28.notify.models import Message
from art28.notify.worker import deliver_due
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.SECURITY, Role.AUDITOR])
def test_readers_cannot_act(make_user, submit, role):
    request = submit()
    client = logged_in(make_user(f"{role}@provider.example", role))
    assert client.post(f"/staff/dpo/{request.reference}/note", {"text": "x"}).status_code == 403
    assert client.post(f"/staff/dpo/{request.reference}/close", {"outcome": "answered"}).status_code == 403
    assert not Event.objects.filter(kind="note").exists()


def test_the_list_shows_the_deadline_clock_overdue_in_red(dpo_client, submit, django_assert_max_num_queries):
    late = submit(days_ago=40)
    soon = submit(days_ago=28)  # 30 days (nFADP), the last maybe moved by a weekend or holiday (CO Art. 78)
    for _ in range(20):
        submit()
    with django_assert_max_num_queries(8):
        page = dpo_client.get("/staff/dpo/").content.decode()
    assert late.reference in page and soon.reference in page
    today = timezone.localdate()
    assert f'class="badge bad">overdue by {(today - late.due_on).days} days' in page
    assert f'class="badge warn">{(soon.due_on - today).days} days left' in page
    assert page.index(late.reference) < page.index(soon.reference)  # overdue first

    overdue = dpo_client.get("/staff/dpo/?status=overdue").content.decode()
    assert late.reference in overdue and soon.reference not in overdue
    assert soon.reference not in dpo_client.get("/staff/dpo/?status=open&kind=question").content.decode()


def test_assign_note_reply_and_close_show_on_the_timeline_and_the_reply_is_mailed(
    dpo_user, dpo_client, submit, smtp_server
):
    request = submit()
    url = f"/staff/dpo/{request.reference}/"
    assert dpo_client.post(url + "assign", {"assignee": dpo_user.pk}).status_code == 302
    dpo_client.post(url + "note", {"text": "Checked the customer list: not a customer of ours."})
    dpo_client.post(url + "reply", {"text": "Wir haben keine Daten über Sie."})
    deliver_due()
    smtp_server.sink.wait_for(2)
    reply = smtp_server.received[-1].message
    assert "Wir haben keine Daten" in reply.get_content()
    assert "Checked the customer list" not in reply.get_content()  # notes are never sent
    assert request.reference in reply["Subject"]

    dpo_client.post(url + "close", {"outcome": "no_data", "note": "done"})
    page = dpo_client.get(url).content.decode()
    assert "Checked the customer list" in page and "Wir haben keine Daten" in page
    assert "e-mail: sent" in page
    request.refresh_from_db()
    assert request.status == "closed" and request.outcome == "no_data" and request.assignee == dpo_user
    actions = list(
        AuditEntry.objects.filter(object_type="dpo.request", object_id=str(request.pk)).values_list("action", flat=True)
    )
    assert actions == [
        "dpo.request.submit",
        "dpo.request.assign",
        "dpo.request.note",
        "dpo.request.reply",
        "dpo.request.close",
    ]
    audited = " ".join(str(e.after) for e in AuditEntry.objects.filter(object_type="dpo.request"))
    assert "Wir haben keine Daten" not in audited and "Checked the customer list" not in audited


def test_closing_without_an_outcome_names_the_field_and_changes_nothing(dpo_client, submit):
    request = submit()
    response = dpo_client.post(f"/staff/dpo/{request.reference}/close", {"outcome": ""}, follow=True)
    assert b"outcome: Choose one of" in response.content
    request.refresh_from_db()
    assert request.status == "open"


def test_gdpr_art_12_3_extension_within_the_first_month_tells_the_requester_the_reasons(dpo_client, submit):
    request = submit(country="DE", days_ago=5)  # both laws
    response = dpo_client.post(
        f"/staff/dpo/{request.reference}/extend", {"reasons": "Backups on tape must be searched."}, follow=True
    )
    assert b"Deadline extended" in response.content
    request.refresh_from_db()
    assert request.extended_due_on is not None and request.extended_due_on > request.due_on
    with translation.override("de"):  # the requester wrote in German: the mail is in German
        more_time = translation.gettext("More time is needed to answer your request")
    assert more_time != "More time is needed to answer your request"
    told = Message.objects.filter(to_address=request.requester_email, subject__contains=more_time).get()
    assert "Backups on tape must be searched." in told.body_text
    assert AuditEntry.objects.filter(action="dpo.request.extend").count() == 1


def test_gdpr_art_12_3_no_extension_after_the_first_month(dpo_client, submit):
    request = submit(country="DE", days_ago=40)
    response = dpo_client.post(f"/staff/dpo/{request.reference}/extend", {"reasons": "Late."}, follow=True)
    assert b"new_due_on: An extension must be told by" in response.content
    request.refresh_from_db()
    assert request.extended_due_on is None


def test_dsv_art_18_2_deferral_needs_the_new_deadline(dpo_client, submit):
    request = submit(country="CH", days_ago=3)  # nFADP only
    url = f"/staff/dpo/{request.reference}/extend"
    response = dpo_client.post(url, {"reasons": "Archive offsite."}, follow=True)
    assert b"Give the new deadline" in response.content
    new_due = timezone.localdate() + dt.timedelta(days=60)
    dpo_client.post(url, {"reasons": "Archive offsite.", "new_due_on": new_due.isoformat()})
    request.refresh_from_db()
    assert request.extended_due_on == new_due


def test_dashboard_shows_missed_and_approaching_deadlines_to_the_desk_readers(dpo_client, staff_client, submit):
    late = submit(days_ago=40)
    soon = submit(days_ago=28)  # due in 2 to 6 days, whatever weekends and holidays (CO Art. 78)
    later = submit(days_ago=1)
    page = dpo_client.get("/staff/").content.decode()
    assert "1 request to the DPO is past its deadline." in page
    assert late.reference in page and soon.reference in page and later.reference not in page
    # Operations staff see no request (personal data, need to know).
    assert late.reference not in staff_client.get("/staff/").content.decode()


def test_the_request_page_of_an_unknown_reference_is_404(dpo_client):
    assert dpo_client.get("/staff/dpo/DPO-1999-0001/").status_code == 404
    assert Request.objects.count() == 0


def test_the_request_page_costs_the_same_queries_for_a_long_timeline(
    dpo_user, dpo_client, submit, django_assert_max_num_queries
):
    from art28.dpo.services import request_note, request_reply

    request = submit()
    for number in range(10):
        request_note(actor=dpo_user, request=request, text=f"note {number}")
        request_reply(actor=dpo_user, request=request, text=f"reply {number}")
    with django_assert_max_num_queries(14):
        page = dpo_client.get(f"/staff/dpo/{request.reference}/").content.decode()
    assert "note 9" in page and "reply 9" in page
    assert page.count("e-mail: waiting to be sent") == 11  # the acknowledgement and ten replies


def test_the_register_downloads_as_csv_with_the_filters_and_without_the_requesters_identity(
    dpo_client, submit, client_a
):
    late = submit(days_ago=40, email="late@example.net", message="Bitte alles löschen.")
    submit(kind="question", email="asker@example.net")
    response = dpo_client.get("/staff/dpo/requests.csv?status=overdue")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["reference"] for row in rows] == [late.reference]
    assert rows[0]["due_on"] == late.due_on.isoformat() and rows[0]["status"] == "open"
    everything = dpo_client.get("/staff/dpo/requests.csv?status=").content.decode()
    assert everything.count("DPO-") == 2
    for private in ("late@example.net", "asker@example.net", "Petra Muster", "Bitte alles löschen."):
        assert private not in everything
    assert client_a.get("/staff/dpo/requests.csv").status_code == 403
