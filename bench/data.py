"""Synthetic inventories at a large provider's scale, in the CSV import format, written by streaming.

Default shape (the issue's): 10,000 customers, 200,000 assets, 1,000,000 placements.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

SITES = [
    ("GVA1", "Geneva 1", "Geneva", "CH", ""),
    ("GVA2", "Geneva 2", "Geneva", "CH", ""),
    ("ZRH1", "Zurich 1", "Zurich", "CH", ""),
    ("ZRH2", "Zurich 2", "Zurich", "CH", ""),
    ("FRA1", "Frankfurt colocation", "Frankfurt", "DE", "Colo GmbH"),
    ("LAB1", "Lab room (country not recorded)", "", "", ""),
]
CH_SITES = ["GVA1", "GVA2", "ZRH1", "ZRH2"]
SUBJECT_CATEGORIES = ["customers;website visitors", "customers;employees", "patients"]


@dataclass(frozen=True)
class Shape:
    customers: int = 10_000
    assets: int = 200_000
    placements: int = 1_000_000
    # A world where most findings come from a few causes (the demo's shape: a third of the hosts backed up
    # to Frankfurt, half the storage clusters transferring to the US): hundreds of thousands of findings.
    heavy: bool = False

    @property
    def hosts(self) -> int:
        # host + 8 VMs + 8 volumes + 2 databases = 19 assets per host; the rest are buckets.
        return max(1, int(self.assets * 0.5) // 19)


def write_inventory(folder: Path, shape: Shape, seed: int = 28) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    counts = dict.fromkeys(("sites", "customers", "assets", "placements", "flows"), 0)

    with (folder / "sites.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "city", "country", "operator"])
        writer.writerows(SITES)
        counts["sites"] = len(SITES)

    with (folder / "customers.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "name", "country", "language", "email", "allowed_countries"])
        for i in range(shape.customers):
            allowed = "CH;DE" if i % 50 == 0 else ""
            lang = ("fr", "de", "it", "en")[i % 4]
            writer.writerow([f"C{i:06d}", f"Customer {i} SA", "CH", lang, f"privacy@c{i}.example", allowed])
        counts["customers"] = shape.customers

    holders: list[str] = []  # assets that can hold placements
    with (folder / "assets.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "kind", "site", "parent", "service"])
        for site in [*CH_SITES, "FRA1"]:
            writer.writerow([f"BK-{site}", "backup_set", site, "", "Backup"])
            counts["assets"] += 1
        for h in range(shape.hosts):
            site = CH_SITES[h % len(CH_SITES)]
            host = f"H{h:06d}"
            writer.writerow([host, "host", site, "", ""])
            for v in range(8):
                vm = f"{host}-V{v}"
                writer.writerow([vm, "vm", "", host, "Cloud servers"])
                writer.writerow([f"{vm}-D", "volume", "", vm, "Cloud servers"])
                holders += [vm, f"{vm}-D"]
            for d in range(2):
                writer.writerow([f"{host}-DB{d}", "database", "", f"{host}-V{d}", "Managed databases"])
                holders.append(f"{host}-DB{d}")
            counts["assets"] += 19
        cluster_index = 0
        while counts["assets"] < shape.assets:
            site = CH_SITES[cluster_index % len(CH_SITES)]
            cluster = f"SC{cluster_index:04d}"
            writer.writerow([cluster, "storage_cluster", site, "", "Object storage"])
            counts["assets"] += 1
            for b in range(min(5000, shape.assets - counts["assets"])):
                writer.writerow([f"{cluster}-B{b:05d}", "bucket", "", cluster, "Object storage"])
                holders.append(f"{cluster}-B{b:05d}")
                counts["assets"] += 1
            cluster_index += 1
        # Ten assets nobody located: unknown-location findings.
        for n in range(10):
            writer.writerow([f"ORPHAN-{n}", "vm", "", "", "Cloud servers"])
            holders.append(f"ORPHAN-{n}")
            counts["assets"] += 1

    per_customer = max(1, shape.placements // shape.customers)
    with (folder / "placements.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "asset", "data_categories", "subject_categories", "subjects", "records"])
        for i in range(shape.customers):
            # Whose data (GDPR Art. 33(3)(a)): by customer, without drawing from rng (the rest stays the same).
            subject_categories = SUBJECT_CATEGORIES[i % len(SUBJECT_CATEGORIES)]
            for asset in rng.sample(holders, per_customer):
                subjects = rng.randrange(0, 50_000)
                writer.writerow(
                    [
                        f"C{i:06d}",
                        asset,
                        "contact details;customer accounts",
                        subject_categories,
                        subjects,
                        subjects * 3,
                    ]
                )
            counts["placements"] += per_customer

    with (folder / "flows.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["asset", "kind", "to_asset", "to_site", "to_country"])
        for h in range(shape.hosts):
            site = CH_SITES[h % len(CH_SITES)]
            target = "BK-FRA1" if h % (3 if shape.heavy else 97) == 0 else f"BK-{CH_SITES[(h + 1) % len(CH_SITES)]}"
            writer.writerow([f"H{h:06d}", "backup", target, "", ""])
            counts["flows"] += 1
        writer.writerow(["H000003", "support_access", "", "LAB1", ""])
        writer.writerow(["SC0001", "transfer", "", "", "US"])
        counts["flows"] += 2
        if shape.heavy:
            for cluster in range(3, cluster_index, 2):
                writer.writerow([f"SC{cluster:04d}", "transfer", "", "", "US"])
                counts["flows"] += 1
    return counts


def write_changed(source: Path, folder: Path, share: float = 0.01) -> dict[str, int]:
    """A night's worth of change to the inventory in ``source``: ``share`` of its placements changed, in
    equal parts a new figure (updated), gone (ended) and new (a customer's data on another asset); every
    other file as it was. Deterministic: row i is touched when i is a multiple of the step."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.csv"):
        if path.name != "placements.csv":
            (folder / path.name).write_bytes(path.read_bytes())
    step = max(3, round(3 / share))
    counts = {"updated": 0, "ended": 0, "created": 0}
    with (source / "placements.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    records = header.index("records")
    existing = {(row[0], row[1]) for row in body}
    out: list[list[str]] = [header]
    for i, row in enumerate(body):
        if i % step == 0:
            out.append([*row[:records], str(int(row[records] or 0) + 1), *row[records + 1 :]])
            counts["updated"] += 1
        elif i % step == 1:
            counts["ended"] += 1
        else:
            out.append(row)
        if i % step == 2:
            # The same customer's data on the asset of a row further on (another customer's), if new.
            other = body[(i + step // 2) % len(body)]
            if (row[0], other[1]) not in existing:
                existing.add((row[0], other[1]))
                out.append([row[0], other[1], *row[2:]])
                counts["created"] += 1
    with (folder / "placements.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(out)
    return counts
