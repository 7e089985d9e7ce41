"""Documents and versions (S8): drafts change, published versions never do (GDPR Art. 28(9): what was
accepted stays provable); the version in force on a day; every write audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.legal.models import DocumentKind, DocumentVersion, VersionStatus
from art28.legal.selectors import upcoming_versions, version_in_force
from art28.legal.services import version_discard, version_draft, version_publish, version_update
from tests.conftest import TEST_ACTOR
from tests.legal.conftest import new_document, publish, today

pytestmark = pytest.mark.django_db


def test_a_draft_is_numbered_after_the_last_version_and_only_one_draft_at_a_time():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(document, "# v1")
    draft = version_draft(actor=TEST_ACTOR, document=document, body="# v2")
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    with pytest.raises(ValidationError, match="already has a draft"):
        version_draft(actor=TEST_ACTOR, document=document, body="# another v2")


def test_gdpr_art_28_9_a_published_version_never_changes_nor_is_discarded():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    version = publish(document, "# Original")
    with pytest.raises(ValidationError, match="never changes"):
        version_update(actor=TEST_ACTOR, version=version, body="# Altered")
    with pytest.raises(ValidationError, match="never changes"):
        version_discard(actor=TEST_ACTOR, version=version)
    with pytest.raises(ValidationError, match="never changes"):
        version_publish(actor=TEST_ACTOR, version=version, effective_on=today())
    version.refresh_from_db()
    assert version.body == "# Original"


def test_a_draft_is_edited_and_discarded_with_audit_entries():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    draft = version_draft(actor=TEST_ACTOR, document=document, body="# one", change_summary="first")
    version_update(actor=TEST_ACTOR, version=draft, body="# two", change_summary="second")
    draft.refresh_from_db()
    assert (draft.body, draft.change_summary) == ("# two", "second")
    version_discard(actor=TEST_ACTOR, version=draft)
    assert not DocumentVersion.objects.filter(pk=draft.pk).exists()
    actions = list(AuditEntry.objects.filter(action__startswith="legal.").values_list("action", flat=True))
    assert actions == ["legal.document.create", "legal.version.draft", "legal.version.update", "legal.version.discard"]
    update = AuditEntry.objects.get(action="legal.version.update")
    assert update.before["change_summary"] == "first" and update.after["change_summary"] == "second"


def test_an_empty_text_is_refused_naming_the_field():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    with pytest.raises(ValidationError) as caught:
        version_draft(actor=TEST_ACTOR, document=document, body="   ")
    assert "body" in caught.value.message_dict
    assert not document.versions.exists()


def test_publication_is_audited_and_cannot_be_backdated():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    draft = version_draft(actor=TEST_ACTOR, document=document, body="# v1")
    with pytest.raises(ValidationError) as caught:
        version_publish(actor=TEST_ACTOR, version=draft, effective_on=today() - dt.timedelta(days=1))
    assert "effective_on" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    version_publish(actor=TEST_ACTOR, version=draft, effective_on=today())
    entry = AuditEntry.objects.get(action="legal.version.publish")
    assert entry.before["status"] == "draft" and entry.after["status"] == "published"
    assert entry.after["effective_on"] == str(today()) and entry.after["customers_told"] == 0


def test_a_later_version_cannot_take_effect_before_an_earlier_one():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(document, "# v1", on=today() + dt.timedelta(days=10))
    draft = version_draft(actor=TEST_ACTOR, document=document, body="# v2")
    with pytest.raises(ValidationError, match="cannot take effect before it"):
        version_publish(actor=TEST_ACTOR, version=draft, effective_on=today() + dt.timedelta(days=5))


def test_the_version_in_force_on_a_day_is_the_latest_published_not_after_that_day():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    v1 = publish(document, "# v1")
    v2 = publish(document, "# v2", on=today() + dt.timedelta(days=10))
    v3 = publish(document, "# v3", on=today() + dt.timedelta(days=20))
    version_draft(actor=TEST_ACTOR, document=document, body="# draft")  # drafts never count
    assert version_in_force(document, today()) == v1
    assert version_in_force(document, today() + dt.timedelta(days=9)) == v1
    assert version_in_force(document, today() + dt.timedelta(days=10)) == v2
    assert version_in_force(document, today() + dt.timedelta(days=365)) == v3
    assert version_in_force(document, today() - dt.timedelta(days=1)) is None
    assert upcoming_versions(document) == [v2, v3]


def test_two_versions_on_the_same_day_the_higher_number_is_in_force():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(document, "# v1")
    v2 = publish(document, "# v2")  # a policy that informs may take effect the same day
    assert version_in_force(document) == v2


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.SECURITY, Role.AUDITOR, Role.CUSTOMER_ADMIN])
def test_only_the_dpo_and_administrators_write(make_user, org_a, role):
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    organisation = org_a if role == Role.CUSTOMER_ADMIN else None
    user = make_user(f"{role}@x.example", role, organisation)
    with pytest.raises(PermissionDenied):
        version_draft(actor=user, document=document, body="# v1")


def test_one_document_per_kind(make_user):
    new_document("terms", DocumentKind.TERMS)
    with pytest.raises(ValidationError, match="already a document of this kind"):
        new_document("terms-2", DocumentKind.TERMS)
