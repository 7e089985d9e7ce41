"""Exceptions to the patch service levels (docs/patching.md, "Exceptions"): an accepted risk needs an
owner, a reason and an expiry; while in force the exposure is listed as accepted and is not overdue; an
expired one counts again; one whose package got fixed is reported as stale."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.patching.advisories import advisories_import
from art28.patching.exceptions import patch_exception_grant
from art28.patching.exposure import iter_exposures, stale_exceptions
from art28.patching.models import PatchException
from art28.patching.packages import packages_import
from tests.patching.fleet import RELEASE, import_hosts, write_json

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
CVE = "CVE-2025-2000"


@pytest.fixture
def overdue(tmp_path):
    """vm-0001 has had foo 1.0-1 since 2021; its fix 1.0-2 was published in 2020 (a DSA): long overdue."""
    import_hosts(tmp_path, ["vm-0001", "vm-0002"])
    for host in ("vm-0001", "vm-0002"):
        (tmp_path / f"{host}.txt").write_text("ii \tfoo\t1.0-1\t\t\n")
        packages_import(
            tmp_path / f"{host}.txt", actor=ACTOR, release=RELEASE, taken_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
        )
    tracker = {
        "foo": {CVE: {"releases": {RELEASE: {"status": "resolved", "fixed_version": "1.0-2", "urgency": "high"}}}}
    }
    advisories_import(write_json(tmp_path / "t.json", tracker), format="debian-tracker", actor=ACTOR)
    osv = {
        "id": "DSA-6000-1",
        "aliases": [CVE],
        "published": "2020-06-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "Debian:12", "name": "foo"},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-2"}]}]}],
    }  # fmt: skip
    advisories_import(write_json(tmp_path / "osv.json", osv), format="osv", actor=ACTOR)
    return tmp_path


def run_exposure() -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command("patch_exposure", stdout=io.StringIO(), stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, err.getvalue()


def late(now=None) -> set[str]:
    now = now or timezone.now()
    return {e.host for e in iter_exposures() if e.overdue(now)}


def test_an_exception_on_one_host_marks_it_accepted_and_the_other_stays_overdue(overdue, staff_user):
    assert late() == {"vm-0001", "vm-0002"}
    until = timezone.localdate() + dt.timedelta(days=30)
    patch_exception_grant(actor=staff_user, cve=CVE, host="vm-0001", owner=staff_user,
                          reason="Vendor appliance; compensating WAF rule", expires_on=until)  # fmt: skip
    assert late() == {"vm-0002"}
    accepted = next(e for e in iter_exposures() if e.host == "vm-0001")
    assert accepted.accepted_until == until and accepted.as_dict()["accepted_until"] == until.isoformat()
    assert AuditEntry.objects.filter(action="patching.exception_grant").count() == 1
    assert run_exposure()[0] == 1  # vm-0002 is still overdue

    patch_exception_grant(actor=staff_user, cve=CVE, owner=staff_user, reason="Fleet-wide decision",
                          expires_on=until)  # fmt: skip
    assert late() == set() and run_exposure()[0] == 0


def test_an_expired_exception_counts_again_from_the_day_after_its_last(overdue, staff_user):
    last_day = timezone.localdate() + dt.timedelta(days=1)
    patch_exception_grant(actor=staff_user, cve=CVE, owner=staff_user, reason="Until the window", expires_on=last_day)
    assert late() == set()
    PatchException.objects.update(expires_on=timezone.localdate())  # its last day is today: still in force
    assert late() == set()
    PatchException.objects.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert late() == {"vm-0001", "vm-0002"}


def test_an_exception_whose_package_got_fixed_is_stale(overdue, staff_user):
    patch_exception_grant(actor=staff_user, cve=CVE, host="vm-0001", owner=staff_user, reason="Later",
                          expires_on=timezone.localdate() + dt.timedelta(days=10))  # fmt: skip
    assert stale_exceptions() == []
    (overdue / "vm-0001.txt").write_text("ii \tfoo\t1.0-2\t\t\n")
    packages_import(overdue / "vm-0001.txt", actor=ACTOR, release=RELEASE)
    assert [e.host.ref for e in stale_exceptions()] == ["vm-0001"]
    assert "stale exception: CVE-2025-2000 on vm-0001" in run_exposure()[1]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cve": "CVE-1999-0001"}, "cve"),
        ({"host": "nope"}, "host"),
        ({"reason": "  "}, "reason"),
        ({"expires_on": "today"}, "expires_on"),
        ({"expires_on": "too late"}, "expires_on"),
        ({"owner": "customer"}, "owner"),
    ],
)
def test_an_exception_needs_a_known_cve_a_staff_owner_a_reason_and_a_near_expiry(
    overdue, staff_user, make_user, org_a, changes, field, settings
):
    today = timezone.localdate()
    arguments = {"cve": CVE, "host": "vm-0001", "owner": staff_user, "reason": "Because",
                 "expires_on": today + dt.timedelta(days=5)} | changes  # fmt: skip
    if changes.get("expires_on") == "today":
        arguments["expires_on"] = today
    if changes.get("expires_on") == "too late":
        arguments["expires_on"] = today + dt.timedelta(days=settings.ART28_RISK_ACCEPTANCE_MAX_DAYS + 1)
    if changes.get("owner") == "customer":
        arguments["owner"] = make_user("viewer@acme.example", Role.CUSTOMER_VIEWER, org_a)
    with pytest.raises(ValidationError) as refused:
        patch_exception_grant(actor=staff_user, **arguments)
    assert field in refused.value.message_dict
    assert PatchException.objects.count() == 0


def test_the_command_grants_and_lists(overdue, staff_user):
    out = io.StringIO()
    expires = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    call_command("patch_exception", "--cve", CVE, "--host", "vm-0002", "--owner", staff_user.email,
                 "--reason", "Reboot window on Sunday", "--expires", expires, stdout=out)  # fmt: skip
    listing = io.StringIO()
    call_command("patch_exception", "--list", stdout=listing)
    assert CVE in listing.getvalue() and "vm-0002" in listing.getvalue() and "Reboot window" in listing.getvalue()
