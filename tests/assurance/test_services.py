"""The assurance services: what they refuse (naming the field, saving nothing), what they record in the
audit trail, and who may call them."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from art28.assurance.files import CERTIFICATE_MAX_BYTES, LOGO_MAX_BYTES, sniff_image
from art28.assurance.models import Certification, TrustCenterProfile
from art28.assurance.services import (
    certification_create,
    certification_delete,
    certification_update,
    trust_profile_update,
)
from art28.core.models import AuditEntry
from art28.core.roles import Role
from tests.assurance.conftest import JPEG, PDF, PNG, SVG, WEBP, add_certification, today
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("content", "content_type"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")])
def test_the_logo_type_is_read_from_its_first_bytes(content, content_type):
    profile = trust_profile_update(actor=TEST_ACTOR, tagline="Swiss hosting", logo=content)
    stored = TrustCenterProfile.objects.get(pk=1)
    assert stored.logo_content_type == content_type == sniff_image(content)
    assert bytes(stored.logo) == content and stored.logo_size == len(content)
    assert stored.logo_sha256 == hashlib.sha256(content).hexdigest() == profile.logo_sha256
    entry = AuditEntry.objects.get(action="assurance.trust_profile.update")
    assert entry.after["logo_sha256"] == stored.logo_sha256 and "logo" not in entry.after  # no blob in the trail


@pytest.mark.parametrize(
    "content",
    [SVG, b"GIF89a" + b"\x00" * 20, b"<html><script>alert(1)</script></html>", b"%PDF-1.4", b"\x89PNX" + b"\x00" * 10],
)
def test_a_logo_that_is_not_png_jpeg_or_webp_is_refused_and_nothing_is_saved(content):
    with pytest.raises(ValidationError) as refused:
        trust_profile_update(actor=TEST_ACTOR, tagline="New tagline", logo=content)
    assert "logo" in refused.value.message_dict
    assert not TrustCenterProfile.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assurance.").exists()


def test_a_png_named_like_an_svg_is_judged_by_its_bytes_not_its_name():
    """The services never see a file name: only the bytes decide."""
    assert sniff_image(PNG) == "image/png" and sniff_image(SVG) == ""


def test_a_logo_over_512_kb_is_refused():
    with pytest.raises(ValidationError) as refused:
        trust_profile_update(actor=TEST_ACTOR, logo=PNG + b"\x00" * LOGO_MAX_BYTES)
    assert "512 KB" in refused.value.message_dict["logo"][0]
    trust_profile_update(actor=TEST_ACTOR, logo=PNG + b"\x00" * (LOGO_MAX_BYTES - len(PNG)))  # exactly the limit


def test_a_bad_new_logo_keeps_the_old_one():
    trust_profile_update(actor=TEST_ACTOR, tagline="Before", logo=PNG)
    with pytest.raises(ValidationError):
        trust_profile_update(actor=TEST_ACTOR, tagline="After", logo=SVG)
    stored = TrustCenterProfile.objects.get(pk=1)
    assert stored.tagline == "Before" and bytes(stored.logo) == PNG


def test_the_logo_is_removed_and_the_change_is_audited():
    trust_profile_update(actor=TEST_ACTOR, logo=PNG)
    trust_profile_update(actor=TEST_ACTOR, remove_logo=True)
    stored = TrustCenterProfile.objects.get(pk=1)
    assert stored.logo is None and not stored.has_logo and stored.logo_content_type == ""
    last = AuditEntry.objects.filter(action="assurance.trust_profile.update").order_by("-seq").first()
    assert last.before["logo_sha256"] and last.after["logo_sha256"] == ""


def test_a_certification_with_its_pdf_is_recorded_in_the_audit_trail():
    certification = add_certification(scope="Hosting in Geneva and Zurich", certificate=PDF, position=2)
    stored = Certification.objects.get(pk=certification.pk)
    assert bytes(stored.certificate) == PDF and stored.certificate_content_type == "application/pdf"
    assert stored.certificate_sha256 == hashlib.sha256(PDF).hexdigest() and stored.certificate_size == len(PDF)
    entry = AuditEntry.objects.get(action="assurance.certification.create")
    assert entry.object_id == str(stored.pk) and entry.after["name"] == "ISO/IEC 27001:2022"
    assert entry.after["valid_until"] == str(stored.valid_until) and "certificate" not in entry.after


@pytest.mark.parametrize("content", [PNG, b"<html>%PDF-1.4</html>", b" %PDF-1.4", SVG])
def test_a_certificate_that_is_not_a_pdf_is_refused_and_nothing_is_saved(content):
    with pytest.raises(ValidationError) as refused:
        add_certification(certificate=content)
    assert "certificate" in refused.value.message_dict
    assert not Certification.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assurance.").exists()


def test_a_certificate_over_10_mb_is_refused():
    with pytest.raises(ValidationError) as refused:
        add_certification(certificate=PDF + b"\x00" * CERTIFICATE_MAX_BYTES)
    assert "10 MB" in refused.value.message_dict["certificate"][0]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"issuer": ""}, "issuer"),
        ({"valid_from": None}, "valid_from"),
        ({"valid_until": None}, "valid_until"),
        ({"valid_from": dt.date(2026, 5, 2), "valid_until": dt.date(2026, 5, 1)}, "valid_until"),
    ],
)
def test_a_certification_missing_a_field_is_refused_naming_it(fields, field):
    values = {
        "name": "ISO/IEC 27701:2019",
        "issuer": "SGS",
        "valid_from": dt.date(2026, 1, 1),
        "valid_until": dt.date(2028, 12, 31),
    } | fields
    with pytest.raises(ValidationError) as refused:
        certification_create(actor=TEST_ACTOR, **values)
    assert field in refused.value.message_dict
    assert not Certification.objects.exists()


def test_a_one_day_certification_is_allowed():
    day = dt.date(2026, 5, 1)
    certification_create(actor=TEST_ACTOR, name="One day", issuer="X", valid_from=day, valid_until=day)


def test_an_update_replaces_or_keeps_or_removes_the_file_and_records_only_what_changed():
    certification = add_certification(certificate=PDF)
    other_pdf = PDF + b"% renewed\n"
    certification_update(
        actor=TEST_ACTOR,
        certification=certification,
        name=certification.name,
        issuer=certification.issuer,
        valid_from=certification.valid_from,
        valid_until=certification.valid_until + dt.timedelta(days=365),
        certificate=other_pdf,
    )
    assert bytes(Certification.objects.get().certificate) == other_pdf
    entry = AuditEntry.objects.get(action="assurance.certification.update")
    assert set(entry.after) == {"valid_until", "certificate_size", "certificate_sha256"}
    # No new file: the old one stays.
    certification_update(
        actor=TEST_ACTOR,
        certification=certification,
        name="ISO/IEC 27001:2022 (renewed)",
        issuer=certification.issuer,
        valid_from=certification.valid_from,
        valid_until=certification.valid_until,
    )
    assert bytes(Certification.objects.get().certificate) == other_pdf
    certification_update(
        actor=TEST_ACTOR,
        certification=certification,
        name="ISO/IEC 27001:2022",
        issuer=certification.issuer,
        valid_from=certification.valid_from,
        valid_until=certification.valid_until,
        remove_certificate=True,
    )
    stored = Certification.objects.get()
    assert stored.certificate is None and not stored.has_certificate


def test_a_bad_update_changes_nothing():
    certification = add_certification(certificate=PDF)
    with pytest.raises(ValidationError):
        certification_update(
            actor=TEST_ACTOR,
            certification=certification,
            name="Changed",
            issuer="Changed",
            valid_from=certification.valid_from,
            valid_until=certification.valid_until,
            certificate=PNG,
        )
    stored = Certification.objects.get()
    assert stored.name == "ISO/IEC 27001:2022" and bytes(stored.certificate) == PDF
    assert not AuditEntry.objects.filter(action="assurance.certification.update").exists()


def test_a_deletion_is_audited_with_what_was_deleted():
    certification = add_certification()
    certification_delete(actor=TEST_ACTOR, certification=certification)
    assert not Certification.objects.exists()
    entry = AuditEntry.objects.get(action="assurance.certification.delete")
    assert entry.before["name"] == "ISO/IEC 27001:2022"


@pytest.mark.parametrize("role", [Role.SECURITY, Role.OPERATIONS, Role.AUDITOR])
def test_only_the_dpo_or_an_administrator_change_what_the_trust_center_claims(make_user, role):
    user = make_user(f"{role}@provider.example", role)
    with pytest.raises(PermissionDenied):
        trust_profile_update(actor=user, tagline="x")
    with pytest.raises(PermissionDenied):
        certification_create(actor=user, name="Self-declared", issuer="Us", valid_from=today(), valid_until=today())
    assert not Certification.objects.exists() and not TrustCenterProfile.objects.exists()


@pytest.mark.parametrize(
    ("valid_until", "status"),
    [(0, "expiring"), (-1, "expired"), (60, "expiring"), (61, "valid")],
)
def test_the_status_staff_see_counts_the_last_day_as_valid(valid_until, status):
    day = today()
    certification = Certification(
        valid_from=day - dt.timedelta(days=400), valid_until=day + dt.timedelta(days=valid_until)
    )
    assert certification.status_on(day) == status
    assert certification.is_valid_on(day) == (valid_until >= 0)
