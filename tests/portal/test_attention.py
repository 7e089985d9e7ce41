"""The portal home's "Needs your attention" panel and the pending count in the navigation: each kind of
item waiting for the customer, with its deadline and the one link to act; never another organisation's.
The selectors are the domain apps' own (notify, subprocessors, legal, dpo), one query each."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from art28.core.roles import Role
from art28.dpo.selectors import requests_awaiting_answer
from art28.dpo.services import request_customer_answer
from art28.legal.selectors import versions_to_accept
from art28.legal.services import document_accept
from art28.notify.selectors import notices_awaiting_acknowledgement
from art28.notify.services import message_acknowledge
from art28.portal.attention import attention_items
from art28.subprocessors.models import ChangeStatus
from art28.subprocessors.responses import change_consent, change_object
from art28.subprocessors.selectors import changes_awaiting_answer
from tests.portal import attention_world as world


@pytest.fixture
def dpo_user(make_user):
    return make_user("dpo@provider.example", Role.DPO)


# --- one selector per kind, scoped to the organisation -----------------------------------------------


def test_gdpr_art_33_an_unacknowledged_breach_notice_waits_until_acknowledged(org_a, org_b, customer_a):
    message = world.breach_notice(org_a)
    world.breach_notice(org_b, subject="Beta's own notice")
    assert list(notices_awaiting_acknowledgement(org_a)) == [message]
    message_acknowledge(message=message, actor=customer_a, via="portal")
    assert list(notices_awaiting_acknowledgement(org_a)) == []
    assert [m.subject for m in notices_awaiting_acknowledgement(org_b)] == ["Beta's own notice"]


def test_gdpr_art_28_2_a_change_waits_while_its_objection_window_is_open_and_unanswered(org_a, org_b, customer_a):
    general = world.announced_change(org_a, name="Open Window AG", effective_in_days=20)
    closed = world.announced_change(org_a, name="Closed Window AG", effective_in_days=0)
    world.announced_change(org_b, name="Beta's Change AG")
    assert [r.pk for r in changes_awaiting_answer(org_a)] == [general.pk]
    assert closed.pk not in [r.pk for r in changes_awaiting_answer(org_a)]
    change_object(actor=customer_a, change=general.change, organisation=org_a, reason="")
    assert list(changes_awaiting_answer(org_a)) == []


def test_dsv_art_7_a_specific_authorisation_waits_for_consent_even_after_the_effective_date(org_a, customer_a):
    row = world.announced_change(org_a, specific=True, effective_in_days=20)
    row.change.status = ChangeStatus.EFFECTIVE
    row.change.effective_on = timezone.localdate() - dt.timedelta(days=1)
    row.change.save()
    assert [r.pk for r in changes_awaiting_answer(org_a)] == [row.pk]
    change_consent(actor=customer_a, change=row.change, organisation=org_a, consent=True)
    assert list(changes_awaiting_answer(org_a)) == []


def test_a_withdrawn_change_or_a_removal_asks_nothing(org_a):
    withdrawn = world.announced_change(org_a)
    withdrawn.change.status = ChangeStatus.WITHDRAWN
    withdrawn.change.save()
    removal = world.announced_change(org_a, name="Removed AG")
    removal.change.kind = "removal"
    removal.change.save()
    assert list(changes_awaiting_answer(org_a)) == []


def test_gdpr_art_28_9_documents_to_accept_are_the_newest_unaccepted_versions(org_a, org_b, customer_a):
    terms = world.terms_to_accept(effective_in_days=10)
    dpa = world.dpa_to_countersign()
    assert [v.pk for v in versions_to_accept(org_a)] == [dpa.pk, terms.pk]
    document_accept(actor=customer_a, organisation=org_a, version=terms)
    assert [v.pk for v in versions_to_accept(org_a)] == [dpa.pk]
    assert [v.pk for v in versions_to_accept(org_b)] == [dpa.pk, terms.pk]  # org_a's acceptance is its own


def test_a_superseded_version_is_not_asked_for_only_the_one_in_force_and_the_upcoming_one(org_a):
    from tests.legal.conftest import new_document, publish

    document = new_document("terms")
    today = timezone.localdate()
    publish(document, "# v1", on=today)
    current = publish(document, "# v2", on=today)  # the same day: the higher number is in force
    upcoming = publish(document, "# v3", on=today + dt.timedelta(days=5))
    assert [v.number for v in versions_to_accept(org_a)] == [current.number, upcoming.number]


def test_an_upcoming_dpa_is_not_asked_for_before_it_can_be_countersigned(org_a):
    from tests.legal.conftest import new_document, publish
    from tests.legal.dpa_text import dpa_text

    publish(new_document("dpa", "dpa"), dpa_text(), on=timezone.localdate() + dt.timedelta(days=5))
    assert list(versions_to_accept(org_a)) == []


def test_gdpr_art_28_3_e_a_forwarded_request_waits_for_the_controllers_answer(org_a, org_b, customer_a, dpo_user):
    request = world.forwarded_request(org_a, dpo_user)
    assert list(requests_awaiting_answer(org_a)) == [request]
    assert list(requests_awaiting_answer(org_b)) == []
    request_customer_answer(actor=customer_a, request=request, organisation=org_a, answer="handled", note="")
    assert list(requests_awaiting_answer(org_a)) == []


def _everything(org, dpo_user):
    world.breach_notice(org)
    world.announced_change(org, effective_in_days=20)
    world.announced_change(org, name="Consent Needed AG", specific=True, effective_in_days=40)
    world.forwarded_request(org, dpo_user)


def test_another_organisations_pending_items_never_appear(org_a, org_b, dpo_user):
    _everything(org_b, dpo_user)
    world.terms_to_accept()
    assert [item.kind for item in attention_items(org_a)] == ["document"]  # published for everyone
    assert len(attention_items(org_b)) == 5


def test_items_are_sorted_by_deadline_and_read_with_one_query_per_kind(org_a, dpo_user, django_assert_max_num_queries):
    _everything(org_a, dpo_user)
    world.terms_to_accept(effective_in_days=10)
    world.dpa_to_countersign()
    with django_assert_max_num_queries(6):
        items = attention_items(org_a)
    assert [item.due_on for item in items] == sorted(item.due_on for item in items)
    assert [item.kind for item in items] == [
        "dpa",  # in force since today
        "breach-notice",  # the 72 hours from today
        "document",  # effective in 10 days
        "subprocessor-change",  # 20 days
        "dsr",  # one month (GDPR) / 30 days (nFADP)
        "subprocessor-change",  # 40 days
    ]


# --- the pages -------------------------------------------------------------------------------------


def test_the_home_says_when_nothing_needs_the_customer(client_a, org_a):
    page = client_a.get("/portal/").content.decode()
    assert "Needs your attention" in page and 'id="attention-empty"' in page
    assert 'id="nav-attention-count"' not in page


def test_the_home_lists_each_item_with_its_deadline_and_one_link(client_a, org_a, org_b, dpo_user):
    notice = world.breach_notice(org_a)
    change = world.announced_change(org_a, name="Cloudy Mail GmbH", effective_in_days=20)
    world.terms_to_accept(effective_in_days=10)
    world.dpa_to_countersign()
    request = world.forwarded_request(org_a, dpo_user)
    world.breach_notice(org_b, subject="Beta's secret notice")
    page = client_a.get("/portal/").content.decode()
    panel = page.split('id="attention"', 1)[1].split("</section>", 1)[0]
    assert panel.count('class="attention-item"') == 5
    assert f'href="/portal/inbox/{notice.public_id}/"' in panel
    assert f'href="/portal/subprocessors/changes/{change.change_id}/"' in panel and "Cloudy Mail GmbH" in panel
    assert 'href="/portal/documents/#doc-terms"' in panel and 'href="/portal/dpa/"' in panel
    assert f'href="/portal/requests/{request.public_id}/"' in panel
    assert f'datetime="{change.change.effective_on:%Y-%m-%d}"' in panel
    assert "Beta&#x27;s secret notice" not in page and "Beta's secret notice" not in page
    assert re.search(r'aria-label="Where my data is, 5 items need your attention"', page)
    assert re.search(r'id="nav-attention-count"[^>]*>5<', page)


def test_the_navigation_count_shows_on_every_portal_page_and_drops_after_the_action(client_a, org_a, customer_a):
    message = world.breach_notice(org_a)
    page = client_a.get("/portal/subprocessors/").content.decode()
    assert re.search(r'id="nav-attention-count"[^>]*>1<', page)
    assert "1 unread message" in page  # the inbox count has its label too
    client_a.post(f"/portal/inbox/{message.public_id}/acknowledge")
    page = client_a.get("/portal/subprocessors/").content.decode()
    assert 'id="nav-attention-count"' not in page


def test_the_staff_dashboard_lists_open_incidents_with_severity_in_words(staff_client):
    from art28.breaches.models import Incident, Phase, SeverityAssessment

    now = timezone.now()
    fresh = Incident.objects.create(
        ref="INC-2026-0042", title="Fresh one", aware_at=now, started_at=now, confidentiality=True
    )
    SeverityAssessment.objects.create(
        incident=fresh,
        dpc_base=2,
        ease_of_identification=1,
        score=3,
        level="high",
        assessed_by_label="t",
    )
    Incident.objects.create(
        ref="INC-2026-0043", title="Closed one", aware_at=now, started_at=now, availability=True, phase=Phase.CLOSED
    )
    page = staff_client.get("/staff/").content.decode()
    assert "1 open incident" in page and "Fresh one" in page and "severity high" in page
    open_list = page.split('id="open-incidents"', 1)[1].split("</ul>", 1)[0]
    assert "Fresh one" in open_list and "Closed one" not in open_list
    # A closed incident shows only where its lessons learned are asked for (ISO/IEC 27001 A.5.27).
    lessons = page.split('id="without-lessons"', 1)[1].split("</ul>", 1)[0]
    assert "Closed one" in lessons
    assert not re.search(r"\(S\d+\)", page)
