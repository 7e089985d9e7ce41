"""The demo's inventory as held for the past year, so that its weekly residency audits reach back a year.

A real provider's inventory has a history from its first import on; the demo's is loaded in one go. So
that the evidence collectors, run against that history, produce a year of weekly residency audits (issue
15: "the demo's year of evidence is produced by the real collectors run against the demo's history"),
the demo moves the start of every history period opened while it loaded, and the import's moment, back by
a year: the demo provider has held this inventory since then. Only the demo does this, and it says so in
the audit trail (``demo.history_backdate``); the import's own audit entry keeps its true moment.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from art28.core.audit import SystemActor, audit_record
from art28.core.models import AllowedCountriesPeriod
from art28.inventory.models import AssetPeriod, FlowPeriod, InventorySync, PlacementPeriod, SitePeriod
from art28.subprocessors.models import CountriesPeriod

PERIODS = (SitePeriod, AssetPeriod, PlacementPeriod, FlowPeriod, AllowedCountriesPeriod, CountriesPeriod)


def backdate_demo_history(actor: SystemActor, *, loaded_since: dt.datetime, days: int = 366) -> str:
    """Move the periods opened since ``loaded_since`` (and still open) and the imports recorded since then
    back by ``days``. Refused when some period also ended during the load: moving only one side of a
    change would make two periods overlap."""
    shift = dt.timedelta(days=days)
    with transaction.atomic():
        if any(model.objects.filter(valid_to__gte=loaded_since).exists() for model in PERIODS):
            return "history: not back-dated (something changed while the demo loaded)"
        moved = {
            model._meta.model_name: model.objects.filter(valid_from__gte=loaded_since, valid_to__isnull=True).update(
                valid_from=F("valid_from") - shift
            )
            for model in PERIODS
        }
        imports = InventorySync.objects.filter(at__gte=loaded_since).update(at=F("at") - shift)
        audit_record(actor=actor, action="demo.history_backdate", object_type="inventory.history",
                     object_repr=f"the demo's inventory history, {days} days back",
                     after={"days": days, "periods": moved, "imports": imports})  # fmt: skip
    return f"history: the demo's inventory held since {days} days ago ({sum(moved.values())} periods)"
