"""What customers and the public see of physical security (issue 16 point 5): per datacenter, the zones
by security class, the last completed access review and whether the log is analysed, never a name; in the
portal, only the sites that hold the customer's own data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from art28.core.roles import Role
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, Placement, Site
from art28.physical.models import Zone
from art28.physical.reviews import access_review_start, review_item_decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(imported, org_a, org_b, make_user):
    """GVA1 (the conftest's, with its badge log and a completed review) holds A's data; ZRH9 (zones, no
    log) holds B's."""
    now = timezone.localtime()
    imported(f"{(now - dt.timedelta(days=2)).isoformat()},GVA1,hall,H1,B1,granted,in\n")
    reviewer = make_user("rolf@example-hosting.ch", Role.SECURITY)
    cage = Zone.objects.get(name="hall")
    review = access_review_start(actor=reviewer, site=Site.objects.get(code="GVA1"), zone=cage)
    zurich = Site.objects.create(code="ZRH9", name="Zurich 9", city="Zürich", country="CH")
    Zone.objects.create(site=zurich, name="secret-vault", security_class=4)
    for ref, site, org in (("a-host", "GVA1", org_a), ("b-host", "ZRH9", org_b)):
        asset = Asset.objects.create(ref=ref, kind="host", site=Site.objects.get(code=site))
        Placement.objects.create(customer=org, asset=asset)
    refresh_locations()
    return review, reviewer


def test_the_trust_center_shows_zones_by_class_reviews_and_the_log_without_names(
    two_sites, client, django_capture_on_commit_callbacks
):
    review, reviewer = two_sites
    page = client.get("/en/trust/")
    assert "1 zone of class 3" in page.text and "1 zone of class 4" in page.text
    assert "no access review completed yet" in page.text
    assert "badge log analysed against the authorisations" in page.text
    assert "badge log not analysed in the last month" in page.text  # ZRH9: zones, no log
    assert "Anna Day" not in page.text and "B1" not in page.text and "P1" not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        for item in review.items.all():
            review_item_decide(actor=reviewer, item=item, decision="keep")
    assert "access rights reviewed on" in client.get("/en/trust/").text  # the cache follows the review


def test_the_portal_shows_only_the_sites_holding_the_customers_data(two_sites, client_a, client_b):
    mine = client_a.get("/portal/controls/")
    assert mine.status_code == 200 and "GVA1" in mine.text and "ZRH9" not in mine.text
    theirs = client_b.get("/portal/controls/")
    assert "ZRH9" in theirs.text and "GVA1" not in theirs.text
    assert "secret-vault" not in theirs.text  # zone names are not shown either
