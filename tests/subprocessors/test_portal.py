"""The customer's portal pages /portal/subprocessors/ (S4): its sub-processors, terms and changes, and its
objection or consent (GDPR Art. 28(2), DSV Art. 7); scoped to its own organisation (404 otherwise)."""

from __future__ import annotations

import pytest

from art28.core.roles import Role
from art28.subprocessors.models import ChangeRecipient
from art28.subprocessors.rules import recipient_applies
from art28.subprocessors.selectors import subprocessors_for_organisation
from art28.subprocessors.services import contract_set
from tests.conftest import TEST_ACTOR, logged_in
from tests.subprocessors.fixtures import MAIL, SINCE, WEB, announced_addition, new_subprocessor, past_effective_date

pytestmark = pytest.mark.django_db
LIST = "/portal/subprocessors/"


def change_url(change) -> str:
    return f"/portal/subprocessors/changes/{change.pk}/"


def test_the_customer_sees_its_sub_processors_terms_and_changes(sp_world, acme_admin):
    new_subprocessor("mailer", legal_name="Mailer Inc.", engaged_by="helpdesk", in_use_from=SINCE)
    new_subprocessor("postbox", legal_name="Postbox Ltd", services=[MAIL], in_use_from=SINCE)
    contract_set(actor=TEST_ACTOR, organisation=sp_world.acme, authorisation="general", notice_days=45)
    change = announced_addition([WEB])
    response = logged_in(acme_admin).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Helvetia Helpdesk AG" in html and "Mailer Inc." in html and "engaged by Helvetia Helpdesk AG" in html
    assert "Postbox Ltd" not in html  # Mail is not ACME's service
    assert "outside your allowed countries" in html  # the US mailer
    assert "General authorisation" in html and "45 days" in html
    assert change_url(change) in html


def test_a_change_page_and_an_objection_through_it(sp_world, acme_admin):
    change = announced_addition([WEB])
    client = logged_in(acme_admin)
    page = client.get(change_url(change)).content.decode()
    assert "Object to this change" in page and "Deliverability Inc." in page
    response = client.post(change_url(change) + "object", {"reason": "We promised our clients Switzerland."})
    assert response.status_code == 302 and response["Location"] == change_url(change)
    row = ChangeRecipient.objects.get(change=change, organisation=sp_world.acme)
    assert row.objection_reason == "We promised our clients Switzerland." and row.objected_by == acme_admin
    page = client.get(change_url(change)).content.decode()
    assert "objection pending" in page and "Object to this change" not in page


@pytest.mark.parametrize("data", [{"reason": ""}, {"reason": "   "}, {}])
def test_an_objection_without_a_reason_is_recorded_gdpr_art_28_2_scc_clause_9(sp_world, acme_admin, data):
    """GDPR Art. 28(2) and SCC 2021/914 Clause 9(a) give the controller the right to object to an added or
    replaced sub-processor without giving a reason: the form says the reason is optional, the objection is
    recorded and the change stays off that customer's data."""
    change = announced_addition([WEB])
    client = logged_in(acme_admin)
    page = client.get(change_url(change)).content.decode()
    assert "Your reason (optional)" in page and "no reason is required" in page
    response = client.post(change_url(change) + "object", data)
    assert response.status_code == 302 and response["Location"] == change_url(change)
    row = ChangeRecipient.objects.get(change=change, organisation=sp_world.acme)
    assert row.objected_at and row.objected_by == acme_admin and row.objection_reason == ""
    assert not recipient_applies(row, change.kind)
    assert "Deliverability" not in " ".join(sp.legal_name for sp in subprocessors_for_organisation(sp_world.acme))
    page = client.get(change_url(change)).content.decode()
    assert "objection pending" in page and "(no reason given)" in page and "“”" not in page


def test_after_the_effective_date_the_page_says_objections_are_closed_and_a_post_is_refused(sp_world, acme_admin):
    change = past_effective_date(announced_addition([WEB]))
    client = logged_in(acme_admin)
    page = client.get(change_url(change)).content.decode()
    assert "objections had to be made before that date" in page and "Object to this change" not in page
    response = client.post(change_url(change) + "object", {"reason": "Late."})
    assert response.status_code == 400
    assert "objections had to be made before that date" in response.content.decode()


def test_consent_through_the_page_under_specific_authorisation(sp_world, beta_admin):
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=30)
    change = announced_addition([MAIL])
    client = logged_in(beta_admin)
    assert "I consent" in client.get(change_url(change)).content.decode()
    assert client.post(change_url(change) + "consent", {"decision": "consent"}).status_code == 302
    assert ChangeRecipient.objects.get(change=change, organisation=sp_world.beta).consent == "given"


def test_a_viewer_reads_but_cannot_answer(sp_world, beta_viewer):
    change = announced_addition([MAIL])
    client = logged_in(beta_viewer)
    page = client.get(change_url(change)).content.decode()
    assert "Only your organisation's administrators can object or consent." in page
    assert client.post(change_url(change) + "object", {"reason": "x"}).status_code == 403


def test_another_organisations_change_is_a_404_by_page_and_by_post(sp_world, beta_admin, make_user):
    """Cross-tenant: GAMMA was not told of a Web hosting change: it cannot see it nor object to it."""
    gamma_admin = make_user("gina@gamma.example", Role.CUSTOMER_ADMIN, sp_world.gamma)
    change = announced_addition([WEB])
    client = logged_in(gamma_admin)
    assert client.get(change_url(change)).status_code == 404
    assert client.post(change_url(change) + "object", {"reason": "x"}).status_code == 404
    assert client.post(change_url(change) + "consent", {"decision": "refuse"}).status_code == 404
    assert "Deliverability" not in client.get(LIST).content.decode()
    assert client.get("/portal/subprocessors/changes/99999/").status_code == 404


def test_staff_get_403_on_the_portal_pages(sp_world, staff_client):
    change = announced_addition([WEB])
    assert staff_client.get(LIST).status_code == 403
    assert staff_client.get(change_url(change)).status_code == 403


def test_the_portal_nav_links_the_page(sp_world, acme_admin):
    assert f'href="{LIST}"' in logged_in(acme_admin).get("/portal/").content.decode()
