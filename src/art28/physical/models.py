"""Physical security of the datacenters (S5; docs/physical.md): each site's zones and doors, the people who
may enter, their badges over time, their authorisations (zone, dates, weekdays and hours in the site's own
time zone), and the badge events of the access-control system.

Badge events are personal data of employees (their retention is issue 16's point 6). Each event stores
its local date, weekday and minute in the site's time zone, computed at import: SQLite has no time-zone
database, and so the anomaly rules run as one set-based statement on both databases.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from art28.core.models import User
from art28.inventory.models import Asset, Site

EVERY_DAY = 0b1111111  # bit 0 = Monday … bit 6 = Sunday
MINUTES_PER_DAY = 24 * 60


class Zone(models.Model):
    """A part of a site with its own access rule: ``public``, ``office``, ``datacenter-hall``, ``cage``,
    ``meet-me-room`` or the provider's own names; security class 1 (lowest) to 4 (highest)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="zones", verbose_name=_("site"))
    name = models.CharField(_("zone"), max_length=64)
    security_class = models.PositiveSmallIntegerField(
        _("security class"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    # The inventory's assets inside the zone (the racks of a cage): an incident declared from an anomaly
    # in the zone is scoped to them (their descendants follow in the breach impact).
    assets = models.ManyToManyField(Asset, related_name="zones", blank=True, verbose_name=_("assets"))

    class Meta:
        ordering = ["site__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="zone_name_unique_per_site"),
            models.CheckConstraint(
                condition=Q(security_class__gte=1, security_class__lte=4),
                name="zone_security_class_1_to_4",
                violation_error_message=_("A zone's security class is 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.code}/{self.name}"


class Door(models.Model):
    """A door (a badge reader) of a site, leading into a zone; door names are unique per site."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="doors")
    name = models.CharField(_("door"), max_length=100)

    class Meta:
        ordering = ["site__code", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="door_name_unique_per_site")]

    def __str__(self) -> str:
        return f"{self.site.code}/{self.name}"


class PersonKind(models.TextChoices):
    STAFF = "staff", _("staff")
    CONTRACTOR = "contractor", _("contractor")
    OPERATOR = "operator", _("colocation operator's staff")
    VISITOR = "visitor", _("visitor")


class Person(models.Model):
    """Someone who may hold a badge. A person with the e-mail address of an art28 user *is* that user: a
    reviewer cannot certify an authorisation of their own or one they approved."""

    ref = models.CharField(_("reference"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=PersonKind.choices)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Visitors: who escorts them, and the window of the visit (in the site's time).
    escort = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    visit_from = models.DateTimeField(_("visit from"), null=True, blank=True)
    visit_until = models.DateTimeField(_("visit until"), null=True, blank=True)

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PersonKind.values), name="person_kind_known",
                violation_error_message=_("Unknown kind of person."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.ref


class BadgeHolding(models.Model):
    """A badge held by a person from one day to another, both included (``held_until`` None: still held)."""

    badge = models.CharField(_("badge"), max_length=64)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="badges")
    held_from = models.DateField(_("from"))
    held_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["badge", "held_from"]
        constraints = [
            models.UniqueConstraint(fields=["badge", "person", "held_from"], name="badge_holding_unique"),
            models.CheckConstraint(
                condition=Q(held_until__isnull=True) | Q(held_until__gte=models.F("held_from")),
                name="badge_holding_in_order",
                violation_error_message=_("A badge is held until a day after it was given."),
            ),
        ]
        indexes = [models.Index(fields=["badge", "held_from"], name="badge_holding_badge_from")]

    def __str__(self) -> str:
        return f"{self.badge} → {self.person_id} from {self.held_from}"


class Authorisation(models.Model):
    """A person may enter a zone from ``valid_from`` to ``valid_until`` (both included; None: open-ended), on
    the weekdays of ``days`` (a bit per weekday, Monday = bit 0) and between ``start_minute`` (included) and
    ``end_minute`` (excluded) of the site's local day (None: any hour). A window that crosses midnight
    (22:00-06:00) belongs, after midnight, to the previous day's weekday."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authorisations")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="authorisations")
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("weekdays"), default=EVERY_DAY)
    start_minute = models.PositiveSmallIntegerField(null=True, blank=True)
    end_minute = models.PositiveSmallIntegerField(null=True, blank=True)
    approved_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    reason = models.CharField(_("reason or ticket"), max_length=200, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["zone__site__code", "zone__name", "person__ref", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["person", "zone", "valid_from"], name="authorisation_unique"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="authorisation_in_order",
                violation_error_message=_("An authorisation ends on or after the day it starts."),
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=EVERY_DAY), name="authorisation_days_bits",
                violation_error_message=_("At least one weekday."),
            ),
            models.CheckConstraint(
                condition=Q(start_minute__isnull=True, end_minute__isnull=True)
                | Q(start_minute__gte=0, start_minute__lt=MINUTES_PER_DAY, end_minute__gt=0,
                    end_minute__lte=MINUTES_PER_DAY) & ~Q(start_minute=models.F("end_minute")),
                name="authorisation_hours_window",
                violation_error_message=_("Hours are a window of the day, e.g. 07:00-19:00 or 22:00-06:00."),
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["person", "zone", "valid_from"], name="authorisation_person_zone")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.zone_id} from {self.valid_from}"


class Direction(models.TextChoices):
    IN = "in", pgettext_lazy("badge direction", "in")
    OUT = "out", pgettext_lazy("badge direction", "out")


class BadgeEvent(models.Model):
    """One read of a badge at a door, as the access-control system logged it. ``at`` is the instant (UTC in
    the database); ``local_date``, ``local_weekday`` (Monday = 0) and ``local_minute`` are the same instant on
    the site's clock, computed at import."""

    at = models.DateTimeField(_("time"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="events")
    door = models.ForeignKey(Door, on_delete=models.PROTECT, related_name="events")
    badge = models.CharField(_("badge"), max_length=64)
    granted = models.BooleanField(_("granted"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    local_date = models.DateField()
    local_weekday = models.PositiveSmallIntegerField()
    local_minute = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["at", "site", "door", "badge"], name="badge_event_unique"),
        ]
        indexes = [
            models.Index(fields=["badge", "at"], name="badge_event_badge_at"),
            models.Index(fields=["site", "local_date"], name="badge_event_site_date"),
        ]

    def __str__(self) -> str:
        return f"{self.badge} at {self.door_id} {self.at:%Y-%m-%d %H:%M} ({'granted' if self.granted else 'denied'})"


# --- access reviews (docs/physical.md, "Access reviews") ---


class Decision(models.TextChoices):
    PENDING = "", _("to review")
    KEEP = "keep", _("kept")
    REVOKE = "revoke", _("revoked")


class AccessReview(models.Model):
    """A review of every authorisation of a site's zone (or of all its zones): a reviewer keeps or revokes
    each (ISO/IEC 27001:2022 A.5.18, A.7.2; GDPR Art. 32(1)(b)). It is complete when every item is decided."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews", verbose_name=_("zone")
    )
    due_on = models.DateField(_("due on"))
    started_at = models.DateTimeField(_("started at"))
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"review of {self.site.code}/{self.zone.name if self.zone else '*'} due {self.due_on}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse  # here: the models file's imports are the lead's

        return reverse("physical:review", kwargs={"pk": self.pk})


class ReviewItem(models.Model):
    """One authorisation in a review and what the reviewer decided about it."""

    review = models.ForeignKey(AccessReview, on_delete=models.CASCADE, related_name="items")
    authorisation = models.ForeignKey(Authorisation, on_delete=models.PROTECT, related_name="review_items")
    decision = models.CharField(_("decision"), max_length=6, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["authorisation__person__ref", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "authorisation"], name="review_item_once"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="review_item_decided_by_someone",
                violation_error_message=_("A decision names who took it and when."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.authorisation_id} {self.decision or 'pending'}"
