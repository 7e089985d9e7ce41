"""The public trust center (read-only, no login): datacenters and the attestation key (S1, S10).

The public key lets anyone check a residency attestation offline; see docs/attestations.md.
A fuller trust center (policies, sub-processors, FAQ) comes later.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from art28.residency.selectors import datacenter_list
from art28.residency.signing import FORMAT, SigningKeyMissing, key_id, provider_public_key, public_key_pem

ALGORITHM = "Ed25519"


def _public_key_or_404() -> Ed25519PublicKey:
    try:
        return provider_public_key()
    except SigningKeyMissing as exc:
        raise Http404("The provider has not published an attestation key yet.") from exc


def index(request: HttpRequest) -> HttpResponse:
    try:
        key = provider_public_key()
    except SigningKeyMissing:
        key = None
    return render(
        request,
        "trust/index.html",
        {"sites": datacenter_list(), "key_id": key_id(key) if key else None, "algorithm": ALGORITHM},
    )


def attestation_key_pem(request: HttpRequest) -> HttpResponse:
    """The provider's public key (PEM, SubjectPublicKeyInfo) that verifies residency attestations."""
    return HttpResponse(public_key_pem(_public_key_or_404()), content_type="text/plain; charset=utf-8")


def attestation_key_json(request: HttpRequest) -> JsonResponse:
    key = _public_key_or_404()
    return JsonResponse(
        {"key_id": key_id(key), "algorithm": ALGORITHM, "format": FORMAT, "public_key_pem": public_key_pem(key)}
    )
