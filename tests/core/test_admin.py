"""The admin is read-only for our models: a change there would bypass the audit trail."""

import pytest

from art28.core.roles import Role
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_admins_browse_but_cannot_change_an_organisation(make_user, org_a):
    admin = logged_in(make_user("root@provider.example", Role.ADMIN))

    listing = admin.get("/admin/core/organisation/")
    assert listing.status_code == 200 and "ACME" in listing.content.decode()
    assert admin.get("/admin/core/organisation/add/").status_code == 403
    response = admin.post(f"/admin/core/organisation/{org_a.pk}/change/", {"ref": "X", "name": "Hijacked"})
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert org_a.name == "Acme Sàrl"


def test_other_staff_roles_do_not_get_the_admin(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
