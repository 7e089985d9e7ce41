"""What has to go at the end of a contract (GDPR Art. 28(3)(g)): every placement and every copy the flows
carry, the same data a breach of those places would touch (breaches.impact)."""

from __future__ import annotations

import datetime as dt

import pytest

from art28.breaches.impact import impact_of_scope, resolve_scope
from art28.duties.models import DeletionItem
from art28.duties.services import end_of_contract_request
from art28.inventory.models import Asset, Service, Site

pytestmark = pytest.mark.django_db

ENDS = dt.date(2026, 12, 31)


def listed(case):
    return [(i.kind, i.where, i.flow_kind, i.origin, i.method, i.gone_on) for i in case.items.all()]


def test_the_list_names_each_placement_and_every_copy_the_flows_carry_with_its_day(world, acme_admin):
    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=ENDS)
    later = ENDS + dt.timedelta(days=90)  # zrh-backup-1's own retention; the rotation ends the copy there
    assert sorted(listed(case)) == sorted([
        ("placement", "gva-db-1", "", "", "delete", ENDS),
        ("placement", "gva-vol-1", "", "", "delete", ENDS),
        ("placement", "zrh-bucket-1", "", "", "delete", ENDS),
        ("copy", "zrh-backup-1", "backup", "gva-db-1, gva-vol-1", "expire", later),
        # The backups travel on: their replica holds ACME's data too, deleted by operations.
        ("copy", "fra-backup-2", "replication", "gva-db-1, gva-vol-1", "delete", ENDS),
        ("copy", "FRA1", "replication", "zrh-bucket-1", "delete", ENDS),
    ])  # fmt: skip
    sites = {i.where: (i.site_label, i.country) for i in case.items.all()}
    assert sites["zrh-backup-1"] == ("ZRH1", "CH") and sites["FRA1"] == ("FRA1", "DE")
    assert sites["gva-db-1"] == ("GVA1", "CH")


def test_a_backup_store_without_its_own_retention_takes_its_services_then_the_default(world, beta_admin, settings):
    from art28.core.audit import SystemActor
    from art28.duties.retention import backup_retention_set

    case = end_of_contract_request(actor=beta_admin, customer=world.beta, choice="delete", contract_ends_on=ENDS)
    backup = case.items.get(where="zrh-backup-1")
    assert backup.gone_on == ENDS + dt.timedelta(days=90)
    assert case.items.get(where="US").gone_on == ENDS  # a transfer is not a rotation: deleted by operations
    fra = world.inventory.assets["fra-backup-2"]
    fra.service = Service.objects.get(name="Object storage")
    fra.save()
    backup_retention_set(actor=SystemActor("t"), asset=None, service=fra.service, days=7)
    from art28.duties.deletion import retention_days

    # fra-backup-2 has no retention of its own: its service's 7 days; zrh-backup-1 keeps its own 90.

    assert retention_days([fra.pk, backup.asset_id]) == {fra.pk: 7, backup.asset_id: 90}
    plain = world.inventory.asset("plain-backup", "backup_set", site="GVA1")
    assert retention_days([plain.pk]) == {plain.pk: settings.ART28_BACKUP_RETENTION_DAYS}


def _names_customer(impact, ref: str) -> bool:
    return any(c.customer == ref for c in impact.customers)


@pytest.mark.parametrize("customer", ["acme", "beta", "gamma", "delta"])
def test_the_list_holds_exactly_what_a_breach_would_touch(world, customer):
    """Both directions, asset by asset and site by site: a breach of a place in the list touches the
    customer, and a breach that touches the customer is of a place in the list (or above one)."""
    from art28.core.audit import SystemActor

    organisation = getattr(world, customer)
    case = end_of_contract_request(
        actor=SystemActor("test"), customer=organisation, choice="delete", contract_ends_on=ENDS
    )
    items = list(case.items.all())
    listed_assets = {i.asset_id for i in items if i.asset_id}
    for asset_id in listed_assets:
        ref = Asset.objects.get(pk=asset_id).ref
        assert _names_customer(impact_of_scope(resolve_scope(assets=[ref])), organisation.ref), ref
    for asset in Asset.objects.all():
        touched = _names_customer(impact_of_scope(resolve_scope(assets=[asset.ref])), organisation.ref)
        below = set(_subtree(asset))
        assert touched == bool(below & listed_assets), asset.ref
    listed_sites = {i.site_label for i in items if i.site_label}
    for site in Site.objects.all():
        touched = _names_customer(impact_of_scope(resolve_scope(sites=[site.code])), organisation.ref)
        assert touched == (site.code in listed_sites), site.code


def _subtree(asset: Asset) -> list[int]:
    found, frontier = [asset.pk], [asset.pk]
    while frontier:
        frontier = list(Asset.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found += frontier
    return found


def test_a_cancelled_service_lists_only_the_data_on_that_services_assets(world, acme_admin):
    storage = Service.objects.get(name="Object storage")
    case = end_of_contract_request(
        actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=ENDS, services=[storage]
    )
    assert sorted((i.kind, i.where) for i in case.items.all()) == [("copy", "FRA1"), ("placement", "zrh-bucket-1")]
    assert all(i.kind != DeletionItem.Kind.PLACEMENT or i.where != "gva-db-1" for i in case.items.all())
