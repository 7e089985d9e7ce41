"""Ed25519 signatures for residency attestations, checkable offline with the published public key.

A signed document is JSON::

    {
      "format": "art28-attestation/1",
      "payload": "<base64 of the exact UTF-8 bytes that were signed>",
      "signature": "<base64 Ed25519 signature of those bytes>",
      "key_id": "<first 16 hex digits of SHA-256 of the raw public key>",
      "attestation": { ...the same statement, decoded, for people to read... }
    }

Verifiers check the signature over the decoded ``payload`` bytes (no JSON canonicalisation needed)
and that ``attestation`` equals the decoded payload. See docs/attestations.md for doing it with
openssl alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

FORMAT = "art28-attestation/1"


class SigningKeyMissing(RuntimeError):
    pass


def signing_key_create(path: Path) -> Ed25519PrivateKey:
    """Write a new PEM private key readable only by its owner; refuses to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def load_private_key(path: Path | None = None) -> Ed25519PrivateKey:
    path = Path(path or settings.ART28_SIGNING_KEY_FILE)
    if not path.exists():
        raise SigningKeyMissing(f"no signing key at {path}: run `art28 signing-key-create`")
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM (as published at /trust/attestation-key.pem); ValueError otherwise."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def provider_public_key() -> Ed25519PublicKey:
    return load_private_key().public_key()


def sign_statement(statement: dict[str, Any], private_key: Ed25519PrivateKey | None = None) -> str:
    """The signed document (as JSON text) for ``statement``."""
    private_key = private_key or load_private_key()
    payload = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    document = {
        "format": FORMAT,
        "key_id": key_id(private_key.public_key()),
        "payload": base64.b64encode(payload).decode(),
        "signature": base64.b64encode(private_key.sign(payload)).decode(),
        "attestation": statement,
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str
    statement: dict[str, Any] | None = None


def verify_document(text: str | bytes, public_key: Ed25519PublicKey) -> Verification:
    """Check a signed document: its shape, the key, the signature, and the readable copy."""
    try:
        document = json.loads(text)
        payload = base64.b64decode(document["payload"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:
        return Verification(False, f"not an art28 attestation: {exc}")
    if document.get("format") != FORMAT:
        return Verification(False, f"unknown format {document.get('format')!r}")
    if document.get("key_id") != key_id(public_key):
        return Verification(False, f"signed with key {document.get('key_id')}, not with key {key_id(public_key)}")
    try:
        public_key.verify(signature, payload)
    except InvalidSignature:
        return Verification(False, "the signature does not match the payload (document altered or forged)")
    statement = json.loads(payload)
    if document.get("attestation") != statement:
        return Verification(False, "the readable 'attestation' differs from the signed payload")
    return Verification(True, "signature valid", statement)
