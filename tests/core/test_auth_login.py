"""Logging in with e-mail and password through allauth's real form; no self-service sign-up."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_customer_logs_in_with_email_and_password(customer_a):
    client = Client()
    page = client.get("/accounts/login/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="login"' in html and 'type="email"' in html and 'name="password"' in html
    assert "sign up" not in html.lower()  # accounts are created by the provider

    response = client.post("/accounts/login/", {"login": "Alice@Acme.example", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/portal/"
    assert "Acme Sàrl" in client.get("/portal/").content.decode()


def test_wrong_password_is_refused(customer_a):
    client = Client()
    response = client.post("/accounts/login/", {"login": customer_a.email, "password": "not the password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/portal/").status_code == 302


def test_login_then_next_page(customer_a):
    client = Client()
    start = client.get("/portal/attestations/")
    assert start["Location"] == "/accounts/login/?next=/portal/attestations/"
    response = client.post(start["Location"], {"login": customer_a.email, "password": PASSWORD})
    assert response["Location"] == "/portal/attestations/"


def test_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert "Sign Up Closed" in response.content.decode() or response.status_code in (403, 404)


def test_logout_needs_post(client_a):
    assert client_a.get("/accounts/logout/").status_code == 200  # a confirmation page, not a logout
    assert client_a.get("/portal/").status_code == 200
    client_a.post("/accounts/logout/")
    assert client_a.get("/portal/").status_code == 302
