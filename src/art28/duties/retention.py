"""How long backup stores keep copies (the day a backup copy of a customer's data is gone at the end of
its contract, GDPR Art. 28(3)(g)). One audit entry per change."""

from __future__ import annotations

from django.db import transaction

from art28.core.audit import Actor, audit_record
from art28.duties.models import BackupRetention
from art28.inventory.models import Asset, Service


def backup_retention_set(*, actor: Actor, asset: Asset | None, service: Service | None, days: int) -> BackupRetention:
    if (asset is None) == (service is None):
        raise ValueError("a retention applies to one backup asset or one service")
    with transaction.atomic():
        found = (
            BackupRetention.objects.filter(asset=asset) if asset else BackupRetention.objects.filter(service=service)
        )
        rule = found.first()
        before = {"days": rule.days} if rule else None
        if rule is None:
            rule = BackupRetention.objects.create(asset=asset, service=service, days=days)
        else:
            rule.days = days
            rule.save(update_fields=["days"])
        audit_record(actor=actor, action="duties.backup_retention_set", obj=rule, before=before,
                     after={"asset": asset.ref if asset else None, "service": service.name if service else None,
                            "days": days})  # fmt: skip
    return rule
