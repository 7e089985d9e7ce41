"""Per-user API tokens: created on a page that shows the secret once, revoked there; Bearer auth."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from art28.core.models import ApiToken, AuditEntry
from tests.portal.fixtures import build_two_customers

pytestmark = pytest.mark.django_db
API = "/api/v1/residency/my/placements"


def _secret(html: str) -> str:
    match = re.search(r'id="new-token-secret"[^>]*value="(art28_[^"]+)"', html)
    assert match, "the new token's secret is not on the page"
    return match.group(1)


def test_create_shows_the_secret_once_and_stores_only_its_digest(client_a, customer_a):
    response = client_a.post("/accounts/tokens/", {"name": "monitoring"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = _secret(response.content.decode())
    token = ApiToken.objects.get(user=customer_a)
    assert token.name == "monitoring" and secret.startswith(token.hint)
    assert secret not in token.digest and ApiToken.find_active(secret) == token

    listing = client_a.get("/accounts/tokens/").content.decode()
    assert "monitoring" in listing and token.hint in listing
    assert secret not in listing
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


def test_name_is_required(client_a):
    response = client_a.post("/accounts/tokens/", {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_bearer_token_authenticates_against_the_api(client_a, org_a, org_b):
    build_two_customers(org_a, org_b)
    secret = _secret(client_a.post("/accounts/tokens/", {"name": "script"}).content.decode())
    anonymous = Client()
    assert anonymous.get(API).status_code == 401
    response = anonymous.get(API, headers={"authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert {row["asset"] for row in response.json()} == {"acme-vm-1", "acme-bucket"}
    assert ApiToken.objects.get().last_used_at is not None


def test_revoked_token_gets_401(client_a, customer_a):
    secret = _secret(client_a.post("/accounts/tokens/", {"name": "old"}).content.decode())
    token = ApiToken.objects.get(user=customer_a)
    response = client_a.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in client_a.get("/accounts/tokens/").content.decode()
    assert Client().get(API, headers={"authorization": f"Bearer {secret}"}).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()


def test_cannot_revoke_someone_elses_token(client_a, client_b, customer_b):
    client_b.post("/accounts/tokens/", {"name": "bob's"})
    token = ApiToken.objects.get(user=customer_b)
    assert client_a.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "bob&#x27;s" not in client_a.get("/accounts/tokens/").content.decode()


def test_revoke_needs_post(client_a, customer_a):
    client_a.post("/accounts/tokens/", {"name": "x"})
    token = ApiToken.objects.get(user=customer_a)
    assert client_a.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405


def test_staff_have_tokens_too(staff_client, staff_user):
    secret = _secret(staff_client.post("/accounts/tokens/", {"name": "ops"}).content.decode())
    assert ApiToken.find_active(secret).user == staff_user
