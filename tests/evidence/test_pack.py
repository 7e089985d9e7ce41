"""The auditor's evidence pack and its offline check (S2, issue 15 point 5): what the pack holds, that it
verifies, and that changing one byte of any file, dropping or adding a file, re-hashing without the key
or signing with another key each fail naming the file; a customer's own pack holds nothing of another."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from art28.core.audit import SystemActor, audit_record, entry_digest
from art28.core.evidence import Collected
from art28.core.models import AuditEntry, Organisation
from art28.core.roles import Role
from art28.core.signing import load_private_key, sign_statement
from art28.evidence.collection import content_sha256, evidence_collect
from art28.evidence.models import Evidence
from art28.evidence.pack import (
    AUDIT_ENTRIES,
    AUDIT_SEGMENT,
    CONTROLS,
    INDEX,
    MANIFEST,
    README,
    SIGNATURE,
    evidence_pack_export,
    pack_write,
)
from art28.evidence.services import evidence_upload
from art28.evidence.verify import pack_verify
from art28.records.models import TechnicalMeasure
from tests.evidence.conftest import at

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
TODAY = timezone.localdate()
FROM, TO = TODAY - dt.timedelta(days=20), TODAY


@dataclass
class World:
    acme: Organisation
    beta: Organisation
    upload: Evidence
    key: Ed25519PrivateKey


def daily(since: dt.datetime, until: dt.datetime):
    day = timezone.localtime(since).date()
    while at(day, 0) < until:
        if at(day, 0) >= since:
            yield Collected(key=day.isoformat(), title=f"Backups restored on {day}", effective_at=at(day, 0),
                            data={"restored": day.day, "ratio": 0.5, "é": "ü"}, passed=day.day != 3)  # fmt: skip
        day += dt.timedelta(days=1)


def attestations(since: dt.datetime, until: dt.datetime):
    """What the residency.attestation collector yields: each signed document as an attachment."""
    # An hour apart by rank, not by primary key: PostgreSQL's sequences do not roll back between tests.
    for rank, organisation in enumerate(Organisation.objects.order_by("ref")):
        issued = since + dt.timedelta(days=5, hours=rank)
        public_id = str(uuid.uuid5(uuid.NAMESPACE_URL, organisation.ref))
        document = sign_statement({"type": "art28/residency-attestation", "id": public_id,
                                   "customer": {"ref": organisation.ref, "name": organisation.name},
                                   "as_of": issued.isoformat(), "compliant": True})  # fmt: skip
        yield Collected(key=public_id, title=f"Residency attestation of {organisation.ref}", effective_at=issued,
                        data={"attestation": public_id, "compliant": True}, organisation_id=organisation.pk,
                        attachment=(f"{public_id}.json", document.encode()))  # fmt: skip


@pytest.fixture
def world(register, measure, make_org, make_user, signing_key) -> World:
    acme, beta = make_org("ACME", name="Acme SA"), make_org("BETA", name="Beta Bergbahnen AG")
    register("test.backups", daily, valid_days=2)
    register("residency.attestation", attestations, valid_days=90)
    TechnicalMeasure.objects.filter(pk=measure.pk).update(evidence_sources=["test.backups", "residency.attestation"])
    evidence_collect(actor=ACTOR, since=at(FROM - dt.timedelta(days=5), 0), until=at(TO, 0))
    security = make_user("security@example-hosting.ch", Role.SECURITY)
    upload = evidence_upload(actor=security, controls=[measure], title="Fire drill GVA1", effective_on=FROM,
                             valid_until=TO + dt.timedelta(days=300), content=b"%PDF-1.7 fire drill report",
                             name="drill report.pdf")  # fmt: skip
    return World(acme, beta, upload, load_private_key(signing_key))


def names_of(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def rewrite(source: Path, target: Path, change: dict[str, bytes | None] | None = None,
            add: dict[str, bytes] | None = None) -> Path:  # fmt: skip
    """A copy of the pack with some entries replaced (None: dropped) or added."""
    change = change or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change.get(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def flip(data: bytes) -> bytes:
    """One byte changed, in the middle."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def rehashed(source: Path, target: Path, change: dict[str, bytes], *, key: Ed25519PrivateKey | None) -> Path:
    """The pack with ``change`` and a manifest re-hashed to match it; re-signed with ``key`` (None: the old
    signature kept, as an attacker without the key would have to)."""
    manifest = json.loads(read(source, MANIFEST))
    for entry in manifest["files"]:
        if entry["path"] in change:
            entry["sha256"] = hashlib.sha256(change[entry["path"]]).hexdigest()
            entry["size"] = len(change[entry["path"]])
    new_manifest = json.dumps(manifest).encode()
    envelope = json.loads(read(source, SIGNATURE))
    statement = envelope["attestation"]
    statement["manifest"] |= {"sha256": hashlib.sha256(new_manifest).hexdigest(), "size": len(new_manifest)}
    signature = read(source, SIGNATURE) if key is None else sign_statement(statement, key).encode()
    return rewrite(source, target, change | {MANIFEST: new_manifest, SIGNATURE: signature})


def index_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in read(path, INDEX).splitlines()]


@pytest.fixture
def pack(world, tmp_path) -> Path:
    audit_record_now("evidence.test", "one more entry")
    return pack_write(tmp_path / "pack.zip", date_from=FROM, date_to=TO).path


def audit_record_now(action: str, note: str) -> None:
    from django.db import transaction

    with transaction.atomic():
        audit_record(actor=ACTOR, action=action, object_type="test", after={"note": note})


def verify(path: Path, world: World):
    return pack_verify(path, world.key.public_key())


def test_a_pack_holds_the_controls_every_item_and_file_the_audit_segment_and_verifies(pack, world, measure):
    names = names_of(pack)
    attestation_names = [n for n in names if n.startswith("attestations/")]
    assert set(names) >= {README, CONTROLS, INDEX, AUDIT_ENTRIES, AUDIT_SEGMENT, MANIFEST, SIGNATURE}
    assert f"evidence/files/{world.upload.pk}-drill_report.pdf" in names
    assert len(attestation_names) == 2  # one per customer, under attestations/ only
    assert not any(n.startswith("evidence/files/") and n.endswith(".json") for n in names)

    lines = index_lines(pack)
    expected = Evidence.objects.filter(effective_at__gte=at(FROM, 0), effective_at__lt=at(TO + dt.timedelta(days=1), 0))
    assert sorted(line["id"] for line in lines) == sorted(expected.values_list("pk", flat=True))
    backup = next(line for line in lines if line["collector"] == "test.backups")
    assert backup["controls"] == [measure.ref] and backup["data"]["é"] == "ü"
    upload = next(line for line in lines if line["source"] == "upload")
    assert upload["controls"] == [measure.ref] and upload["file"]["name"] == "drill report.pdf"
    assert upload["sha256"] == hashlib.sha256(b"%PDF-1.7 fire drill report").hexdigest()

    controls = json.loads(read(pack, CONTROLS))
    control = next(c for c in controls["controls"] if c["ref"] == measure.ref)
    assert control["owner"] == "owner@example-hosting.ch" and control["status"]["status"] in {"effective", "failing"}
    assert [h["as_of"] for h in control["history"]][-1] == TO.isoformat()

    segment = json.loads(read(pack, AUDIT_SEGMENT))
    entries = [json.loads(line) for line in read(pack, AUDIT_ENTRIES).splitlines()]
    assert segment["count"] == len(entries) == AuditEntry.objects.count()  # every entry is of today
    assert segment["prev_hash"] == entries[0]["prev_hash"] and segment["hash"] == entries[-1]["hash"]

    result = verify(pack, world)
    assert result.ok, result.problems
    assert result.counts["items"] == len(lines) and result.counts["attestations"] == 2
    assert result.counts["audit_entries"] == len(entries) and result.statement["type"] == "art28/evidence-pack"


def test_the_content_hash_is_the_one_collections_always_computed():
    """The refactor of content_sha256 keeps every stored hash: the statement as it was hashed before."""
    effective = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 30))
    item = Collected(key="k", title="t", effective_at=effective, data={"b": 1, "a": [1, "é"]}, organisation_id=7,
                     attachment=("a.json", b"{}"))  # fmt: skip
    statement = {
        "attachment": {"name": "a.json", "sha256": hashlib.sha256(b"{}").hexdigest()},
        "collector": "c",
        "key": "k",
        "title": "t",
        "effective_at": "2026-11-02T08:30:00.000000+00:00",
        "valid_until": "2026-12-01",
        "passed": True,
        "organisation_id": 7,
        "data": {"b": 1, "a": [1, "é"]},
    }
    before = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_sha256("c", item, dt.date(2026, 12, 1)) == hashlib.sha256(before.encode()).hexdigest()


def changed_files(world: World) -> list[str]:
    return [INDEX, f"evidence/files/{world.upload.pk}-drill_report.pdf", "attestations/", AUDIT_ENTRIES,
            AUDIT_SEGMENT, CONTROLS, README, MANIFEST, SIGNATURE]  # fmt: skip


def pick(pack: Path, name: str) -> str:
    """A name, or the first in a folder."""
    return name if not name.endswith("/") else next(n for n in names_of(pack) if n.startswith(name))


@pytest.mark.parametrize("kind", range(9))
def test_one_byte_changed_in_any_file_fails_naming_that_file(pack, world, tmp_path, kind):
    name = pick(pack, changed_files(world)[kind])
    tampered = rewrite(pack, tmp_path / "tampered.zip", {name: flip(read(pack, name))})
    result = verify(tampered, world)
    assert not result.ok and result.problems[0].startswith(f"{name}: "), result.problems


@pytest.mark.parametrize("kind", range(9))
def test_a_dropped_file_fails_naming_it(pack, world, tmp_path, kind):
    name = pick(pack, changed_files(world)[kind])
    result = verify(rewrite(pack, tmp_path / "dropped.zip", {name: None}), world)
    assert not result.ok and result.problems[0].startswith(f"{name}: "), result.problems
    assert "missing" in result.problems[0]


def test_an_added_file_fails_naming_it(pack, world, tmp_path):
    result = verify(rewrite(pack, tmp_path / "added.zip", add={"evidence/files/999-extra.pdf": b"%PDF-1.7"}), world)
    assert result.problems == ["evidence/files/999-extra.pdf: in the pack but not in the manifest"]


def test_a_corrupt_zip_entry_is_named(pack, world, tmp_path):
    """A byte flipped in the ZIP itself (not in a file's content): the entry cannot be read."""
    data = bytearray(pack.read_bytes())
    with zipfile.ZipFile(pack) as archive:
        info = archive.getinfo(CONTROLS)
    extra = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    data[info.header_offset + 30 + len(CONTROLS) + extra + 10] ^= 0xFF  # inside the compressed bytes
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(data))
    result = verify(broken, world)
    assert not result.ok and result.problems[0].startswith(f"{CONTROLS}: "), result.problems


def tampered_audit_entries(pack: Path) -> bytes:
    lines = read(pack, AUDIT_ENTRIES).splitlines()
    entry = json.loads(lines[1])
    entry["actor_label"] = "someone else"
    lines[1] = json.dumps(entry).encode()
    return b"\n".join(lines) + b"\n"


def test_an_entry_changed_and_the_manifest_rehashed_without_the_key_fails_on_the_signature(pack, world, tmp_path):
    result = verify(rehashed(pack, tmp_path / "t.zip", {AUDIT_ENTRIES: tampered_audit_entries(pack)}, key=None), world)
    assert result.problems[0] == f"{MANIFEST}: SHA-256 differs from the signed statement (the manifest was altered)"
    # ... and an attacker who also edits the signed statement's hash breaks the signature itself.
    forged = tmp_path / "t.zip"
    envelope = json.loads(read(forged, SIGNATURE))
    payload = json.loads(__import__("base64").b64decode(envelope["payload"]))
    payload["manifest"] = envelope["attestation"]["manifest"] = {
        "path": MANIFEST, "sha256": hashlib.sha256(read(forged, MANIFEST)).hexdigest(),
        "size": len(read(forged, MANIFEST))}  # fmt: skip
    envelope["payload"] = __import__("base64").b64encode(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).decode()  # fmt: skip
    forged2 = rewrite(forged, tmp_path / "t2.zip", {SIGNATURE: json.dumps(envelope).encode()})
    problems = verify(forged2, world).problems
    assert problems[0].startswith(f"{SIGNATURE}: signature invalid"), problems
    assert any(p.startswith(f"{AUDIT_ENTRIES} line 2 (seq ") and "hash does not match" in p for p in problems)


def test_an_entry_changed_and_the_pack_resigned_with_another_key_fails_on_the_key(pack, world, tmp_path):
    other = Ed25519PrivateKey.generate()
    forged = rehashed(pack, tmp_path / "t.zip", {AUDIT_ENTRIES: tampered_audit_entries(pack)}, key=other)
    problems = verify(forged, world).problems
    assert problems[0].startswith(f"{SIGNATURE}: signed with key ") and "not with key" in problems[0]
    # With the other key as the given one, the signature holds; the chain still does not.
    assert pack_verify(forged, other.public_key()).problems[0].startswith(f"{AUDIT_ENTRIES} line 2 (seq ")


def test_with_the_right_key_an_altered_entry_or_item_still_fails_on_its_own_hash(pack, world, tmp_path):
    """Even someone holding the key cannot change an entry or an item unseen: the chain and the items' hashes
    are recomputed from their fields."""
    forged = rehashed(pack, tmp_path / "a.zip", {AUDIT_ENTRIES: tampered_audit_entries(pack)}, key=world.key)
    seq = json.loads(read(pack, AUDIT_ENTRIES).splitlines()[1])["seq"]
    assert verify(forged, world).problems == [f"{AUDIT_ENTRIES} line 2 (seq {seq}): hash does not match its fields"]

    lines = index_lines(pack)
    lines[3]["data"]["restored"] = 99
    index = "".join(json.dumps(line) + "\n" for line in lines).encode()
    forged = rehashed(pack, tmp_path / "b.zip", {INDEX: index}, key=world.key)
    assert verify(forged, world).problems == [f"{INDEX} line 4 (item {lines[3]['id']}): hash does not match its fields"]

    # An entry dropped from the middle, its successor's prev_hash no longer fits.
    entries = read(pack, AUDIT_ENTRIES).splitlines()
    cut = b"\n".join(entries[:2] + entries[3:]) + b"\n"
    forged = rehashed(pack, tmp_path / "c.zip", {AUDIT_ENTRIES: cut}, key=world.key)
    assert "expected seq" in verify(forged, world).problems[0]


def test_an_entry_rehashed_with_its_successors_still_breaks_the_segments_end(pack, world, tmp_path):
    """Re-chaining the whole segment after a change moves its last hash: segment.json is signed."""
    entries = [json.loads(line) for line in read(pack, AUDIT_ENTRIES).splitlines()]
    entries[1]["actor_label"] = "someone else"
    for before, entry in itertools.pairwise(entries):
        entry["prev_hash"] = before["hash"]
        entry["hash"] = entry_digest(entry)
    data = "".join(json.dumps(e) + "\n" for e in entries).encode()
    forged = rehashed(pack, tmp_path / "t.zip", {AUDIT_ENTRIES: data}, key=world.key)
    assert verify(forged, world).problems == [f"{AUDIT_SEGMENT}: the last entry's hash differs from the segment's hash"]


def test_an_attestation_swapped_for_another_signed_document_is_named(pack, world, tmp_path):
    name = pick(pack, "attestations/")
    other = sign_statement({"type": "art28/residency-attestation", "id": "x", "compliant": True}, world.key).encode()
    forged = rehashed(pack, tmp_path / "t.zip", {name: other}, key=world.key)
    problems = verify(forged, world).problems
    assert len(problems) == 1 and problems[0].startswith(f"{INDEX} line ") and "hash does not match" in problems[0]


def test_a_customers_pack_holds_nothing_of_another_organisation(world, tmp_path):
    """Issue 15 point 6: the customer's own items, no audit trail, the controls' status without reasons."""
    path = pack_write(tmp_path / "acme.zip", date_from=FROM, date_to=TO, organisation=world.acme).path
    names = names_of(path)
    assert not any(n.startswith("audit/") for n in names)
    assert len([n for n in names if n.startswith("attestations/")]) == 1
    lines = index_lines(path)
    assert lines and {line["organisation_id"] for line in lines} == {world.acme.pk}
    beta_items = Evidence.objects.filter(organisation_id=world.beta.pk)
    forbidden = [b"BETA", b"Beta Bergbahnen", b"owner@example-hosting.ch", b"security@example-hosting.ch"]
    forbidden += [f'"organisation_id":{world.beta.pk}'.encode(), *(item.key.encode() for item in beta_items)]
    with zipfile.ZipFile(path) as archive:
        for name in names:
            content = archive.read(name)
            for word in forbidden:
                assert word not in content and word not in name.encode(), (name, word)
    controls = json.loads(read(path, CONTROLS))["controls"]
    assert all("reasons" not in c["status"] and "owner" not in c for c in controls)
    result = verify(path, world)
    assert result.ok, result.problems
    assert result.statement["organisation"]["ref"] == "ACME" and result.statement["audit"] is None


def test_a_customers_pack_with_another_customers_item_slipped_in_is_refused(world, tmp_path):
    path = pack_write(tmp_path / "acme.zip", date_from=FROM, date_to=TO, organisation=world.acme).path
    lines = index_lines(path)
    lines[0]["organisation_id"] = world.beta.pk
    index = "".join(json.dumps(line) + "\n" for line in lines).encode()
    problems = verify(rehashed(path, tmp_path / "t.zip", {INDEX: index}, key=world.key), world).problems
    assert any("another organisation's item in ACME's pack" in p for p in problems)


def test_the_period_holds_its_last_second_and_not_the_next_day(register, signing_key, tmp_path):
    day = TODAY - dt.timedelta(days=10)
    moments = {
        "before-first": at(day - dt.timedelta(days=3), 0) - dt.timedelta(microseconds=1),
        "first": at(day - dt.timedelta(days=3), 0),
        "last-second": timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59))),
        "next-day": at(day + dt.timedelta(days=1), 0),
    }
    register("test.edges", lambda since, until: [Collected(key=k, title=k, effective_at=m, data={})
                                                 for k, m in moments.items()])  # fmt: skip
    evidence_collect(actor=ACTOR, since=at(day - dt.timedelta(days=5), 0), until=at(day + dt.timedelta(days=2), 0))
    path = pack_write(tmp_path / "p.zip", date_from=day - dt.timedelta(days=3), date_to=day).path
    assert sorted(line["key"] for line in index_lines(path)) == ["first", "last-second"]
    assert pack_verify(path, load_private_key(signing_key).public_key()).ok


def test_an_empty_period_makes_a_pack_that_verifies(signing_key, tmp_path):
    day = TODAY - dt.timedelta(days=400)
    path = pack_write(tmp_path / "p.zip", date_from=day, date_to=day).path
    result = pack_verify(path, load_private_key(signing_key).public_key())
    assert result.ok, result.problems
    assert result.counts["items"] == 0 and json.loads(read(path, AUDIT_SEGMENT))["count"] == 0
    assert AUDIT_ENTRIES not in names_of(path)


def test_the_number_of_queries_does_not_grow_with_the_evidence(world, tmp_path, register):
    """Items and files are read in chunks and batches, never one query per item (the memory bound is
    measured in bench/evidence_bench.py)."""

    def count_queries(name: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            pack_write(tmp_path / name, date_from=FROM, date_to=TO)
        return len(queries)

    first = count_queries("one.zip")
    for n in range(40):
        Organisation.objects.create(ref=f"MORE{n}", name=f"More {n}")
    register("residency.attestation", attestations, valid_days=90)
    evidence_collect(actor=ACTOR, since=at(FROM + dt.timedelta(days=1), 0), until=at(TO, 0))
    for n in range(30):
        audit_record_now("evidence.test", f"entry {n}")
    assert Evidence.objects.filter(file__isnull=False).count() > 40
    assert count_queries("two.zip") == first


def test_the_commands_write_verify_and_record_the_pack(world, tmp_path, signing_key):
    output = tmp_path / "pack.zip"
    out, err = io.StringIO(), io.StringIO()
    call_command("evidence_pack", "--from", FROM.isoformat(), "--to", TO.isoformat(), "--output", str(output),
                 stdout=out, stderr=err)  # fmt: skip
    assert out.getvalue().startswith(f"Written {output}: ")
    entry = AuditEntry.objects.filter(action="evidence.pack").get()
    manifest_sha256 = json.loads(read(output, SIGNATURE))["attestation"]["manifest"]["sha256"]
    assert entry.after["manifest_sha256"] == manifest_sha256 and entry.after["from"] == FROM.isoformat()
    assert entry.organisation_id is None

    public = tmp_path / "key.pem"
    from art28.core.signing import public_key_pem

    public.write_text(public_key_pem(world.key.public_key()))
    out = io.StringIO()
    call_command("evidence_verify", str(output), "--key", str(public), stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith(f"OK: evidence pack of {FROM} to {TO}, signed with key ")
    call_command("evidence_verify", str(output), stdout=io.StringIO(), stderr=io.StringIO())  # the provider's key

    tampered = rewrite(output, tmp_path / "t.zip", {CONTROLS: flip(read(output, CONTROLS))})
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("evidence_verify", str(tampered), stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1
    assert err.getvalue().splitlines()[0] == f"invalid: {CONTROLS}: SHA-256 differs from the manifest"

    with pytest.raises(CommandError, match="exists; add --force") as refused:
        call_command("evidence_pack", "--from", FROM.isoformat(), "--to", TO.isoformat(), "--output", str(output))
    assert refused.value.returncode == 2
    call_command("evidence_pack", "--from", FROM.isoformat(), "--to", TO.isoformat(), "--output", str(output),
                 "--force", "--customer", "ACME", stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert AuditEntry.objects.filter(action="evidence.pack").latest("seq").organisation_id == world.acme.pk


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "1.11.2026", "--to", "2026-11-30"], "--from: a date as YYYY-MM-DD"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "is after --to"),
        (["--from", "2026-11-01", "--to", "2026-11-30", "--customer", "NOPE"], "no customer with reference 'NOPE'"),
    ],
)
def test_the_pack_command_refuses_bad_usage_with_exit_2(signing_key, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command("evidence_pack", *arguments, "--output", str(tmp_path / "p.zip"))
    assert refused.value.returncode == 2 and not (tmp_path / "p.zip").exists()


def test_without_a_signing_key_nothing_is_written(settings, tmp_path):
    settings.ART28_SIGNING_KEY_FILE = tmp_path / "absent.pem"
    with pytest.raises(CommandError, match="cannot sign the pack: no signing key at"):
        call_command("evidence_pack", "--from", "2026-11-01", "--to", "2026-11-30", "--output", str(tmp_path / "p.zip"))
    assert list(tmp_path.iterdir()) == []


def test_verify_names_a_file_that_is_not_a_zip(signing_key, tmp_path):
    path = tmp_path / "p.zip"
    path.write_bytes(b"not a zip")
    result = pack_verify(path, load_private_key(signing_key).public_key())
    assert result.problems[0].startswith("p.zip: not a readable ZIP file")


def test_export_records_one_audit_entry(world, tmp_path):
    before = AuditEntry.objects.count()
    written = evidence_pack_export(actor=ACTOR, path=tmp_path / "p.zip", date_from=FROM, date_to=TO)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "evidence.pack" and entry.after["files"] == written.files == len(names_of(written.path))
