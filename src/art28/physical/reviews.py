"""Access reviews of the datacenters' zones (S5; docs/physical.md, "Access reviews"; ISO/IEC 27001:2022
A.5.18 "access rights … reviewed", A.7.2; GDPR Art. 32(1)(b) and (d)).

A review lists every authorisation of a zone (or of all a site's zones) that has not ended; a reviewer keeps
or revokes each. Nobody certifies their own access: a reviewer who *is* the person authorised (a person
whose e-mail is the reviewer's account) or who approved the authorisation is refused. A review is complete
when every item is decided. Each zone is due for review every ``ART28_ACCESS_REVIEW_MONTHS`` months of its
security class after its last completed one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from art28.core.access import PHYSICAL_WRITERS
from art28.core.audit import audit_record
from art28.core.dates import add_months
from art28.core.models import User
from art28.inventory.models import Site
from art28.physical.models import AccessReview, Authorisation, BadgeEvent, BadgeHolding, Decision, ReviewItem, Zone

DEFAULT_DUE_DAYS = 30
UNUSED_DAYS = 90


@cache
def _months_by_class(setting: str) -> dict[int, int]:
    months: dict[int, int] = {}
    for part in setting.split(","):
        klass, _sep, value = part.partition("=")
        if not (klass.strip().isdigit() and value.strip().isdigit() and 1 <= int(klass) <= 4 and int(value) > 0):
            raise ImproperlyConfigured(
                f"ART28_ACCESS_REVIEW_MONTHS: {part!r} is not CLASS=MONTHS (e.g. 4=3,3=6,2=12,1=12)"
            )
        months[int(klass)] = int(value)
    return months


def review_months(security_class: int) -> int:
    """How many months a zone of that class may go between two completed reviews (default: class 4
    quarterly, class 3 half-yearly, else yearly)."""
    return _months_by_class(settings.ART28_ACCESS_REVIEW_MONTHS).get(security_class, 12)


def active_authorisations(today: dt.date) -> QuerySet[Authorisation]:
    """Authorisations that have not ended by ``today`` (not past their until, not revoked)."""
    return Authorisation.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today), Q(revoked_on__isnull=True) | Q(revoked_on__gt=today)
    )


def _ensure_reviewer(actor: User) -> None:
    if actor.role not in PHYSICAL_WRITERS:
        raise PermissionDenied("Only security, operations or an administrator review physical access.")


def access_review_start(
    *, actor: User, site: Site, zone: Zone | None = None, due_on: dt.date | None = None
) -> AccessReview:
    """Start the review of a zone (or of every zone of the site): one item per authorisation not ended.
    Raises ValidationError naming the field."""
    _ensure_reviewer(actor)
    today = timezone.localdate()
    due_on = due_on or today + dt.timedelta(days=DEFAULT_DUE_DAYS)
    if zone is not None and zone.site_id != site.pk:
        raise ValidationError({"zone": f"{zone.name} is not a zone of {site.code}."})
    if due_on < today:
        raise ValidationError({"due_on": "A review is due today or later."})
    with transaction.atomic():
        zones = [zone] if zone else list(Zone.objects.filter(site=site))
        unfinished = AccessReview.objects.filter(site=site, completed_at__isnull=True)
        unfinished = unfinished.filter(Q(zone__in=zones) | Q(zone__isnull=True)) if zone else unfinished
        if (open_review := unfinished.first()) is not None:
            raise ValidationError({"zone": f"Finish review #{open_review.pk} of {site.code} first."})
        chosen = list(active_authorisations(today).filter(zone__in=zones).order_by("person__ref", "pk"))
        if not chosen:
            raise ValidationError({"zone": "No authorisation to review there."})
        review = AccessReview.objects.create(site=site, zone=zone, due_on=due_on, started_at=timezone.now(),
                                             started_by=actor)  # fmt: skip
        ReviewItem.objects.bulk_create(ReviewItem(review=review, authorisation=a) for a in chosen)
        audit_record(actor=actor, action="physical.review_start", obj=review,
                     after={"site": site.code, "zone": zone.name if zone else None, "due_on": due_on,
                            "authorisations": len(chosen)})  # fmt: skip
    return review


def review_item_decide(*, actor: User, item: ReviewItem, decision: str, note: str = "") -> ReviewItem:
    """Keep or revoke one authorisation. Refused to the person it authorises and to the person who
    approved it (no self-certification), once decided, and in a completed review. Revoking ends the
    authorisation today. The review completes with its last decision."""
    _ensure_reviewer(actor)
    if decision not in (Decision.KEEP, Decision.REVOKE):
        raise ValidationError({"decision": "Keep or revoke."})
    with transaction.atomic():
        locked = (
            ReviewItem.objects.select_for_update(of=("self",))
            .select_related("review", "authorisation__person", "authorisation__approved_by", "authorisation__zone")
            .get(pk=item.pk)
        )
        authorisation = locked.authorisation
        if locked.review.completed_at is not None or locked.decision:
            raise ValidationError({"decision": "This authorisation has been decided already."})
        if authorisation.person.user_id == actor.pk:
            raise ValidationError({"decision": "You cannot review your own access: another reviewer decides."})
        if authorisation.approved_by is not None and authorisation.approved_by.user_id == actor.pk:
            raise ValidationError({"decision": "You approved this access: another reviewer decides."})
        today, now = timezone.localdate(), timezone.now()
        locked.decision, locked.decided_by, locked.decided_at, locked.note = decision, actor, now, note.strip()[:300]
        locked.save(update_fields=["decision", "decided_by", "decided_at", "note"])
        if decision == Decision.REVOKE and authorisation.revoked_on is None:
            authorisation.revoked_on = today
            authorisation.save(update_fields=["revoked_on"])
        audit_record(actor=actor, action="physical.review_decide", obj=locked.review,
                     after={"authorisation": authorisation.pk, "person": authorisation.person.ref,
                            "zone": authorisation.zone.name, "decision": decision, "note": locked.note})  # fmt: skip
        if not locked.review.items.filter(decision=Decision.PENDING).exists():
            review = locked.review
            review.completed_at = now
            review.save(update_fields=["completed_at"])
            audit_record(actor=actor, action="physical.review_complete", obj=review,
                         after={"kept": review.items.filter(decision=Decision.KEEP).count(),
                                "revoked": review.items.filter(decision=Decision.REVOKE).count()})  # fmt: skip
    return locked


# --- reads ---


@dataclass(frozen=True)
class ZoneReviewState:
    zone: Zone
    last_completed: dt.date | None
    next_due: dt.date
    open_review: AccessReview | None

    def overdue(self, today: dt.date) -> bool:
        return self.next_due < today


def zone_review_states(today: dt.date | None = None, *, site: Site | None = None) -> list[ZoneReviewState]:
    """Each zone with its last completed review (of the zone or of its whole site) and when the next is
    due: that day plus its class's months; a zone never reviewed is due today."""
    today = today or timezone.localdate()
    zones = list(Zone.objects.select_related("site").filter(**({"site": site} if site else {})))
    completed: dict[int, dt.date] = {}
    open_reviews: dict[int, AccessReview] = {}
    for review in AccessReview.objects.select_related("zone").order_by("started_at"):
        whole_site = review.zone_id is None
        for z in zones:
            if not (review.zone_id == z.pk or (whole_site and z.site_id == review.site_id)):
                continue
            if review.completed_at is not None:
                completed[z.pk] = timezone.localtime(review.completed_at).date()
            else:
                open_reviews[z.pk] = review
    states = []
    for z in zones:
        last = completed.get(z.pk)
        states.append(ZoneReviewState(z, last, add_months(last, review_months(z.security_class)) if last else today,
                                      open_reviews.get(z.pk)))  # fmt: skip
    return states


def overdue_reviews(today: dt.date | None = None) -> QuerySet[AccessReview]:
    """Unfinished reviews past their due day (the staff dashboard lists them)."""
    return AccessReview.objects.filter(completed_at__isnull=True, due_on__lt=today or timezone.localdate())


def unused_authorisations(today: dt.date | None = None, days: int = UNUSED_DAYS) -> QuerySet[Authorisation]:
    """Authorisations held for at least ``days`` days without one granted entry into their zone with a badge
    of their person in the last ``days`` days: candidates for revocation."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days)
    badges = BadgeHolding.objects.filter(person=OuterRef(OuterRef("person_id"))).values("badge")
    used = BadgeEvent.objects.filter(zone=OuterRef("zone_id"), granted=True, direction="in", local_date__gte=since,
                                     badge__in=badges)  # fmt: skip
    return (
        active_authorisations(today)
        .filter(valid_from__lte=since)
        .exclude(Exists(used))
        .select_related("person", "zone__site")
    )


def leavers_with_access(today: dt.date | None = None) -> QuerySet[Authorisation]:
    """Authorisations not ended of people who have left: revoke them."""
    today = today or timezone.localdate()
    return active_authorisations(today).filter(person__left_on__lt=today).select_related("person", "zone__site")
