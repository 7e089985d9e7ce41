"""The auditor's evidence pack of a year at the 10,000-customer benchmark provider (issue 15, point 5).

    python -m bench.evidence_bench build                    (DATABASE_URL: a database the art28 importer filled)
    python -m bench.evidence_bench pack FROM TO PACK.zip     the pack's time and peak memory
    python -m bench.evidence_bench baseline PACK.zip DIR     the same files zipped from disk, no queries, no hashing
    python -m bench.evidence_bench verify PACK.zip           the offline check's time and peak memory

Each prints one JSON line; `python -m bench --only evidence` runs them, each in a fresh process, so that
every peak RSS (ru_maxrss) is that measurement's own.

``build`` adds, to the imported provider (10,000 customers), the evidence and the audit trail of 2025 as
art28's collectors and services would have written them (bulk_create, hashed with the engine's own
content_sha256 and the audit trail's entry_digest, so the pack verifies):
- the demo's control catalogue (art28.demo.evidence.CONTROLS: 17 controls and their collectors);
- 10 provider-wide collectors at their cadence (daily: isolation runs, service levels, DPO requests;
  weekly: residency audits, finding remediation; monthly or quarterly: the rest), ~1,250 items;
- every customer's 4 quarterly signed residency attestations (40,000 items, each with its ~3 KB signed
  document as attachment, signed with the bench's Ed25519 key);
- 12 uploaded reports of 512 KB each (incompressible, as PDFs with images are), linked to controls;
- the audit trail: 800 entries a day from December 2024 to January 2026 (~340,000), chained after the
  import's own entries, ~292,000 of them dated in 2025.
The pack of 2025 is written with the signing key of bench/out/evidence-bench-key.pem (created once).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
os.environ.setdefault("ART28_LOG_LEVEL", "ERROR")
os.environ["ART28_SIGNING_KEY_FILE"] = str(Path(__file__).resolve().parent / "out" / "evidence-bench-key.pem")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

KEY_FILE = Path(os.environ["ART28_SIGNING_KEY_FILE"])
YEAR = 2025
ATTESTATIONS_PER_CUSTOMER = 4
UPLOADS, UPLOAD_BYTES = 12, 512 * 1024
AUDIT_PER_DAY = 800
AUDIT_FROM, AUDIT_TO = dt.date(YEAR - 1, 12, 1), dt.date(YEAR + 1, 2, 1)
# collector key -> one item every N days
CADENCE = {
    "assurance.isolation_run": 1,
    "patching.service_levels": 1,
    "dpo.request": 1,
    "residency.audit": 7,
    "assurance.finding_remediation": 7,
    "breaches.notification": 30,
    "subprocessors.change": 30,
    "records.measure_review": 30,
    "physical.access_review": 30,
    "assurance.intrusion_test": 91,
}
BATCH = 2000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def moment(day: dt.date, seconds: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) + dt.timedelta(seconds=seconds)


def _catalogue() -> None:
    from art28.core.models import User
    from art28.core.roles import Role
    from art28.demo.evidence import CONTROLS, NOT_APPLICABLE
    from art28.records.models import TechnicalMeasure

    owner = User.objects.create(email="security@example-hosting.ch", role=Role.SECURITY)
    TechnicalMeasure.objects.bulk_create(
        TechnicalMeasure(ref=ref, area=ref.split("-")[1], title=ref.removeprefix("tom-").replace("-", " ")[2:].title(),
                         description="The measure, as the catalogue describes it.", owner=owner,
                         review_every_days=365, next_review_on=dt.date(YEAR + 1, 6, 30),
                         last_reviewed_on=dt.date(YEAR, 6, 30), nfadp_refs=nfadp, iso_refs=iso,
                         applicable=ref not in NOT_APPLICABLE, applicability_reason=NOT_APPLICABLE.get(ref, ""),
                         evidence_sources=sources)
        for ref, (nfadp, iso, sources) in CONTROLS.items()
    )  # fmt: skip


def _collected_items(rng: random.Random) -> list[Any]:
    from art28.core.evidence import Collected
    from art28.evidence.collection import content_sha256
    from art28.evidence.models import Evidence

    rows = []
    collected_at = moment(dt.date(YEAR + 1, 1, 2))
    for collector, every in CADENCE.items():
        day = dt.date(YEAR, 1, 1)
        while day.year == YEAR:
            failing = rng.random() < 0.03
            item = Collected(
                key=f"{collector}:{day.isoformat()}",
                title=f"{collector} of {day}: {'a problem found' if failing else 'no problem found'}",
                effective_at=moment(day, 3600),
                data={"checked": rng.randrange(1000, 100_000), "problems": int(failing),
                      "by_cause": {f"cause-{n}": rng.randrange(100) for n in range(8)}, "as_of": day.isoformat()},
                passed=not failing,
            )  # fmt: skip
            valid_until = day + dt.timedelta(days=every + 1)
            rows.append(Evidence(source="collector", collector=collector, key=item.key, title=item.title,
                                 effective_at=item.effective_at, collected_at=collected_at, valid_until=valid_until,
                                 passed=item.passed, data=item.data,
                                 sha256=content_sha256(collector, item, valid_until)))  # fmt: skip
            day += dt.timedelta(days=every)
    return rows


def _attestations(rng: random.Random) -> int:
    """Each customer's quarterly signed attestation, as residency.attestation collects it."""
    from art28.core.audit import jsonable
    from art28.core.evidence import Collected
    from art28.core.models import Organisation
    from art28.core.signing import key_id, load_private_key, sign_statement
    from art28.evidence.collection import content_sha256
    from art28.evidence.models import Evidence

    key = load_private_key()
    signer = key_id(key.public_key())
    collected_at = moment(dt.date(YEAR + 1, 1, 2))
    created, rows = 0, []
    for organisation in Organisation.objects.only("pk", "ref", "name").order_by("pk").iterator(chunk_size=BATCH):
        for quarter in range(ATTESTATIONS_PER_CUSTOMER):
            issued = moment(dt.date(YEAR, 1 + 3 * quarter, 1), rng.randrange(80 * 86400))
            public_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            compliant = rng.random() > 0.02
            placements = [{"asset": f"vm-{rng.randrange(10**6):06d}", "kind": "vm", "site": site, "country": "CH"}
                          for site in rng.choices(["GVA1", "GVA2", "ZRH1", "ZRH2"], k=6)]  # fmt: skip
            statement = {
                "type": "art28/residency-attestation", "id": public_id, "as_of": jsonable(issued),
                "issued_at": jsonable(issued),
                "issuer": {"name": "Example Hosting SA", "address": "Rue du Lac 1, 1200 Genève, Switzerland",
                           "country": "CH"},
                "customer": {"ref": organisation.ref, "name": organisation.name},
                "policy": {"allowed_countries": ["CH"], "source": "provider-default"}, "countries": ["CH"],
                "sites": [{"code": s, "name": f"Site {s}", "city": "Geneva", "country": "CH", "operator": None}
                          for s in ("GVA1", "ZRH1")],
                "placements": placements, "flows": [],
                "violations": [] if compliant else [{"customer": organisation.ref, "asset": "lab-1", "site": "LAB1",
                                                     "country": None, "allowed": ["CH"], "reason": "unknown-location",
                                                     "destination": None}],
                "compliant": compliant,
            }  # fmt: skip
            document = sign_statement(statement, key).encode()
            item = Collected(
                key=public_id,
                title=f"Residency attestation as of {issued.date()}: "
                + ("no violation" if compliant else "1 violation"),
                effective_at=issued,
                data={"attestation": public_id, "as_of": jsonable(issued), "issued_at": jsonable(issued),
                      "key_id": signer, "compliant": compliant, "countries": ["CH"], "allowed_countries": ["CH"],
                      "sites": 2, "placements": len(placements), "flows": 0, "violations": int(not compliant),
                      "document_sha256": hashlib.sha256(document).hexdigest()},
                passed=compliant,
                organisation_id=organisation.pk,
                attachment=(f"{public_id}.json", document),
            )  # fmt: skip
            valid_until = issued.date() + dt.timedelta(days=90)
            rows.append(Evidence(source="collector", collector="residency.attestation", key=public_id,
                                 title=item.title, effective_at=issued, collected_at=collected_at,
                                 valid_until=valid_until, passed=compliant, data=item.data, file=document,
                                 file_name=f"{public_id}.json", content_type="application/json",
                                 sha256=content_sha256("residency.attestation", item, valid_until),
                                 organisation_id=organisation.pk))  # fmt: skip
        if len(rows) >= BATCH:
            Evidence.objects.bulk_create(rows, batch_size=500)
            created, rows = created + len(rows), []
    Evidence.objects.bulk_create(rows, batch_size=500)
    return created + len(rows)


def _uploads(rng: random.Random) -> int:
    from art28.evidence.models import Evidence
    from art28.records.models import TechnicalMeasure

    measures = list(TechnicalMeasure.objects.order_by("ref"))
    through = Evidence.controls.through
    for n in range(UPLOADS):
        content = b"%PDF-1.7\n" + rng.randbytes(UPLOAD_BYTES)
        digest = hashlib.sha256(content).hexdigest()
        day = dt.date(YEAR, 1 + n, 10)
        item = Evidence.objects.create(
            source="upload", key=digest, title=f"Report {n + 1}: restore drill and tabletop exercise",
            effective_at=moment(day), collected_at=moment(day, 7200), valid_until=day + dt.timedelta(days=365),
            file=content, file_name=f"report-{day}.pdf", content_type="application/pdf", sha256=digest,
        )  # fmt: skip
        through.objects.create(evidence_id=item.pk, technicalmeasure_id=measures[n % len(measures)].pk)
    return UPLOADS


def _audit_trail(rng: random.Random) -> dict[str, int]:
    """AUDIT_PER_DAY entries a day, chained after the entries already there (the import's)."""
    from art28.core.audit import GENESIS_HASH, entry_digest
    from art28.core.models import AuditChainHead, AuditEntry

    head = AuditChainHead.objects.filter(pk=1).first()
    seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    actions = [("residency.attestation_issue", "residency.attestation"), ("notify.delivery", "notify.delivery"),
               ("inventory.sync", "inventory.importrun"), ("dpo.request_update", "dpo.request"),
               ("evidence.collect", "evidence.collectionrun"), ("user.login", "core.user")]  # fmt: skip
    rows, in_year = [], 0
    day = AUDIT_FROM
    while day < AUDIT_TO:
        for n in range(AUDIT_PER_DAY):
            action, object_type = actions[n % len(actions)]
            customer = rng.randrange(10_000)
            seq += 1
            fields = {
                "seq": seq, "at": moment(day, n * 86400 // AUDIT_PER_DAY), "actor_id": None,
                "actor_label": f"cli:evidence-bench (staff{n % 7})", "action": action, "object_type": object_type,
                "object_id": str(rng.randrange(10**6)), "object_repr": f"C{customer:06d}: {action}",
                "organisation_id": customer + 1, "before": None,
                "after": {"customer": f"C{customer:06d}", "count": rng.randrange(100), "state": "done"},
                "prev_hash": prev_hash,
            }  # fmt: skip
            fields["hash"] = prev_hash = entry_digest(fields)
            rows.append(AuditEntry(**fields))
            in_year += day.year == YEAR
        if len(rows) >= 10_000:
            AuditEntry.objects.bulk_create(rows, batch_size=5000)
            rows = []
        day += dt.timedelta(days=1)
    AuditEntry.objects.bulk_create(rows, batch_size=5000)
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev_hash})
    return {"audit_entries": seq - (head.seq if head else 0), "audit_entries_in_year": in_year}


def build() -> dict[str, Any]:
    from art28.core.signing import signing_key_create
    from art28.evidence.models import Evidence

    if not KEY_FILE.exists():
        signing_key_create(KEY_FILE)
    rng = random.Random(15)
    started = time.perf_counter()
    with transaction.atomic():
        _catalogue()
        collected = _collected_items(rng)
        Evidence.objects.bulk_create(collected, batch_size=1000)
        attestations = _attestations(rng)
        uploads = _uploads(rng)
        audit = _audit_trail(rng)
    return {"seconds": time.perf_counter() - started, "collected_items": len(collected),
            "attestations": attestations, "uploads": uploads, **audit}  # fmt: skip


def pack(date_from: str, date_to: str, path: str) -> dict[str, Any]:
    from art28.core.models import Organisation
    from art28.evidence.pack import pack_write

    Organisation.objects.exists()  # the connection open before the start: not part of the measurement
    before = peak_rss_mb()
    Path(path).unlink(missing_ok=True)
    started = time.perf_counter()
    written = pack_write(path, date_from=dt.date.fromisoformat(date_from), date_to=dt.date.fromisoformat(date_to))
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    return {"seconds": seconds, "rss_before_mb": before, "peak_rss_mb": peak, "rss_growth_mb": peak - before,
            "bytes": written.bytes, "files": written.files, "items": written.items,
            "attachments": written.attachments, "audit_entries": written.audit_entries,
            "controls": written.controls}  # fmt: skip


def baseline(path: str, folder: str) -> dict[str, Any]:
    """The same files, already on disk, zipped by zipfile with the same compression (no queries, no hashing,
    no manifest): what `zip -r` does. The files are extracted first, outside the measurement."""
    work = Path(folder)
    shutil.rmtree(work, ignore_errors=True)
    extracted = work / "files"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        archive.extractall(extracted)
    before = peak_rss_mb()
    target = work / "baseline.zip"
    started = time.perf_counter()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for name in names:
            out.write(extracted / name, name)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    zip_seconds = None
    if shutil.which("zip"):
        started = time.perf_counter()
        subprocess.run(["zip", "-q", "-r", "-6", str(work / "zip-r.zip"), "."], cwd=extracted, check=True)
        zip_seconds = time.perf_counter() - started
    size = target.stat().st_size
    shutil.rmtree(work, ignore_errors=True)
    return {"seconds": seconds, "rss_before_mb": before, "peak_rss_mb": peak, "bytes": size, "files": len(names),
            "zip_r_seconds": zip_seconds}  # fmt: skip


def verify(path: str) -> dict[str, Any]:
    from art28.core.signing import provider_public_key
    from art28.evidence.verify import pack_verify

    key = provider_public_key()
    before = peak_rss_mb()
    started = time.perf_counter()
    result = pack_verify(path, key)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "ok": result.ok, "problems": result.problems[:3], "rss_before_mb": before,
            "peak_rss_mb": peak_rss_mb(), "counts": result.counts}  # fmt: skip


def main() -> None:
    mode, args = sys.argv[1], sys.argv[2:]
    modes = {"build": build, "pack": pack, "baseline": baseline, "verify": verify}
    print(json.dumps(modes[mode](*args)))  # type: ignore[operator]


if __name__ == "__main__":
    main()
