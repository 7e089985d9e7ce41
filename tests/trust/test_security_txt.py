"""security.txt's Expires is a date staff renew, not one that rolls forward on every request.

RFC 9116 §2.5.5: "The "Expires" field indicates the date and time after which the data contained in the
"security.txt" file is considered stale and should not be used"; the field is REQUIRED, and it is
RECOMMENDED that its value be less than a year into the future.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from tests.conftest import TEST_ACTOR, logged_in

from art28.core.models import AuditEntry, SecurityTxt, User, one_year_after
from art28.core.roles import Role
from art28.core.selectors import security_txt_state
from art28.core.services import security_txt_renew

pytestmark = pytest.mark.django_db
PAGE = "/staff/security-txt/"
NOW = dt.datetime(2027, 3, 10, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def dpo_client(make_user) -> Client:
    return logged_in(make_user("dpo@provider.example", Role.DPO))


def expires_field(client: Client) -> str:
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    [line] = [line for line in response.content.decode().splitlines() if line.startswith("Expires: ")]
    return line.removeprefix("Expires: ")


def set_expiry(expires_at: dt.datetime) -> SecurityTxt:
    """Store an expiry directly (the service refuses one in the past, which these tests need)."""
    record, _ = SecurityTxt.objects.update_or_create(
        pk=1, defaults={"expires_at": expires_at, "renewed_at": expires_at - dt.timedelta(days=200)}
    )
    return record


# --- the file ------------------------------------------------------------------------------------


def test_expires_is_the_renewed_date_and_does_not_roll_forward_rfc_9116_2_5_5(client: Client):
    """RFC 9116 §2.5.5: Expires is a date after which the file is stale; it must be able to pass. The file
    serves the date staff set, the same on every request, until someone renews it."""
    expires_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=90, hours=3, seconds=7)
    security_txt_renew(actor=TEST_ACTOR, expires_at=expires_at)
    first = expires_field(client)
    assert first == expires_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert expires_field(client) == first
    later = expires_at + dt.timedelta(days=30)
    security_txt_renew(actor=TEST_ACTOR, expires_at=later)
    assert expires_field(client) == later.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_fresh_install_publishes_no_security_txt_until_staff_set_its_expiry_rfc_9116_2_5_5(
    client: Client, staff_client: Client
):
    """RFC 9116 §2.5.5 makes Expires REQUIRED, and nobody has vouched for the file of a fresh install: it
    answers 404 (no file is better than an invalid one or a date nobody chose), the trust center does not
    link it, and the staff dashboard says so, with the link to set it."""
    assert not SecurityTxt.objects.exists()  # the migration creates none on a database without users
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 404 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"Expires" not in response.content and b"not published" in response.content
    assert "/.well-known/security.txt" not in client.get("/en/trust/").content.decode()
    html = staff_client.get("/staff/").content.decode()
    assert "security.txt is not published" in html and f'href="{PAGE}"' in html


def test_an_expired_file_is_still_served_with_its_past_date_so_readers_see_it_is_stale(
    client: Client, staff_client: Client
):
    """RFC 9116 §2.5.5: after Expires the data "is considered stale and should not be used": the file keeps
    its past date (readers can tell), the trust center says it is stale, and the dashboard alarms."""
    past = timezone.now().replace(microsecond=0) - dt.timedelta(days=2)
    set_expiry(past)
    assert expires_field(client) == past.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "stale since" in client.get("/en/trust/").content.decode()
    html = staff_client.get("/staff/").content.decode()
    assert 'class="banner bad"' in html and "security.txt expired on" in html


# --- the renewal (core.services.security_txt_renew) -------------------------------------------------


def test_the_renewal_refuses_a_date_not_in_the_future_rfc_9116_2_5_5():
    """A renewal sets a date after which the file goes stale: now or earlier would publish a stale file."""
    for when in (NOW, NOW - dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            security_txt_renew(actor=TEST_ACTOR, expires_at=when, now=NOW)
        assert "not in the future" in refused.value.message_dict["expires_at"][0]
    assert not SecurityTxt.objects.exists() and not AuditEntry.objects.filter(action="security_txt.renew").exists()
    record = security_txt_renew(actor=TEST_ACTOR, expires_at=NOW + dt.timedelta(seconds=1), now=NOW)
    assert record.expires_at == NOW + dt.timedelta(seconds=1)


def test_the_renewal_refuses_a_year_or_more_ahead_rfc_9116_2_5_5():
    """RFC 9116 §2.5.5: "less than a year into the future". A year to the second is refused, with the
    latest acceptable moment in the message; one second less is accepted."""
    a_year = one_year_after(NOW)
    assert a_year == dt.datetime(2028, 3, 10, 9, 30, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as refused:
        security_txt_renew(actor=TEST_ACTOR, expires_at=a_year, now=NOW)
    assert "RFC 9116 §2.5.5 recommends less than a year" in refused.value.message_dict["expires_at"][0]
    assert "10 Mar 2028, 10:30 CET" in refused.value.message_dict["expires_at"][0]
    assert not SecurityTxt.objects.exists()
    record = security_txt_renew(actor=TEST_ACTOR, expires_at=a_year - dt.timedelta(seconds=1), now=NOW)
    assert record.expires_at == a_year - dt.timedelta(seconds=1)


def test_a_year_after_29_february_is_28_february():
    leap = dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.UTC)
    assert one_year_after(leap) == dt.datetime(2029, 2, 28, 12, 0, tzinfo=dt.UTC)


def test_the_renewal_is_audited_with_who_and_the_dates_before_and_after(make_user):
    dpo = make_user("dpo@provider.example", Role.DPO)
    first = security_txt_renew(actor=dpo, expires_at=NOW + dt.timedelta(days=100), now=NOW)
    assert first.renewed_by == dpo and first.renewed_by_label == "dpo@provider.example"
    security_txt_renew(actor=dpo, expires_at=NOW + dt.timedelta(days=200), now=NOW)
    entries = list(AuditEntry.objects.filter(action="security_txt.renew").order_by("seq"))
    assert [e.actor_label for e in entries] == ["dpo@provider.example"] * 2
    assert entries[0].before is None and entries[1].before == {"expires_at": entries[0].after["expires_at"]}
    assert entries[1].after["expires_at"].startswith("2027-09-26T09:30:00")
    assert SecurityTxt.objects.count() == 1


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR, Role.CUSTOMER_ADMIN])
def test_only_the_dpo_security_or_an_administrator_renews(make_user, make_org, role):
    organisation = make_org("ACME") if role == Role.CUSTOMER_ADMIN else None
    user = make_user(f"{role}@provider.example", role, organisation)
    with pytest.raises(PermissionDenied):
        security_txt_renew(actor=user, expires_at=NOW + dt.timedelta(days=30), now=NOW)
    assert not SecurityTxt.objects.exists()


# --- when staff are warned (core.selectors.security_txt_state) ---------------------------------------


def test_staff_are_warned_from_30_days_before_the_expiry_and_alarmed_once_it_passed():
    """The dashboard warns from 30 days before Expires (issue 9, item 11); after Expires the file is
    stale (RFC 9116 §2.5.5: "after which")."""
    expires = set_expiry(NOW).expires_at
    day = dt.timedelta(days=1)
    second = dt.timedelta(seconds=1)
    assert security_txt_state(now=expires - 30 * day - second).status == "valid"
    assert security_txt_state(now=expires - 30 * day).status == "expiring"
    assert security_txt_state(now=expires - 30 * day).days_left == 30
    assert security_txt_state(now=expires).status == "expiring"
    assert security_txt_state(now=expires + second).status == "expired"


def test_the_dashboard_shows_the_warning_only_within_30_days(staff_client: Client):
    noon_in_10_days = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=10), dt.time(12))
    set_expiry(timezone.make_aware(noon_in_10_days))
    html = staff_client.get("/staff/").content.decode()
    assert 'class="banner warn"' in html and "in 10 days" in html
    set_expiry(timezone.now() + dt.timedelta(days=60))
    html = staff_client.get("/staff/").content.decode()
    assert "security.txt expires on" not in html and "security.txt expired" not in html
    assert "security.txt is not published" not in html


# --- the staff page -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DPO, Role.SECURITY, Role.OPERATIONS, Role.AUDITOR])
def test_every_staff_role_reads_the_page(make_user, role):
    set_expiry(timezone.now() + dt.timedelta(days=90))
    html = logged_in(make_user(f"{role}@provider.example", role)).get(PAGE).content.decode()
    assert "Contact: mailto:" in html  # the file as served now
    assert ("Renew security.txt" in html) == (role in (Role.ADMIN, Role.DPO, Role.SECURITY))


def test_customers_get_403_and_visitors_the_login_page(client: Client, make_user, make_org):
    customer = make_user("c@acme.example", Role.CUSTOMER_ADMIN, make_org("ACME"))
    assert logged_in(customer).get(PAGE).status_code == 403
    assert logged_in(customer).post(PAGE, {"expires_on": "2030-01-01"}).status_code == 403
    response = client.get(PAGE)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR])
def test_read_only_roles_cannot_renew_through_the_page(make_user, role):
    client = logged_in(make_user(f"{role}@provider.example", role))
    day = timezone.localdate() + dt.timedelta(days=60)
    assert client.post(PAGE, {"expires_on": day.isoformat()}).status_code == 403
    assert not SecurityTxt.objects.exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DPO, Role.SECURITY])
def test_a_renewal_through_the_page_shows_at_once_on_the_trust_center(
    client: Client, make_user, role, django_capture_on_commit_callbacks
):
    """The trust center caches its pages; the renewal invalidates them after its commit, so the public
    page and the file show the new date on the next request."""
    set_expiry(timezone.now() + dt.timedelta(days=5))
    old_page = client.get("/en/trust/").content.decode()
    staff = logged_in(make_user(f"{role}@provider.example", role))
    day = timezone.localdate() + dt.timedelta(days=200)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(PAGE, {"expires_on": day.isoformat()})
    assert response.status_code == 302 and response["Location"] == PAGE
    record = SecurityTxt.objects.get()
    assert timezone.localtime(record.expires_at) == timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
    assert record.renewed_by.role == role
    new_page = client.get("/en/trust/").content.decode()
    assert new_page != old_page and "valid until" in new_page
    assert expires_field(client) == record.expires_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_page_refuses_a_date_a_year_ahead_and_names_the_latest(dpo_client: Client):
    too_late = timezone.localtime(one_year_after(timezone.now())).date()  # its end is after now + a year
    response = dpo_client.post(PAGE, {"expires_on": too_late.isoformat()})
    assert response.status_code == 400
    html = response.content.decode()
    assert "RFC 9116 §2.5.5 recommends less than a year" in html
    assert not SecurityTxt.objects.exists()
    latest = response.context["latest_day"]
    assert latest == too_late - dt.timedelta(days=1)
    assert dpo_client.post(PAGE, {"expires_on": latest.isoformat()}).status_code == 302


# --- the upgrade -----------------------------------------------------------------------------------


def _carry_over():
    """The data migration's function (found by name: the migration may be renumbered)."""
    folder = Path(importlib.import_module("art28.core.migrations").__file__).parent
    [path] = folder.glob("*_security_txt.py")
    return importlib.import_module(f"art28.core.migrations.{path.stem}").carry_over_the_published_expiry


def test_an_upgraded_install_keeps_serving_the_expiry_it_had_a_fresh_one_none(make_user):
    """An install with users served a file whose Expires rolled 180 days ahead: the migration fixes that
    value for staff to renew, so the file does not vanish at the upgrade. A fresh database gets none."""
    carry_over = _carry_over()
    carry_over(apps, None)
    assert not SecurityTxt.objects.exists()
    make_user("admin@provider.example", Role.ADMIN)
    carry_over(apps, None)
    record = SecurityTxt.objects.get()
    assert record.renewed_by is None and "migration" in record.renewed_by_label
    assert abs(record.expires_at - (timezone.now() + dt.timedelta(days=180))) < dt.timedelta(minutes=5)
    assert User.objects.count() == 1
