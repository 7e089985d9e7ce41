"""Branded error pages (issue 11 item 8): what happened, in the visitor's language, and a way back.

With DEBUG off, as in production. A 403 names the roles of the role table (core.access); the 500 page
renders with no database and no context processor; the API keeps its JSON errors.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from art28.core.roles import Role
from tests.conftest import logged_in

PRODUCTION = override_settings(DEBUG=False)


def failing_context_processor(request):
    raise RuntimeError("a context processor that fails")


def _client() -> Client:
    client = Client(raise_request_exception=False)
    return client


@PRODUCTION
@pytest.mark.django_db
def test_a_403_names_the_roles_that_may_open_the_page_and_offers_a_way_back(staff_user):
    client = logged_in(staff_user)  # operations: the DPO desk is not theirs (core.access.DPO_READERS)

    response = client.get("/staff/dpo/", HTTP_REFERER="http://testserver/staff/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "Access denied" in page and 'class="topbar"' in page  # the site's layout, not Django's bare page
    assert "Your role (Operations) does not give access to this page." in page
    needed = page.split('class="roles-needed"', 1)[1].split("</ul>", 1)[0]
    assert [str(role.label) for role in (Role.ADMIN, Role.DPO, Role.SECURITY, Role.AUDITOR)] == [
        item.split("</li>")[0] for item in needed.split("<li>")[1:]
    ]
    assert "Operations" not in needed and "Customer" not in needed
    assert 'href="/staff/"' in page  # staff go back to their dashboard
    assert 'href="http://testserver/staff/"' in page  # and to the page they came from


@PRODUCTION
@pytest.mark.django_db
def test_a_customer_on_a_staff_page_is_sent_back_to_the_portal(client_a):
    response = client_a.get("/staff/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role (Customer administrator) does not give access to this page." in page
    assert 'href="/portal/"' in page
    assert "Back to the previous page" not in page  # no Referer, no such link


@PRODUCTION
@pytest.mark.django_db
def test_a_referer_from_another_site_is_not_offered_as_the_way_back(client_a):
    response = client_a.get("/staff/", HTTP_REFERER="https://evil.example/phish")

    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()


@PRODUCTION
@pytest.mark.django_db
def test_a_404_is_branded_and_sends_the_public_to_the_trust_center(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and 'class="topbar"' in page
    assert "<code>/no/such/page/</code>" in page
    assert 'class="button" href="/trust/"' in page


@PRODUCTION
@pytest.mark.django_db
def test_a_404_is_in_german_for_a_german_browser(client):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="de-CH,de;q=0.9")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "Seite nicht gefunden" in page and "Page not found" not in page


@PRODUCTION
@pytest.mark.django_db
def test_a_404_follows_the_language_cookie(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    response = client.get("/no/such/page/")

    assert response.status_code == 404 and "Seite nicht gefunden" in response.content.decode()


@PRODUCTION
@pytest.mark.django_db
def test_a_404_raised_by_a_view_is_branded_too(client_a):
    response = client_a.get("/portal/attestations/00000000-0000-0000-0000-000000000000.json")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@PRODUCTION
@override_settings(ROOT_URLCONF="tests.core.error_urls")
def test_the_500_page_renders_when_the_database_is_unreachable():
    """No ``django_db`` mark: every query raises, as when the database is down. The view's query fails,
    and the 500 page must not need the database itself (no session, user or context processor)."""
    response = _client().get("/test-errors/needs-the-database/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Serverfehler" in page and '<html lang="de">' in page
    assert 'class="topbar"' in page and 'href="/"' in page


@PRODUCTION
@pytest.mark.django_db
def test_the_500_page_renders_when_a_context_processor_raises(client, settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    "tests.core.test_error_pages.failing_context_processor",
                ],
            },
        }
    ]
    client.raise_request_exception = False

    failing_view = client.get("/test-errors/fails/")
    failing_404 = client.get("/no/such/page/")  # the 404 page needs the context processors: it fails

    for response in (failing_view, failing_404):
        assert response.status_code == 500
        assert "Server error" in response.content.decode()


@PRODUCTION
@pytest.mark.django_db
def test_a_400_is_branded(client):
    response = Client(HTTP_HOST="evil.example").get("/trust/")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Bad request" in page and 'class="topbar"' in page


@PRODUCTION
@pytest.mark.django_db
def test_the_api_keeps_its_json_errors(client, staff_client):
    missing = client.get("/api/v1/no-such-operation")

    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json" and missing.json() == {"detail": "Not Found"}


@PRODUCTION
@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_the_branded_page_in_the_users_language_and_nothing_changes(staff_user):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(staff_user)

    response = client.post("/accounts/logout/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="topbar"' in page and "CSRF verification failed" not in page  # not Django's technical page
    assert 'lang="de"' in page and "Das Formular konnte nicht gesendet werden" in page
    assert client.get("/staff/").status_code == 200  # still signed in: the refused logout changed nothing
