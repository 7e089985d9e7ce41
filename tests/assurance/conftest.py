"""Small real files (a 1x1 PNG, a JPEG and WebP header, a PDF) and the staff who edit the trust center."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from art28.assurance.models import Certification
from art28.assurance.services import certification_create
from art28.core.roles import Role
from tests.conftest import TEST_ACTOR, logged_in

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def today() -> dt.date:
    return timezone.localdate()


def add_certification(name: str = "ISO/IEC 27001:2022", **fields) -> Certification:
    fields.setdefault("issuer", "SQS Swiss Association for Quality")
    fields.setdefault("valid_from", today() - dt.timedelta(days=365))
    fields.setdefault("valid_until", today() + dt.timedelta(days=365))
    return certification_create(actor=TEST_ACTOR, name=name, **fields)


@pytest.fixture
def dpo_client(make_user) -> Client:
    return logged_in(make_user("dpo@provider.example", Role.DPO))


@pytest.fixture
def security_client(make_user) -> Client:
    return logged_in(make_user("sec@provider.example", Role.SECURITY))
