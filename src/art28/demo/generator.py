"""A fictional Swiss provider's inventory, written as the CSV import format (docs/import-formats.md).

The demo goes through the real importer, so `make demo` exercises the same path as a provider's data.
Deterministic: the same seed gives the same provider, customers and refs.
"""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

# code, name, city, country, operator
SITES = [
    ("GVA1", "Geneva - Plan-les-Ouates", "Plan-les-Ouates", "CH", ""),
    ("GVA2", "Geneva - Vernier", "Vernier", "CH", ""),
    ("ZRH1", "Zurich - Oerlikon", "Zürich", "CH", ""),
    ("FRA1", "Frankfurt colocation cage", "Frankfurt am Main", "DE", "Mainhattan Colocation GmbH"),
]
CH_SITES = ["GVA1", "GVA2", "ZRH1"]
# The misconfigured flow: ZRH1's second backup set is itself backed up to the Frankfurt cage.
MISCONFIGURED_SOURCE = "BK-ZRH1-02"
MISCONFIGURED_TARGET = "BK-FRA1-01"

LOCALES = {"fr": "fr_CH", "de": "de_CH", "it": "it_IT"}
TICINO = ["Lugano", "Bellinzona", "Locarno", "Mendrisio", "Chiasso", "Biasca", "Ascona"]
SUFFIXES = {
    "fr": ["SA", "Sàrl", "Fondation", "Association"],
    "de": ["AG", "GmbH", "Stiftung", "Verein"],
    "it": ["SA", "Sagl", "Fondazione", "Associazione"],
}
CATEGORIES = {
    "web": ["contact details", "customer accounts", "web logs"],
    "mail": ["e-mail content", "contact details"],
    "storage": ["documents", "images", "contact details"],
    "database": ["customer accounts", "orders", "payment references", "contact details"],
    "health": ["health data", "contact details"],
}
# Whose data each kind of placement holds (GDPR Art. 33(3)(a), DSV Art. 15(1)(d): breach notices name them).
# Chosen by kind, without drawing from the generator's random sequence, so the rest of the demo is unchanged.
SUBJECT_CATEGORIES = {
    "web": ["customers", "website visitors"],
    "mail": ["employees", "correspondents"],
    "storage": ["customers", "employees"],
    "database": ["customers", "suppliers"],
    "health": ["patients", "employees"],
}


@dataclass(frozen=True)
class DemoShape:
    customers: int = 2000
    hosts_per_site: int = 60
    vms_per_host: int = 10
    storage_clusters_per_site: int = 2
    buckets_per_cluster: int = 400
    placements_per_customer: int = 25


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "customer"


class _Writer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, tuple] = {}

    def __call__(self, name: str, header: list[str]):
        handle = (self.folder / name).open("w", newline="", encoding="utf-8")
        writer = csv.writer(handle)
        writer.writerow(header)
        self.files[name] = (handle, writer)
        return writer

    def close(self) -> None:
        for handle, _ in self.files.values():
            handle.close()


def write_demo_inventory(folder: Path, shape: DemoShape = DemoShape(), seed: int = 2826) -> dict[str, int]:
    """Write sites/customers/assets/placements/flows CSVs into ``folder``; returns row counts."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    fakers = {lang: Faker(locale) for lang, locale in LOCALES.items()}
    for index, faker in enumerate(fakers.values()):
        faker.seed_instance(seed + index)
    writers = _Writer(folder)
    counts = {"sites": 0, "customers": 0, "assets": 0, "placements": 0, "flows": 0}
    try:
        sites = writers("sites.csv", ["code", "name", "city", "country", "operator"])
        for site_row in SITES:
            sites.writerow(site_row)
            counts["sites"] += 1

        customers = writers("customers.csv", ["ref", "name", "country", "language", "email", "allowed_countries"])
        customer_refs = []
        for number, row in enumerate(_customers(rng, fakers, shape.customers), start=1):
            ref = f"C{number:05d}"
            customers.writerow([ref, *row])
            customer_refs.append(ref)
        counts["customers"] = len(customer_refs)

        assets = writers("assets.csv", ["ref", "kind", "site", "parent", "service"])
        pools = _assets(assets, shape, counts)

        placements = writers(
            "placements.csv", ["customer", "asset", "data_categories", "subject_categories", "subjects", "records"]
        )
        _placements(placements, rng, customer_refs, pools, shape, counts)

        flows = writers("flows.csv", ["asset", "kind", "to_asset", "to_site", "to_country"])
        _flows(flows, shape, counts)
    finally:
        writers.close()
    return counts


def _customers(rng: random.Random, fakers: dict[str, Faker], count: int) -> Iterator[list[str]]:
    for _ in range(count):
        language = rng.choices(["fr", "de", "it", "en"], weights=[40, 45, 10, 5])[0]
        faker = fakers["de" if language == "en" else language]
        name = f"{faker.last_name()} {rng.choice(SUFFIXES['de' if language == 'en' else language])}"
        if rng.random() < 0.3:
            suffix = rng.choice(SUFFIXES["de" if language == "en" else language][:2])
            name = f"{faker.last_name()} & {faker.last_name()} {suffix}"
        country = rng.choices(["CH", "LI", "FR", "DE", "IT"], weights=[90, 3, 3, 3, 1])[0]
        allowed = ""
        roll = rng.random()
        if roll < 0.03:
            allowed = "CH;LI"
        elif roll < 0.06:
            allowed = "CH;DE;FR;IT;AT"  # EU-minded customers: Frankfurt is within their policy
        yield [name, country, language, f"privacy@{_slug(name)}.example", allowed]


def _assets(assets, shape: DemoShape, counts: dict[str, int]) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {"vm": [], "volume": [], "mailstore": [], "bucket": [], "database": []}

    def add(ref: str, kind: str, site: str, parent: str, service: str) -> None:
        assets.writerow([ref, kind, site, parent, service])
        counts["assets"] += 1

    for site in CH_SITES:
        for h in range(1, shape.hosts_per_site + 1):
            host = f"{site}-H{h:03d}"
            add(host, "host", site, "", "")
            for v in range(1, shape.vms_per_host + 1):
                vm = f"{host}-VM{v:02d}"
                service = "Web hosting" if v <= shape.vms_per_host // 2 else "Cloud servers"
                add(vm, "vm", "", host, service)  # a VM takes its host's site
                add(f"{vm}-VOL1", "volume", "", vm, service)
                pools["vm"].append(vm)
                pools["volume"].append(f"{vm}-VOL1")
                if v == 1:
                    add(f"{vm}-DB", "database", "", vm, "Managed databases")
                    pools["database"].append(f"{vm}-DB")
            if h % 6 == 0:
                add(f"{host}-MAIL", "mailstore", "", host, "Mail")
                pools["mailstore"].append(f"{host}-MAIL")
        for c in range(1, shape.storage_clusters_per_site + 1):
            cluster = f"{site}-SC{c}"
            add(cluster, "storage_cluster", site, "", "Object storage")
            for b in range(1, shape.buckets_per_cluster + 1):
                add(f"{cluster}-B{b:04d}", "bucket", "", cluster, "Object storage")
                pools["bucket"].append(f"{cluster}-B{b:04d}")
        for n in (1, 2):
            add(f"BK-{site}-0{n}", "backup_set", site, "", "Backup")
    add(MISCONFIGURED_TARGET, "backup_set", "FRA1", "", "Backup")
    # A VM created by hand and never attached to a host: nobody knows where it runs.
    add("VM-ORPHAN-7", "vm", "", "", "Cloud servers")
    pools["orphan"] = ["VM-ORPHAN-7"]
    return pools


def _placements(placements, rng, customer_refs, pools, shape: DemoShape, counts) -> None:
    kinds = [("volume", "web"), ("vm", "web"), ("bucket", "storage"), ("mailstore", "mail"), ("database", "database")]
    for index, customer in enumerate(customer_refs):
        chosen: set[str] = set()
        for _ in range(shape.placements_per_customer):
            pool_name, category = rng.choices(kinds, weights=[40, 10, 25, 10, 15])[0]
            asset = rng.choice(pools[pool_name])
            if asset in chosen:
                continue
            chosen.add(asset)
            kind = "health" if index % 97 == 0 and category == "database" else category
            subjects = rng.choice([0, 50, 200, 1200, 8000, 45000])
            placements.writerow(
                [
                    customer,
                    asset,
                    ";".join(CATEGORIES[kind]),
                    ";".join(SUBJECT_CATEGORIES[kind]),
                    subjects,
                    subjects * rng.randint(1, 40),
                ]
            )
            counts["placements"] += 1
        if index % 400 == 7:
            placements.writerow([customer, "VM-ORPHAN-7", "contact details", "customers", 30, 90])
            counts["placements"] += 1


def _flows(flows, shape: DemoShape, counts) -> None:
    def add(asset: str, kind: str, to_asset: str = "", to_site: str = "", to_country: str = "") -> None:
        flows.writerow([asset, kind, to_asset, to_site, to_country])
        counts["flows"] += 1

    # Nightly backups: Geneva to Zurich, Zurich to Geneva; storage clusters replicate between Geneva sites.
    # Two new GVA2 racks were pointed at ZRH1's second backup set, the one that is copied abroad.
    for site, target in (("GVA1", "BK-ZRH1-01"), ("GVA2", "BK-ZRH1-01"), ("ZRH1", "BK-GVA1-01")):
        for h in range(1, shape.hosts_per_site + 1):
            misrouted = site == "GVA2" and h <= 2
            add(f"{site}-H{h:03d}", "backup", to_asset=MISCONFIGURED_SOURCE if misrouted else target)
        for c in range(1, shape.storage_clusters_per_site + 1):
            add(f"{site}-SC{c}", "backup", to_asset=target)
    add("GVA1-SC1", "replication", to_site="GVA2")
    add("GVA2-SC1", "replication", to_site="GVA1")
    # The misconfiguration the residency audit must find: Zurich backups copied to Frankfurt.
    add(MISCONFIGURED_SOURCE, "backup", to_asset=MISCONFIGURED_TARGET)
