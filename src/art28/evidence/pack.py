"""The auditor's evidence pack (S2, issue 15; docs/evidence.md, "The auditor's pack").

One ZIP of a period ``[date_from, date_to]`` (whole days in ART28_TIME_ZONE):

    README.txt                    what the pack is and how to check it by hand
    controls.json                 every control, its status as of date_to and at each month's end
    evidence/index.jsonl          one line per evidence item true as of a moment in the period
    evidence/files/<id>-<name>    the file of an item that has one (an upload, a collector's attachment)
    attestations/<id>-<name>      the signed attestations (the residency.attestation collector's files)
    audit/entries.jsonl           the audit-trail entries of the period, in seq order, as they are
    audit/segment.json            the segment's ends: first and last seq, the chain hash before and after
    manifest.json                 every file above with its size and SHA-256
    manifest.sig.json             the SHA-256 of manifest.json and the pack's facts, signed (Ed25519)

It is written entry by entry to disk (zipfile's streaming writes), each file hashed as it is written;
items are read in chunks and files a few megabytes at a time, so memory does not grow with the
evidence's size: it is a constant, plus the largest single file, plus about half a kilobyte per file in
the pack (zipfile keeps each entry's header until it writes the ZIP's central directory at the end).

A customer's own pack (``organisation``) holds only that customer's items, no audit segment (the trail
names other customers), and the controls' status and evidence age without their reasons or owners.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.functions import Length
from django.utils import timezone, translation

from art28.core.audit import HASHED_FIELDS, Actor, audit_record, canonical_json, jsonable
from art28.core.models import AuditEntry, Organisation
from art28.core.signing import load_private_key, sign_statement
from art28.evidence.models import Evidence
from art28.evidence.selectors import ControlStatus, control_statuses
from art28.records.models import TechnicalMeasure

FORMAT = "art28-evidence-pack/1"
STATEMENT_TYPE = "art28/evidence-pack"
README, CONTROLS, INDEX = "README.txt", "controls.json", "evidence/index.jsonl"
FILES_DIR, ATTESTATIONS_DIR = "evidence/files/", "attestations/"
AUDIT_ENTRIES, AUDIT_SEGMENT = "audit/entries.jsonl", "audit/segment.json"
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig.json"
# The collectors whose attachments are signed attestations (a string: the evidence app imports no domain app).
ATTESTATION_COLLECTORS = frozenset({"residency.attestation"})

CHUNK = 2000  # rows read per query
FILE_BATCH_BYTES = 8 * 1024 * 1024  # files read per query, at most (a larger one alone)
FILE_BATCH_ITEMS = 250
WRITE_BUFFER = 256 * 1024
COMPRESS_LEVEL = 6  # zip's default

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class PackReport:
    path: Path
    date_from: dt.date
    date_to: dt.date
    organisation: Organisation | None
    files: int  # every file of the ZIP, the manifest and its signature included
    bytes: int  # the ZIP's size
    items: int
    attachments: int  # evidence/files/ and attestations/ together
    attestations: int
    audit_entries: int
    controls: int
    manifest_sha256: str


def period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[date_from 00:00, the day after date_to 00:00)`` in the project's time zone."""
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    return start, end


def safe_name(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".")
    return cleaned[:120] or "file"


def file_path(item_id: int, collector: str, file_name: str) -> str:
    folder = ATTESTATIONS_DIR if collector in ATTESTATION_COLLECTORS else FILES_DIR
    return f"{folder}{item_id}-{safe_name(file_name)}"


class _HashingWriter:
    """A ZIP entry being written: every byte goes through SHA-256 on its way in, buffered."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0
        self.buffer: list[bytes] = []
        self.buffered = 0

    def write(self, data: bytes | memoryview) -> None:
        self.buffer.append(bytes(data))
        self.buffered += len(data)
        if self.buffered >= WRITE_BUFFER:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            chunk = b"".join(self.buffer)
            self.sha256.update(chunk)
            self.size += len(chunk)
            self.raw.write(chunk)
            self.buffer, self.buffered = [], 0


class _PackZip:
    """The ZIP being written and the list of its files (spooled to a temporary file, not kept in memory)."""

    def __init__(self, archive: zipfile.ZipFile, listing: IO[str], written_at: dt.datetime) -> None:
        self.archive, self.listing, self.files = archive, listing, 0
        self.date_time = timezone.localtime(written_at).timetuple()[:6]

    def open(self, name: str) -> IO[bytes]:
        """A new entry, dated when the pack is written (zipfile's default would be 1980), compressed."""
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.compress_level = COMPRESS_LEVEL
        info.external_attr = (stat.S_IFREG | 0o600) << 16  # a regular file, readable by its owner only
        return self.archive.open(info, "w", force_zip64=True)

    @contextmanager
    def entry(self, name: str) -> Iterator[_HashingWriter]:
        with self.open(name) as raw:
            writer = _HashingWriter(raw)
            yield writer
            writer.flush()
        self.listing.write(canonical_json({"path": name, "sha256": writer.sha256.hexdigest(), "size": writer.size}))
        self.listing.write("\n")
        self.files += 1

    def write_bytes(self, name: str, data: bytes | memoryview, *, listed: bool = True) -> str:
        digest = hashlib.sha256(data).hexdigest()
        with self.open(name) as raw:
            raw.write(data)
        if listed:
            self.listing.write(canonical_json({"path": name, "sha256": digest, "size": len(data)}) + "\n")
            self.files += 1
        return digest


def _chunks[T](rows: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _snapshot() -> Iterator[None]:
    """Read the whole pack from one snapshot where that costs writers nothing: a REPEATABLE READ, READ
    ONLY transaction on PostgreSQL. On SQLite a transaction would take the write lock (IMMEDIATE) for the
    pack's length; there the bounds on ids and seq keep the pack consistent instead (writers are serialised
    and ids never reused, so every row under the bounds was committed before they were read)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _month_ends(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """The last day of each month the period touches (date_to for the last)."""
    days, day = [], date_from
    while day <= date_to:
        following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        days.append(min(following - dt.timedelta(days=1), date_to))
        day = following
    return days


def _status_json(status: ControlStatus, today: dt.date, *, internals: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "status": status.status,
        "latest_evidence_at": jsonable(status.latest_at),
        "evidence_age_days": status.age_days(today),
    }
    if internals:
        shown |= {"reasons": [str(r) for r in status.reasons], "evidence_items": status.evidence_count,
                  "valid_until": jsonable(status.valid_until)}  # fmt: skip
    return shown


def controls_document(date_from: dt.date, date_to: dt.date, *, internals: bool) -> dict[str, Any]:
    """controls.json: every active control, its status as of ``date_to`` and at each month's end."""
    days = _month_ends(date_from, date_to)
    with translation.override("en"):
        history = {day: {s.measure.pk: s for s in control_statuses(today=day)} for day in days}
    controls = []
    for measure in TechnicalMeasure.objects.filter(active=True).select_related("owner").order_by("area", "ref"):
        control: dict[str, Any] = {
            "ref": measure.ref,
            "title": measure.title,
            "gdpr_art_32_1": f"32(1)({measure.area})",
            "nfadp_refs": list(measure.nfadp_refs),
            "iso_27001_2022_annex_a": list(measure.iso_refs),
            "applicable": measure.applicable,
        }
        if internals:
            control |= {
                "description": measure.description,
                "why_not_applicable": measure.applicability_reason,
                "owner": measure.owner.email,  # the provider's own staff: the person who answers for it
                "test_every_days": measure.review_every_days,
                "last_tested_on": jsonable(measure.last_reviewed_on),
                "next_test_on": jsonable(measure.next_review_on),
                "evidence_sources": list(measure.evidence_sources),
            }
        control["status"] = _status_json(history[date_to][measure.pk], date_to, internals=internals)
        control["history"] = [
            {"as_of": day.isoformat()} | _status_json(history[day][measure.pk], day, internals=internals)
            for day in days
        ]
        controls.append(control)
    return {"as_of": date_to.isoformat(), "history_days": [d.isoformat() for d in days], "controls": controls}


_AUDIT_LINES = """  audit/entries.jsonl         the audit-trail entries of the period, in seq order
  audit/segment.json          the segment's ends: first/last seq, the chain hash before and after it
"""


def _readme(facts: dict[str, Any]) -> str:
    organisation = facts["organisation"]
    audit_lines = "" if organisation else _AUDIT_LINES
    confidential = (
        "It holds only this customer's evidence and no audit trail."
        if organisation
        else "It holds the provider's audit trail of the period as it is, which names customers and staff:\n"
        "a hash chain cannot be redacted."
    )
    whose = f"the customer {organisation['ref']} ({organisation['name']})" if organisation else "the provider"
    return f"""art28 evidence pack of {facts["provider"]["name"]}
Period: {facts["period"]["from"]} to {facts["period"]["to"]} (whole days, {facts["period"]["time_zone"]})
Evidence of: {whose}
Generated: {facts["generated_at"]}

CONFIDENTIAL. This pack is evidence that the provider's technical and organisational measures
(GDPR Art. 32, nFADP Art. 8 / DSV Arts. 1-6, ISO/IEC 27001:2022 Annex A) worked over the period.
{confidential}

Contents
  README.txt                  this file
  controls.json               every control with its status at the end of the period and at each month's end
  evidence/index.jsonl        one JSON line per evidence item true as of a moment in the period
  evidence/files/<id>-<name>  the file of an item that has one (an upload, a collector's attachment)
  attestations/<id>-<name>    the signed residency attestations (art28-attestation/1 documents)
{audit_lines}  manifest.json               every file above with its size and SHA-256
  manifest.sig.json           the SHA-256 of manifest.json and these facts, signed with the provider's key

How to check it
  With art28:   art28 evidence-verify PACK.zip --key attestation-key.pem
  The key is the provider's published public key (/trust/attestation-key.pem on its trust center).

  By hand (any tools), the same checks in the same order:
  1. manifest.sig.json is an art28-attestation/1 envelope: base64-decode "payload" and check the
     Ed25519 signature ("signature", base64) over those exact bytes with the public key, e.g.
       jq -r .payload manifest.sig.json | base64 -d > payload.bin
       jq -r .signature manifest.sig.json | base64 -d > sig.bin
       openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in payload.bin -sigfile sig.bin
     The payload is the statement (type "art28/evidence-pack"); its "manifest" gives the SHA-256 and
     size of manifest.json: sha256sum manifest.json must print that hash.
  2. Every file listed in manifest.json exists with that size and SHA-256 (sha256sum), and the ZIP
     holds no other file besides manifest.json and manifest.sig.json.
  3. Each line of evidence/index.jsonl: for an upload ("source": "upload") "sha256" is the SHA-256 of
     its file. For a collected item, "sha256" is the SHA-256 of the canonical JSON (keys sorted, no
     spaces, UTF-8 unescaped) of the object with the keys attachment, collector, key, title,
     effective_at, valid_until, passed, organisation_id, data taken from the line, where attachment is
     null or {{"name": <file.name>, "sha256": <SHA-256 of the file>}}.
  4. audit/entries.jsonl, line by line: hash = SHA-256 of prev_hash + "\\n" + the canonical JSON of
     the entry's fields {", ".join(HASHED_FIELDS)}
     (prev_hash included); each entry's prev_hash is the hash of the line before, its seq one more;
     the first prev_hash and the last hash are those of audit/segment.json (and of the signed
     statement's "audit"). The first prev_hash links the segment to the provider's whole chain.
"""


def _index_rows(chosen: Any, collector_controls: dict[str, list[str]]) -> Iterator[dict[str, Any]]:
    """Each item as its index line (controls by collector and by hand), read CHUNK rows at a time."""
    through = Evidence.controls.through
    columns = ("pk", "source", "collector", "key", "title", "effective_at", "collected_at", "valid_until", "passed",
               "organisation_id", "sha256", "data", "file_name", "content_type", "size")  # fmt: skip
    rows = chosen.annotate(size=Length("file")).order_by("pk").values_list(*columns)
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
        linked: dict[int, set[str]] = defaultdict(set)
        links = through.objects.filter(evidence_id__in=[row[0] for row in chunk])
        for evidence_id, ref in links.values_list("evidence_id", "technicalmeasure__ref"):
            linked[evidence_id].add(ref)
        for (pk, source, collector, key, title, effective_at, collected_at, valid_until, passed, organisation_id,
             sha256, data, file_name, content_type, size) in chunk:  # fmt: skip
            yield {
                "id": pk,
                "source": source,
                "collector": collector,
                "key": key,
                "title": title,
                "effective_at": jsonable(effective_at),
                "collected_at": jsonable(collected_at),
                "valid_until": jsonable(valid_until),
                "passed": passed,
                "organisation_id": organisation_id,
                "controls": sorted(set(collector_controls.get(collector, ())) | linked[pk]),
                "sha256": sha256,
                "data": data,
                "file": None
                if size is None
                else {
                    "path": file_path(pk, collector, file_name),
                    "name": file_name,
                    "content_type": content_type,
                    "size": size,
                },
            }


def _file_batches(chosen: Any) -> Iterator[list[tuple[int, str, str, int]]]:
    """(id, collector, file name, size) of the items with a file, in batches of at most FILE_BATCH_BYTES."""
    rows = chosen.filter(file__isnull=False).annotate(size=Length("file")).order_by("pk")
    batch: list[tuple[int, str, str, int]] = []
    total = 0
    for row in rows.values_list("pk", "collector", "file_name", "size").iterator(chunk_size=CHUNK):
        if batch and (total + row[3] > FILE_BATCH_BYTES or len(batch) >= FILE_BATCH_ITEMS):
            yield batch
            batch, total = [], 0
        batch.append(row)
        total += row[3]
    if batch:
        yield batch


# core.audit.canonical_json's encoder, made once (the pack writes hundreds of thousands of lines).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _write_lines(entry: _HashingWriter, lines: Iterable[dict[str, Any]], tick: Callable[[], None]) -> int:
    count = 0
    for line in lines:
        entry.write((_CANONICAL.encode(line) + "\n").encode())
        count += 1
        if count % CHUNK == 0:
            tick()
    return count


def _audit_segment(start: dt.datetime, end: dt.datetime) -> tuple[int, int] | None:
    """The first and last seq of the entries dated in the period: the pack holds every entry between them,
    so the segment is one unbroken piece of the chain."""
    ends = AuditEntry.objects.filter(at__gte=start, at__lt=end).aggregate(first=Min("seq"), last=Max("seq"))
    return None if ends["first"] is None else (ends["first"], ends["last"])


def pack_write(
    path: Path | str,
    *,
    date_from: dt.date,
    date_to: dt.date,
    organisation: Organisation | None = None,
    progress: Progress | None = None,
    private_key: Ed25519PrivateKey | None = None,
) -> PackReport:
    """Write the pack of ``[date_from, date_to]`` to ``path`` (through ``path.partial``, renamed when
    complete). Raises SigningKeyMissing before writing anything when there is no signing key."""
    if date_from > date_to:
        raise ValueError(f"the period starts ({date_from}) after it ends ({date_to})")
    private_key = private_key or load_private_key()
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    start, end = period_bounds(date_from, date_to)
    report = progress or (lambda stage, done, total: None)
    try:
        with (
            _snapshot(),
            tempfile.TemporaryFile("w+", encoding="utf-8") as listing,
            zipfile.ZipFile(partial, "w") as archive,
        ):
            pack = _PackZip(archive, listing, timezone.now())
            facts = _write_contents(pack, start, end, date_from, date_to, organisation, report, private_key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return PackReport(path=path, date_from=date_from, date_to=date_to, organisation=organisation,
                      bytes=path.stat().st_size, **facts)  # fmt: skip


def _write_contents(
    pack: _PackZip,
    start: dt.datetime,
    end: dt.datetime,
    date_from: dt.date,
    date_to: dt.date,
    organisation: Organisation | None,
    report: Progress,
    private_key: Ed25519PrivateKey,
) -> dict[str, Any]:
    generated_at = timezone.now()
    # Bounds read first: rows added while the pack is written are not in it (see _snapshot).
    last_pk = Evidence.objects.aggregate(last=Max("pk"))["last"] or 0
    chosen = Evidence.objects.filter(effective_at__gte=start, effective_at__lt=end, pk__lte=last_pk)
    if organisation is not None:
        chosen = chosen.filter(organisation_id=organisation.pk)
    segment = None if organisation is not None else _audit_segment(start, end)
    facts: dict[str, Any] = {
        "format": FORMAT,
        "period": {
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "starts_at": jsonable(start),
            "ends_before": jsonable(end),
            "time_zone": settings.TIME_ZONE,
        },
        "organisation": None
        if organisation is None
        else {"id": organisation.pk, "ref": organisation.ref, "name": organisation.name},
        "generated_at": jsonable(generated_at),
        "provider": {
            "name": settings.ART28_PROVIDER_NAME,
            "address": settings.ART28_PROVIDER_ADDRESS,
            "country": settings.ART28_PROVIDER_COUNTRY,
        },
    }
    pack.write_bytes(README, _readme(facts).encode())

    report("controls", 0, 1)
    controls = controls_document(date_from, date_to, internals=organisation is None)
    pack.write_bytes(CONTROLS, (json.dumps(controls, indent=1, ensure_ascii=False) + "\n").encode())
    report("controls", 1, 1)

    items = chosen.count()
    measures = TechnicalMeasure.objects.filter(active=True).values_list("ref", "evidence_sources")
    collector_controls: dict[str, list[str]] = defaultdict(list)
    for ref, sources in measures:
        for key in sources:
            collector_controls[key].append(ref)
    done = 0

    def index_tick() -> None:
        nonlocal done
        done += CHUNK
        report("evidence index", min(done, items), items)

    report("evidence index", 0, items)
    with pack.entry(INDEX) as entry:
        written = _write_lines(entry, _index_rows(chosen, collector_controls), index_tick)
    report("evidence index", written, items)

    attachments = attestations = 0
    with_files = chosen.filter(file__isnull=False).count()
    report("evidence files", 0, with_files)
    for batch in _file_batches(chosen):
        blobs = dict(Evidence.objects.filter(pk__in=[row[0] for row in batch]).values_list("pk", "file"))
        for pk, collector, file_name, _size in batch:
            pack.write_bytes(file_path(pk, collector, file_name), blobs.pop(pk) or b"")
            attachments += 1
            attestations += collector in ATTESTATION_COLLECTORS
        report("evidence files", attachments, with_files)

    audit_entries = 0
    if segment is not None:
        audit_entries = _write_audit(pack, segment, report)
    audit = _segment_json(segment, audit_entries)
    if organisation is None:
        pack.write_bytes(AUDIT_SEGMENT, (json.dumps(audit, indent=1) + "\n").encode())

    report("manifest", 0, 1)
    counts = {"items": written, "attachments": attachments, "attestations": attestations,
              "audit_entries": audit_entries, "controls": len(controls["controls"])}  # fmt: skip
    manifest_sha256, manifest_size = _write_manifest(pack, facts | {"counts": counts})
    statement = (
        {"type": STATEMENT_TYPE}
        | facts
        | {
            "counts": counts,
            "files": pack.files,
            "manifest": {"path": MANIFEST, "sha256": manifest_sha256, "size": manifest_size},
            "audit": audit if organisation is None else None,
        }
    )
    pack.write_bytes(SIGNATURE, sign_statement(statement, private_key).encode(), listed=False)
    report("manifest", 1, 1)
    return counts | {"files": pack.files + 2, "manifest_sha256": manifest_sha256}


def _write_audit(pack: _PackZip, segment: tuple[int, int], report: Progress) -> int:
    first, last = segment
    total = last - first + 1
    rows = AuditEntry.objects.filter(seq__gte=first, seq__lte=last).order_by("seq")
    written = 0

    def tick() -> None:
        nonlocal written
        written += CHUNK
        report("audit trail", min(written, total), total)

    report("audit trail", 0, total)
    with pack.entry(AUDIT_ENTRIES) as entry:
        lines = (
            {
                name: jsonable(value) if name == "at" else value
                for name, value in zip((*HASHED_FIELDS, "hash"), row, strict=True)
            }
            for row in rows.values_list(*HASHED_FIELDS, "hash").iterator(chunk_size=CHUNK)
        )
        count = _write_lines(entry, lines, tick)
    report("audit trail", count, total)
    return count


def _segment_json(segment: tuple[int, int] | None, count: int) -> dict[str, Any]:
    if segment is None:
        return {"count": 0, "first_seq": None, "last_seq": None, "prev_hash": None, "hash": None}
    first = AuditEntry.objects.values_list("prev_hash", flat=True).get(seq=segment[0])
    last = AuditEntry.objects.values_list("hash", flat=True).get(seq=segment[1])
    return {"count": count, "first_seq": segment[0], "last_seq": segment[1], "prev_hash": first, "hash": last}


def _write_manifest(pack: _PackZip, header: dict[str, Any]) -> tuple[str, int]:
    """manifest.json: the pack's facts, then one line per file (streamed from the spooled listing)."""
    pack.listing.flush()
    pack.listing.seek(0)
    with pack.open(MANIFEST) as raw:
        entry = _HashingWriter(raw)
        head = json.dumps(header, indent=1, ensure_ascii=False)
        entry.write((head[:-2] + ',\n "files": [\n').encode())
        first = True
        for line in pack.listing:
            entry.write(((" " if first else ",\n ") + line.rstrip("\n")).encode())
            first = False
        entry.write(b"\n ]\n}\n")
        entry.flush()
    return entry.sha256.hexdigest(), entry.size


def evidence_pack_export(
    *,
    actor: Actor,
    path: Path | str,
    date_from: dt.date,
    date_to: dt.date,
    organisation: Organisation | None = None,
    progress: Progress | None = None,
) -> PackReport:
    """Write the pack and record who exported what (one ``evidence.pack`` audit entry): a read, but the
    pack carries the provider's evidence out of art28, so the trail shows it."""
    written = pack_write(path, date_from=date_from, date_to=date_to, organisation=organisation, progress=progress)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="evidence.pack",
            object_type="evidence.pack",
            object_id=written.manifest_sha256[:16],
            object_repr=f"evidence pack {date_from} to {date_to}"
            + (f" of {organisation.ref}" if organisation else ""),
            organisation_id=organisation.pk if organisation else None,
            after={"from": date_from, "to": date_to, "organisation": organisation.ref if organisation else None,
                   "file": written.path.name, "files": written.files, "items": written.items,
                   "audit_entries": written.audit_entries, "manifest_sha256": written.manifest_sha256},
        )  # fmt: skip
    return written
