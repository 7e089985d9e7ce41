"""The staff pages of physical security (issue 16 point 5): what a security officer and an auditor read,
the heat-map, the anomalies with their filters and the prefilled incident, and the review's refusals."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from art28.core.roles import Role
from art28.physical.importer import physical_import
from art28.physical.models import Authorisation, ReviewItem, Zone
from art28.physical.reviews import access_review_start
from tests.conftest import logged_in
from tests.physical.conftest import ACTOR

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def at(days_ago: int, hour: int) -> str:
    return timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(hour))).isoformat()


@pytest.fixture
def loaded(imported):
    """B1 enters the hall on weekdays at 08:00 for two weeks, and once on a night (an anomaly when the night
    is a weekday's 03:00, outside 07:00-19:00)."""
    lines = [f"{at(d, 8)},GVA1,hall,H1,B1,granted,in\n" for d in range(1, 15)]
    lines.append(f"{at(2, 3)},GVA1,hall,H1,B1,granted,in\n")
    lines.append(f"{at(3, 12)},GVA1,cage-7,C7,B9,granted,in\n")  # an unknown badge in the cage
    imported("".join(lines))


@pytest.fixture
def security(make_user):
    return logged_in(make_user("sec@example-hosting.ch", Role.SECURITY))


def test_the_sites_page_lists_zones_and_people_who_left_with_access(loaded, auditor):
    Authorisation.objects.filter(person__ref="P2").update(valid_until=None)
    from art28.physical.models import Person

    Person.objects.filter(ref="P2").update(left_on=TODAY - dt.timedelta(days=3))
    page = logged_in(auditor).get("/staff/physical/")
    assert page.status_code == 200
    assert "hall (3)" in page.text and "cage-7 (4)" in page.text
    assert "People who left but still hold an authorisation" in page.text and "Bruno Leaver" in page.text


def test_the_site_page_draws_the_heat_map_and_who_may_enter(loaded, auditor):
    page = logged_in(auditor).get("/staff/physical/sites/GVA1/")
    assert page.status_code == 200
    assert '<svg role="img"' in page.text and 'class="chart heatmap"' in page.text
    assert "mon-fri, 07:00-19:00" in page.text  # P1's window, as written in the import
    assert "15 granted entries since" in page.text or "16 granted entries since" in page.text
    assert "Never reviewed." in page.text


def test_an_unknown_site_is_a_404(auditor, geneva):
    assert logged_in(auditor).get("/staff/physical/sites/NOPE/").status_code == 404
    assert logged_in(auditor).get("/staff/physical/sites/GVA1/").status_code == 404  # a site without zones


def test_the_anomalies_filter_by_rule_and_offer_a_prefilled_incident_to_those_who_declare(loaded, security, auditor):
    page = security.get("/staff/physical/anomalies/")
    assert "<code>unknown-badge</code>" in page.text and "<code>outside-hours</code>" in page.text
    only = security.get("/staff/physical/anomalies/?rule=unknown-badge")
    assert "<code>unknown-badge</code>" in only.text and "<code>outside-hours</code>" not in only.text
    link = next(
        part.split('"')[0] for part in only.text.split('href="') if part.startswith("/staff/breaches/declare/?")
    )
    query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert query["sites"] == ["GVA1"] and "unknown-badge" in query["title"][0]
    declare = security.get(link.replace("&amp;", "&"))
    assert declare.status_code == 200
    assert re.search(r'<input type="checkbox" name="sites" value="GVA1"[^>]*checked', declare.text)
    assert "Declare an incident" not in logged_in(auditor).get("/staff/physical/anomalies/").text


def test_a_bad_filter_is_ignored_with_its_error_shown(loaded, auditor):
    page = logged_in(auditor).get("/staff/physical/anomalies/?since=yesterday")
    assert page.status_code == 200 and "Enter a valid date" in page.text


def test_the_person_page(loaded, auditor):
    page = logged_in(auditor).get("/staff/physical/people/P1/")
    assert page.status_code == 200 and "Anna Day" in page.text and "B1" in page.text and "hall" in page.text
    assert logged_in(auditor).get("/staff/physical/people/NOPE/").status_code == 404


def test_reviewing_ones_own_access_is_a_400_with_the_reason_and_changes_nothing(geneva, write, make_user):
    anna = make_user("anna@example-hosting.ch", Role.SECURITY)
    people = "ref,name,employer,kind,left_on,email\nP1,Anna Day,Provider SA,staff,,anna@example-hosting.ch\n"
    auths = "person,site,zone,from,until,days,hours,approved_by\nP1,GVA1,hall,2026-01-01,,,,\n"
    physical_import(write(people=people, badges=None, authorisations=auths), actor=ACTOR)
    review = access_review_start(actor=anna, site=geneva, zone=Zone.objects.get(name="hall"))
    item = review.items.get()
    response = logged_in(anna).post(f"/staff/physical/reviews/{review.pk}/items/{item.pk}/decide",
                                    {"decision": "keep"})  # fmt: skip
    assert response.status_code == 400 and "You cannot review your own access" in response.text
    assert ReviewItem.objects.get(pk=item.pk).decision == ""
    bad = logged_in(make_user("ops@example-hosting.ch", Role.OPERATIONS)).post(
        f"/staff/physical/reviews/{review.pk}/items/{item.pk}/decide", {"decision": "maybe"}
    )
    assert bad.status_code == 400 and "decision" in bad.text


def test_starting_a_review_from_the_page_and_a_bad_zone_is_a_400(loaded, security):
    bad = security.post("/staff/physical/reviews/", {"site": "GVA1", "zone": "roof"})
    assert bad.status_code == 400 and "GVA1 has no zone roof" in bad.text
    started = security.post("/staff/physical/reviews/", {"site": "GVA1", "zone": "hall"})
    assert started.status_code == 302
    assert "still to decide" in security.get(started["Location"]).text


def test_anomaly_times_are_on_the_sites_clock_with_the_rule_in_words(imported, auditor, settings):
    settings.TIME_ZONE = "America/New_York"  # the provider's own zone is not the site's
    imported("2026-03-28T10:00:00+01:00,GVA1,hall,H1,B1,granted,in\n")
    page = logged_in(auditor).get("/staff/physical/anomalies/?since=2026-03-01")
    assert "28 Mar 2026, 10:00" in page.text and "+0100" in page.text
    assert "outside the authorised days and hours" in page.text


def test_an_incident_from_an_anomaly_in_a_zone_with_assets_is_scoped_to_them(imported, security):
    from art28.inventory.models import Asset

    imported("2026-03-27T10:00:00+01:00,GVA1,cage-7,C7,B1,granted,in\n")
    cage = Zone.objects.get(name="cage-7")
    cage.assets.add(Asset.objects.create(ref="rack-c7-01", kind="rack", site=cage.site))
    page = security.get("/staff/physical/anomalies/?since=2026-03-01")
    links = [part.split('"')[0].replace("&amp;", "&") for part in page.text.split('href="')]
    link = next(link for link in links if link.startswith("/staff/breaches/declare/?"))
    query = parse_qs(urlparse(link).query)
    assert query["assets"] == ["rack-c7-01"] and "sites" not in query
    assert "rack-c7-01" in security.get(link).text
