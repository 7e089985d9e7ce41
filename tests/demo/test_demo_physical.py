"""The demo's physical security (S5, issue 16): a year of badge events at its sites, loaded through the real
importer, with a few planted anomalies, the Frankfurt contractor in the provider's cage among them."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Max, Min
from django.utils import timezone

from art28.physical.anomalies import find_anomalies
from art28.physical.models import BadgeEvent, BadgeHolding, Person

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_badge_events_with_the_frankfurt_contractor_and_each_rule_planted():
    out = io.StringIO()
    call_command("load_demo", "--customers", "40", "--no-logins", stdout=out)
    assert "physical security:" in out.getvalue()
    span = BadgeEvent.objects.aggregate(first=Min("at"), last=Max("at"))
    assert (span["last"] - span["first"]).days >= 360 and span["last"] <= timezone.now()
    assert {"GVA1", "GVA2", "ZRH1", "FRA1"} == set(BadgeEvent.objects.values_list("site__code", flat=True))
    assert 30_000 <= BadgeEvent.objects.count() <= 80_000

    anomalies = find_anomalies()
    rules = Counter(anomaly.rule for anomaly in anomalies)
    assert {"unknown-badge", "after-leaving", "no-authorisation", "outside-hours", "repeated-denials"} <= set(rules)
    assert sum(rules.values()) < 30  # planted, a handful each: the rest of the year is in order
    # The demo incident: a contractor's badge opened the provider's cage in Frankfurt, about 30 hours ago.
    contractors = set(Person.objects.filter(kind="contractor").values_list("ref", flat=True))
    cage = [
        a
        for a in anomalies
        if (a.site, a.zone, a.rule) == ("FRA1", "cage", "no-authorisation")
        and a.person in contractors
        and a.at >= timezone.now() - dt.timedelta(days=2)
    ]
    assert len(cage) == 1
    assert BadgeHolding.objects.filter(badge=cage[0].badge, person__ref=cage[0].person).exists()
    # The staff logins badge too: a person with a demo user's e-mail is that user.
    assert Person.objects.filter(user__email="security@example-hosting.ch").exists()
    # The Frankfurt cage holds the backup set of the demo's incident: the zone names it.
    from art28.physical.models import Zone

    assert list(Zone.objects.get(site__code="FRA1", name="cage").assets.values_list("ref", flat=True)) == ["BK-FRA1-01"]
    # Access reviews in every state: Geneva's completed (the leaver revoked), Frankfurt's cage under way.
    from art28.physical.models import AccessReview

    assert AccessReview.objects.filter(site__code="GVA1", completed_at__isnull=False).exists()
    assert AccessReview.objects.filter(site__code="FRA1", zone__name="cage", completed_at__isnull=True).exists()
    assert not AccessReview.objects.filter(site__code="GVA1", items__decision="").exists()
