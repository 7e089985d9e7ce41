"""The public side of attestations: the provider's key and the datacenter list on /trust/ (S1, S10)."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from art28.core.signing import FORMAT, key_id, load_public_key, provider_public_key, public_key_pem

pytestmark = pytest.mark.django_db


def test_the_public_key_is_served_as_pem_text(client, signing_key):
    response = client.get("/trust/attestation-key.pem")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == public_key_pem(provider_public_key())
    assert isinstance(load_public_key(response.content), Ed25519PublicKey)
    assert b"PRIVATE" not in response.content


def test_the_public_key_is_served_as_json(client, signing_key):
    data = client.get("/trust/attestation-key.json").json()
    key = provider_public_key()
    assert data == {
        "key_id": key_id(key),
        "algorithm": "Ed25519",
        "format": FORMAT,
        "public_key_pem": public_key_pem(key),
    }


def test_no_key_yet_is_a_404_not_an_error(client, settings, tmp_path):
    settings.ART28_SIGNING_KEY_FILE = tmp_path / "missing.pem"
    assert client.get("/trust/attestation-key.pem").status_code == 404
    assert client.get("/trust/attestation-key.json").status_code == 404
    response = client.get("/trust/")
    assert response.status_code == 200
    assert "No attestation key has been published yet." in response.content.decode()


def test_the_trust_page_lists_the_datacenters_and_links_the_key(client, inventory, signing_key):
    response = client.get("/trust/")
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("GVA1", "ZRH1", "FRA1", "XXX1"):
        assert f"<td>{code}</td>" in html
    assert "Mainhattan Colocation GmbH" in html
    assert 'href="/trust/attestation-key.pem"' in html and 'href="/trust/attestation-key.json"' in html
    assert key_id(provider_public_key()) in html
    assert "openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in payload.bin -sigfile sig.bin" in html
