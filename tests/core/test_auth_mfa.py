"""Staff must use TOTP (ART28_STAFF_MFA_REQUIRED): enrolment is forced, then login asks for the code."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.ART28_STAFF_MFA_REQUIRED = True


@pytest.fixture
def staff_login(staff_user) -> Client:
    """A staff member logged in through the real form (allauth asks for a recent login before enrolment)."""
    client = Client()
    response = client.post("/accounts/login/", {"login": staff_user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def open_activation_page(client: Client):
    """allauth asks for the password again (MFA_REAUTHENTICATION_REQUIRED) before showing the enrolment."""
    activate = reverse("mfa_activate_totp")
    response = client.get(activate)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200  # reachable despite the MFA rule
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == activate
    return client.get(activate)


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_without_totp_is_sent_to_enrolment_but_can_reach_it(staff_login):
    staff_client = staff_login
    activate = reverse("mfa_activate_totp")
    for path in ("/staff/", "/staff/inventory/", "/staff/residency/audit/"):
        response = staff_client.get(path)
        assert response.status_code == 302 and response["Location"] == activate, path
    page = open_activation_page(staff_client)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Activate Authenticator App" in html and 'class="qr"' in html


def test_staff_without_totp_cannot_get_an_api_token(staff_login, staff_user):
    staff_client = staff_login
    assert staff_client.get("/accounts/tokens/")["Location"] == reverse("mfa_activate_totp")
    staff_client.post("/accounts/tokens/", {"name": "sneaky"})
    assert not staff_user.api_tokens.exists()


def test_customers_are_not_forced_to_enrol(client_a):
    assert client_a.get("/portal/").status_code == 200


def test_enrolling_through_the_page_activates_totp(staff_login, staff_user):
    staff_client = staff_login
    from allauth.mfa.models import Authenticator

    page = open_activation_page(staff_client)
    secret = page.context["form"].secret
    response = staff_client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff_user, type=Authenticator.Type.TOTP).exists()
    assert staff_client.get("/staff/").status_code == 200


def test_after_activation_login_requires_the_code(staff_user):
    secret = generate_totp_secret()
    TOTP.activate(staff_user, secret)
    client = Client()

    response = client.post("/accounts/login/", {"login": staff_user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get("/staff/")["Location"].startswith("/accounts/login/")  # not logged in yet

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if current_code(secret) != "000000" else "1"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_setting_off_lets_staff_in_without_totp(staff_client, settings):
    settings.ART28_STAFF_MFA_REQUIRED = False
    assert staff_client.get("/staff/").status_code == 200
