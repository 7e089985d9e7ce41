"""Staff breach pages: the whole path in the browser's forms (no JavaScript), who sees what, the
timeline, the overdue flags on the list and the dashboard, the register exports."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from art28.breaches.models import Incident, Notice
from art28.core.roles import Role
from art28.notify.models import Message
from tests.breaches.fixtures import hours_ago
from tests.breaches.flows import declared, notified
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_whole_path_through_the_pages(breach_world, security_client):
    response = security_client.post(
        "/staff/breaches/declare/",
        {
            "title": "Hypervisor escape",
            "natures": ["confidentiality", "integrity"],
            "aware_at": local(hours_ago(1)),
            "started_at": local(hours_ago(3)),
            "sites": ["GVA1"],
            "assets": "zrh-bucket-2\n",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/breaches/{incident.ref}/"
    page = security_client.get(response["Location"]).content.decode()
    assert "Impact (live, from the inventory)" in page and "GAMMA" in page and "ACME" in page
    assert '<svg role="img" aria-labelledby="timeline-title timeline-desc"' in page

    assert security_client.post(f"/staff/breaches/{incident.ref}/decision/", {"decision": "notify"}).status_code == 302
    response = security_client.post(f"/staff/breaches/{incident.ref}/notices/", {"kind": "initial"})
    assert response.status_code == 302 and response["Location"] == f"/staff/breaches/{incident.ref}/notices/1/"
    page = security_client.get(response["Location"]).content.decode()
    assert 'name="body_fr"' in page and 'name="body_de"' in page and 'name="body_it"' in page
    notice = Notice.objects.get()
    texts = {f"{field}_{lang}": notice.texts[lang][field] for lang in notice.texts for field in ("subject", "body")}
    texts["body_it"] = "Gentile {customer_name}, {subjects} interessati."
    assert security_client.post(response["Location"], texts).status_code == 302
    confirm = security_client.get(f"/staff/breaches/{incident.ref}/notices/1/send/").content.decode()
    assert "goes to 3 affected customers" in confirm
    response = security_client.post(f"/staff/breaches/{incident.ref}/notices/1/send/")
    assert response.status_code == 302
    assert Message.objects.get(organisation=breach_world.gamma).body_text == "Gentile Gamma SA, 3 interessati."
    assert Message.objects.filter(organisation=breach_world.delta).count() == 0
    page = security_client.get(f"/staff/breaches/{incident.ref}/").content.decode()
    assert "notifying" in page and "in time" in page


def test_a_failed_action_rerenders_the_page_with_the_error(breach_world, security_client):
    incident = declared()
    response = security_client.post(
        f"/staff/breaches/{incident.ref}/decision/", {"decision": "no_notification", "reason": ""}
    )
    assert response.status_code == 400
    assert "Deciding not to notify needs a written reason." in response.content.decode()
    response = security_client.post(
        f"/staff/breaches/{incident.ref}/facts/",
        {
            "title": "x",
            "natures": ["integrity"],
            "aware_at": local(hours_ago(1)),
            "started_at": local(hours_ago(1)),
            "ended_at": local(hours_ago(2)),
        },
    )
    assert response.status_code == 400 and "cannot end" in response.content.decode()


def test_severity_form_records_an_assessment(breach_world, dpo_client):
    incident = declared()
    response = dpo_client.post(
        f"/staff/breaches/{incident.ref}/severity/",
        {
            "dpc_base": "4",
            "ease_of_identification": "1",
            "cb_confidentiality": "0.5",
            "cb_integrity": "0",
            "cb_availability": "0",
            "malicious": "on",
        },
    )
    assert response.status_code == 302
    page = dpo_client.get(f"/staff/breaches/{incident.ref}/").content.decode()
    assert "it never decides whether to notify" in page and ">5<" in page and "very high" in page


def test_severity_form_takes_the_final_dpc_the_context_gives_enisa_2013(breach_world, dpo_client):
    """ENISA 2013: the assessor picks the final DPC (here simple data scored 4); the base and the whole-step
    adjustment are stored, and a missing reason is a form error that records nothing."""
    incident = declared()
    form = {
        "dpc_base": "1",
        "dpc_final": "4",
        "ease_of_identification": "1",
        "cb_confidentiality": "0.5",
        "cb_integrity": "0",
        "cb_availability": "0",
    }
    url = f"/staff/breaches/{incident.ref}/severity/"
    response = dpo_client.post(url, form)
    assert response.status_code == 400 and "written reason" in response.content.decode()
    assert not incident.assessments.exists()
    response = dpo_client.post(url, form | {"dpc_reason": "names of undercover officers"})
    assert response.status_code == 302
    assessment = incident.assessments.get()
    assert (assessment.dpc_base, assessment.dpc_adjustment, assessment.final_dpc) == (1, 3, 4)
    assert (assessment.score, assessment.level) == (Decimal("4.5"), "very_high")
    page = dpo_client.get(f"/staff/breaches/{incident.ref}/").content.decode()
    assert "1 → 4" in page and "names of undercover officers" in page


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.OPERATIONS])
def test_readers_see_the_pages_without_forms_and_get_403_on_writes(breach_world, make_user, role):
    incident = notified().incident
    client = logged_in(make_user(f"{role}@provider.example", role))
    page = client.get(f"/staff/breaches/{incident.ref}/").content.decode()
    assert incident.title in page and "Compose a notice" not in page and "Edit the facts" not in page
    assert client.get("/staff/breaches/").status_code == 200
    assert client.get("/staff/breaches/register/").status_code == 200
    assert client.get("/staff/breaches/declare/").status_code == 403
    assert client.post(f"/staff/breaches/{incident.ref}/phase/", {"phase": "closed"}).status_code == 403
    assert client.post(f"/staff/breaches/{incident.ref}/notices/1/send/").status_code == 403


def test_customers_never_see_staff_breach_pages(breach_world, make_user):
    incident = notified().incident
    client = logged_in(make_user("alice@acme.example", Role.CUSTOMER_ADMIN, breach_world.acme))
    for path in (
        "/staff/breaches/",
        f"/staff/breaches/{incident.ref}/",
        f"/staff/breaches/{incident.ref}/notices/1/",
        "/staff/breaches/register/",
        "/staff/breaches/register.pdf",
    ):
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_the_login(breach_world, client):
    response = client.get("/staff/breaches/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_overdue_incidents_are_flagged_on_the_list_and_the_dashboard(breach_world, security_client, settings):
    settings.ART28_BREACH_NOTICE_HOURS = 24
    late = declared(title="Late one", aware_hours_ago=30)
    declared(title="Fresh one", aware_hours_ago=1)
    listing = security_client.get("/staff/breaches/").content.decode()
    assert "1 incident is past the provider's commitment" in listing
    assert re.search(r'<tr class="flagged">\s*<td><a href="[^"]+"><code>' + late.ref, listing)
    dashboard = security_client.get("/staff/").content.decode()
    assert late.ref in dashboard and "overdue incidents" in dashboard
    assert "1 incident is past the provider's commitment" in dashboard
    notified(late)
    assert "incident is past the provider's commitment" not in security_client.get("/staff/").content.decode()


def test_deciding_no_notification_ends_the_overdue_flag(breach_world, security_client):
    from art28.breaches.decisions import incident_decide_no_notification
    from art28.breaches.selectors import overdue_incidents
    from tests.conftest import TEST_ACTOR

    late = declared(aware_hours_ago=48)
    assert [i.ref for i in overdue_incidents()] == [late.ref]
    incident_decide_no_notification(actor=TEST_ACTOR, incident=late, reason="Test data only.")
    assert overdue_incidents() == []


def test_the_timeline_marks_a_missed_commitment_in_red(breach_world, security_client, settings):
    settings.ART28_BREACH_NOTICE_HOURS = 24
    notice = notified(declared(aware_hours_ago=30))
    Message.objects.filter(source_id=notice.pk).update(acknowledged_at=timezone.now())
    page = security_client.get(f"/staff/breaches/{notice.incident.ref}/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'stroke="#b3261e" stroke-width="2" stroke-dasharray="5 4"' in svg
    assert "commitment ✗" in svg
    assert "notice no. 1 sent" in svg and "2 acknowledgements" in page
    in_time = notified(declared(aware_hours_ago=1))
    page = security_client.get(f"/staff/breaches/{in_time.incident.ref}/").content.decode()
    assert 'stroke="#1f7a3d" stroke-width="2" stroke-dasharray="5 4"' in page


def test_the_register_page_and_its_exports(breach_world, security_client):
    incident = notified().incident
    page = security_client.get("/staff/breaches/register/").content.decode()
    assert incident.ref in page and "GDPR Art. 33(5)" in page and "DSV Art. 15(4)" in page
    response = security_client.get("/staff/breaches/register/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert incident.ref in b"".join(response.streaming_content).decode()
    response = security_client.get("/staff/breaches/register.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_incident_page_paginates_customers(breach_world, security_client, make_org):
    inv = breach_world.inventory
    for n in range(60):
        inv.place(make_org(f"MANY{n:02d}"), "gva-host-2", subjects=1, records=1)
    incident = notified(declared(sites=["GVA1"])).incident
    page = security_client.get(f"/staff/breaches/{incident.ref}/").content.decode()
    assert "?customers_page=2#customers" in page and "?impact_page=2#impact" in page
    page2 = security_client.get(f"/staff/breaches/{incident.ref}/?customers_page=2").content.decode()
    assert "MANY59" in page2


def test_the_register_filters_apply_to_the_page_and_the_exports(breach_world, security_client):
    sent = notified().incident
    pending = declared(title="Still being looked at")
    page = security_client.get("/staff/breaches/register/?decision=pending").content.decode()
    assert pending.ref in page and sent.ref not in page
    response = security_client.get("/staff/breaches/register/?decision=pending&format=csv")
    body = b"".join(response.streaming_content).decode()
    assert pending.ref in body and sent.ref not in body


def test_the_incident_page_costs_the_same_queries_for_many_customers(
    breach_world, security_client, make_org, django_assert_max_num_queries
):
    incident = notified(declared(sites=["GVA1"])).incident
    with django_assert_max_num_queries(60) as few:
        security_client.get(f"/staff/breaches/{incident.ref}/")
    inv = breach_world.inventory
    for n in range(80):
        inv.place(make_org(f"MANY{n:02d}"), "gva-host-2", subjects=1, records=1)
    crowded = notified(declared(sites=["GVA1"])).incident
    with django_assert_max_num_queries(len(few.captured_queries)):
        security_client.get(f"/staff/breaches/{crowded.ref}/")
