"""Access reviews (issue 16 point 4; ISO/IEC 27001:2022 A.5.18): nobody certifies their own access or one
they approved, revoking ends the authorisation, the cadence per security class, and the reports of unused
authorisations and of people who left but still hold one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.physical.anomalies import find_anomalies
from art28.physical.importer import physical_import
from art28.physical.models import AccessReview, Authorisation, Zone
from art28.physical.reviews import (
    access_review_start,
    leavers_with_access,
    overdue_reviews,
    review_item_decide,
    review_months,
    unused_authorisations,
    zone_review_states,
)
from tests.physical.conftest import ACTOR

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PEOPLE = (
    "ref,name,employer,kind,left_on,email\n"
    "P1,Anna Day,Provider SA,staff,,anna@example-hosting.ch\n"
    "P2,Bruno Leaver,Cablers GmbH,contractor,{left},\n"
    "P3,Chloé Night,Provider SA,staff,,chloe@example-hosting.ch\n"
)
AUTHORISATIONS = (
    "person,site,zone,from,until,days,hours,approved_by\n"
    "P1,GVA1,hall,2026-01-01,,mon-fri,07:00-19:00,P3\n"
    "P2,GVA1,hall,2026-01-01,,,,P1\n"
    "P3,GVA1,cage-7,2026-01-01,,,,P1\n"
)


@pytest.fixture
def staff(geneva, write, make_user):
    """Anna (security) and Chloé (operations) are art28 users and people of the badge system; Rolf
    (security) is only a reviewer."""
    anna = make_user("anna@example-hosting.ch", Role.SECURITY)
    chloe = make_user("chloe@example-hosting.ch", Role.OPERATIONS)
    rolf = make_user("rolf@example-hosting.ch", Role.SECURITY)
    left = (TODAY - dt.timedelta(days=10)).isoformat()
    physical_import(write(people=PEOPLE.format(left=left), authorisations=AUTHORISATIONS), actor=ACTOR)
    return anna, chloe, rolf


def item_of(review: AccessReview, ref: str):
    return review.items.get(authorisation__person__ref=ref)


def test_a_reviewer_cannot_certify_their_own_access(staff, geneva):
    anna, _chloe, _rolf = staff
    review = access_review_start(actor=anna, site=geneva, zone=Zone.objects.get(name="hall"))
    with pytest.raises(ValidationError, match="your own access"):
        review_item_decide(actor=anna, item=item_of(review, "P1"), decision="keep")
    assert item_of(review, "P1").decision == ""


def test_a_reviewer_cannot_certify_an_access_they_approved(staff, geneva):
    anna, chloe, _rolf = staff
    review = access_review_start(actor=anna, site=geneva, zone=Zone.objects.get(name="hall"))
    with pytest.raises(ValidationError, match="You approved this access"):
        review_item_decide(actor=chloe, item=item_of(review, "P1"), decision="keep")  # Chloé (P3) approved it
    with pytest.raises(ValidationError, match="You approved this access"):
        review_item_decide(actor=anna, item=item_of(review, "P2"), decision="revoke")  # Anna (P1) approved P2's
    review_item_decide(actor=chloe, item=item_of(review, "P2"), decision="revoke")  # Chloé did not: she may


def test_an_auditor_cannot_review(staff, geneva, auditor):
    anna, _chloe, _rolf = staff
    review = access_review_start(actor=anna, site=geneva)
    with pytest.raises(PermissionDenied):
        review_item_decide(actor=auditor, item=item_of(review, "P2"), decision="keep")
    with pytest.raises(PermissionDenied):
        access_review_start(actor=auditor, site=geneva)


def test_revoking_ends_the_access_and_the_last_decision_completes_the_review(staff, geneva):
    _anna, chloe, rolf = staff
    review = access_review_start(actor=rolf, site=geneva, zone=Zone.objects.get(name="hall"))
    review_item_decide(actor=rolf, item=item_of(review, "P1"), decision="keep", note="On call this year.")
    review.refresh_from_db()
    assert review.completed_at is None
    review_item_decide(actor=chloe, item=item_of(review, "P2"), decision="revoke", note="Contract over.")
    review.refresh_from_db()
    assert review.completed_at is not None
    assert Authorisation.objects.get(person__ref="P2").revoked_on == TODAY
    actions = list(AuditEntry.objects.filter(action__startswith="physical.review").values_list("action", flat=True))
    assert actions == ["physical.review_start", "physical.review_decide", "physical.review_decide",
                       "physical.review_complete"]  # fmt: skip
    with pytest.raises(ValidationError, match="decided already"):
        review_item_decide(actor=rolf, item=item_of(review, "P2"), decision="keep")


def test_an_entry_on_the_day_of_revocation_has_no_authorisation(staff, geneva, write):
    _anna, chloe, rolf = staff
    review = access_review_start(actor=rolf, site=geneva, zone=Zone.objects.get(name="hall"))
    review_item_decide(actor=chloe, item=item_of(review, "P2"), decision="revoke")
    noon = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12)))
    yesterday = noon - dt.timedelta(days=1)
    events = "".join(f"{t.isoformat()},GVA1,hall,H1,B2,granted,in\n" for t in (yesterday, noon))
    physical_import(write("events", events=events, zones=None, people=None, authorisations=None), actor=ACTOR)
    # B2 is P2's badge (the default badges.csv), and P2 left ten days ago: after-leaving wins, both days.
    assert [a.rule for a in find_anomalies()] == ["after-leaving", "after-leaving"]
    Authorisation.objects.filter(person__ref="P2").update(revoked_on=TODAY)
    from art28.physical.models import Person

    Person.objects.filter(ref="P2").update(left_on=None)
    assert [a.rule for a in find_anomalies()] == ["no-authorisation"]  # yesterday's entry was still covered


def test_a_second_review_waits_for_the_first_and_an_empty_zone_has_nothing_to_review(staff, geneva):
    anna, _chloe, _rolf = staff
    first = access_review_start(actor=anna, site=geneva, zone=Zone.objects.get(name="hall"))
    with pytest.raises(ValidationError, match=f"Finish review #{first.pk}"):
        access_review_start(actor=anna, site=geneva)
    empty = Zone.objects.create(site=geneva, name="roof", security_class=1)
    with pytest.raises(ValidationError, match="No authorisation to review"):
        access_review_start(actor=anna, site=geneva, zone=empty)
    with pytest.raises(ValidationError, match="due today or later"):
        access_review_start(actor=anna, site=geneva, zone=Zone.objects.get(name="cage-7"),
                            due_on=TODAY - dt.timedelta(days=1))  # fmt: skip


def test_the_cadence_per_security_class(settings):
    assert [review_months(c) for c in (4, 3, 2, 1)] == [3, 6, 12, 12]
    settings.ART28_ACCESS_REVIEW_MONTHS = "4=1,3=2"
    assert [review_months(c) for c in (4, 3, 2)] == [1, 2, 12]
    settings.ART28_ACCESS_REVIEW_MONTHS = "4=quarterly"
    with pytest.raises(ImproperlyConfigured):
        review_months(4)


def test_a_zone_is_due_its_months_after_its_last_completed_review_and_never_reviewed_is_due_now(staff, geneva):
    _anna, _chloe, rolf = staff
    review = access_review_start(actor=rolf, site=geneva, zone=Zone.objects.get(name="cage-7"))
    review_item_decide(actor=rolf, item=item_of(review, "P3"), decision="keep")
    states = {s.zone.name: s for s in zone_review_states(TODAY, site=geneva)}
    from art28.core.dates import add_months

    assert states["cage-7"].last_completed == TODAY and states["cage-7"].next_due == add_months(TODAY, 3)
    assert states["hall"].last_completed is None and states["hall"].next_due == TODAY
    assert not states["hall"].overdue(TODAY) and states["hall"].overdue(TODAY + dt.timedelta(days=1))


def test_an_unfinished_review_is_overdue_the_day_after_its_due_day(staff, geneva):
    anna, _chloe, _rolf = staff
    review = access_review_start(actor=anna, site=geneva, due_on=TODAY + dt.timedelta(days=5))
    assert list(overdue_reviews(TODAY + dt.timedelta(days=5))) == []
    assert list(overdue_reviews(TODAY + dt.timedelta(days=6))) == [review]


def test_unused_for_ninety_days_and_people_who_left_with_access(staff, geneva, write):
    # P1 entered the hall 90 days ago (still within the window), P3 never entered the cage.
    ninety = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=90), dt.time(10)))
    physical_import(write("events", events=f"{ninety.isoformat()},GVA1,hall,H1,B1,granted,in\n", zones=None,
                          people=None, authorisations=None), actor=ACTOR)  # fmt: skip
    unused = {a.person.ref for a in unused_authorisations(TODAY)}
    assert unused == {"P2", "P3"}
    assert {a.person.ref for a in unused_authorisations(TODAY + dt.timedelta(days=1))} == {"P1", "P2", "P3"}
    assert [a.person.ref for a in leavers_with_access(TODAY)] == ["P2"]
