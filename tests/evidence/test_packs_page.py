"""Packs from a staff page (S2): asked for, written by the task with its progress on the row, downloaded
when ready and checkable offline; an auditor may ask, operations may not; bad periods are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.core.signing import provider_public_key
from art28.evidence.models import EvidencePack
from art28.evidence.tasks import build_pack
from art28.evidence.verify import pack_verify
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user, settings, tmp_path, signing_key, measure):
    settings.DATA_DIR = tmp_path
    return logged_in(make_user("auditor@audit.example", Role.AUDITOR))


def test_an_auditor_asks_for_a_pack_the_worker_writes_it_and_it_verifies(auditor, tmp_path):
    today = timezone.localdate()
    response = auditor.post("/staff/evidence/packs/", {"date_from": str(today - dt.timedelta(days=90)),
                                                       "date_to": str(today)})  # fmt: skip
    pack = EvidencePack.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/evidence/packs/{pack.pk}/"
    waiting = auditor.get(f"/staff/evidence/packs/{pack.pk}/").content.decode()
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting
    assert AuditEntry.objects.filter(action="evidence.pack_request", object_id=str(pack.pk)).exists()

    assert build_pack.call(pack.pk) == "done"
    pack.refresh_from_db()
    assert pack.total and pack.done == pack.total and pack.manifest_sha256
    page = auditor.get(f"/staff/evidence/packs/{pack.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in page and pack.manifest_sha256 in page
    download = auditor.get(f"/staff/evidence/packs/{pack.pk}/download")
    path = tmp_path / "downloaded.zip"
    path.write_bytes(b"".join(download.streaming_content))
    assert pack_verify(path, provider_public_key()).ok


def test_a_period_in_the_future_or_backwards_is_refused_and_nothing_is_queued(auditor):
    today = timezone.localdate()
    future = auditor.post(
        "/staff/evidence/packs/", {"date_from": str(today), "date_to": str(today + dt.timedelta(days=1))}
    )
    backwards = auditor.post(
        "/staff/evidence/packs/", {"date_from": str(today), "date_to": str(today - dt.timedelta(days=1))}
    )
    assert future.status_code == backwards.status_code == 400
    assert "ends today at the latest" in future.content.decode()
    assert "starts before it ends" in backwards.content.decode()
    assert not EvidencePack.objects.exists()


def test_a_failed_pack_says_why(auditor, settings):
    settings.ART28_SIGNING_KEY_FILE = "/nonexistent/key.pem"
    today = timezone.localdate()
    auditor.post("/staff/evidence/packs/", {"date_from": str(today - dt.timedelta(days=9)), "date_to": str(today)})
    pack = EvidencePack.objects.get()
    assert build_pack.call(pack.pk) == "failed"
    assert "no signing key" in auditor.get(f"/staff/evidence/packs/{pack.pk}/").content.decode()


def test_operations_may_not_export_packs(make_user):
    ops = logged_in(make_user("ops@example-hosting.ch", Role.OPERATIONS))
    assert ops.get("/staff/evidence/packs/").status_code == 403
