"""The offline check of an auditor's evidence pack (docs/evidence.md, "The auditor's pack").

From the ZIP and the provider's public key alone, no database: the signature over the manifest's hash,
every file's size and SHA-256 against the manifest, no file the manifest does not list, each evidence
item's hash recomputed from its index line (``collection.item_statement``, as the collection computed it),
the attestations' own signatures, and the audit segment's chain. Every problem is named with its file
(and line); the first is the first thing that does not fit, in that order.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from art28.core.audit import HASHED_FIELDS, entry_digest
from art28.core.signing import verify_document
from art28.evidence.collection import item_statement, statement_sha256
from art28.evidence.pack import (
    ATTESTATIONS_DIR,
    AUDIT_ENTRIES,
    AUDIT_SEGMENT,
    CONTROLS,
    FILES_DIR,
    INDEX,
    MANIFEST,
    SIGNATURE,
    STATEMENT_TYPE,
)

READ_CHUNK = 1024 * 1024
INDEX_FIELDS = ("id", "source", "collector", "key", "title", "effective_at", "valid_until", "passed",
                "organisation_id", "sha256", "data", "file")  # fmt: skip
UNREADABLE = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError)


@dataclass
class PackVerification:
    ok: bool
    problems: list[str] = field(default_factory=list)
    # What was checked and found sound but is worth saying (an attestation signed with an earlier key).
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    statement: dict[str, Any] | None = None  # the signed statement (type art28/evidence-pack)


class _Check:
    def __init__(self, archive: zipfile.ZipFile, public_key: Ed25519PublicKey) -> None:
        self.archive, self.public_key = archive, public_key
        self.names = [info.filename for info in archive.infolist() if not info.is_dir()]
        self.present = set(self.names)
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.counts: dict[str, int] = {}
        self.hashes: dict[str, str] = {}  # path -> SHA-256 of the bytes in the ZIP (listed and readable)
        self.statement: dict[str, Any] | None = None
        self.signed = False
        self.listed: set[str] = set()

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def read(self, name: str) -> bytes | None:
        try:
            return self.archive.read(name)
        except UNREADABLE as exc:
            self.problem(f"{name}: cannot be read ({exc})")
            return None

    def digest(self, name: str) -> tuple[str, int] | None:
        """SHA-256 and size of an entry, read a megabyte at a time."""
        sha, size = hashlib.sha256(), 0
        try:
            with self.archive.open(name) as handle:
                while chunk := handle.read(READ_CHUNK):
                    sha.update(chunk)
                    size += len(chunk)
        except UNREADABLE as exc:
            self.problem(f"{name}: cannot be read ({exc})")
            return None
        return sha.hexdigest(), size

    def lines(self, name: str) -> Iterator[tuple[int, Any]]:
        """(line number, the line's JSON) of a JSON-lines entry; a line that is not JSON is a problem."""
        try:
            with self.archive.open(name) as handle:
                for number, raw in enumerate(handle, start=1):
                    try:
                        yield number, json.loads(raw)
                    except ValueError:
                        self.problem(f"{name} line {number}: not JSON")
        except UNREADABLE as exc:
            self.problem(f"{name}: cannot be read ({exc})")

    # 1. The signature over the statement, which gives the manifest's hash.
    def signature(self) -> None:
        if SIGNATURE not in self.present:
            self.problem(f"{SIGNATURE}: missing (the pack is not signed)")
            return
        text = self.read(SIGNATURE)
        if text is None:
            return
        result = verify_document(text, self.public_key)
        if result.ok and isinstance(result.statement, dict):
            self.statement, self.signed = result.statement, True
        else:
            reason = result.reason
            self.problem(f"{SIGNATURE}: {reason}" if reason.startswith("signed with key") else
                         f"{SIGNATURE}: signature invalid ({reason})")  # fmt: skip
            try:  # the unsigned readable copy, to go on checking the rest (nothing of it is trusted)
                readable = json.loads(text).get("attestation")
                self.statement = readable if isinstance(readable, dict) else None
            except (ValueError, AttributeError):
                self.statement = None
        if self.statement is not None and self.statement.get("type") != STATEMENT_TYPE:
            self.problem(f"{SIGNATURE}: not an evidence pack's statement (type {self.statement.get('type')!r})")
            self.statement = None

    # 2. The manifest, and every file against it.
    def manifest(self) -> list[dict[str, Any]] | None:
        if MANIFEST not in self.present:
            self.problem(f"{MANIFEST}: missing")
            return None
        data = self.read(MANIFEST)
        if data is None:
            return None
        if self.statement is not None:  # without one, the signature's problem is said already
            expected = self.statement.get("manifest") or {}
            if hashlib.sha256(data).hexdigest() != expected.get("sha256") or len(data) != expected.get("size"):
                self.problem(f"{MANIFEST}: SHA-256 differs from the signed statement (the manifest was altered)")
        try:
            files = json.loads(data)["files"]
            if not all(isinstance(f, dict) and {"path", "sha256", "size"} <= f.keys() for f in files):
                raise ValueError("a file without path, sha256 or size")
        except (ValueError, KeyError, TypeError) as exc:
            self.problem(f"{MANIFEST}: not a pack manifest ({exc})")
            return None
        return list(files)

    def files(self, listed: list[dict[str, Any]]) -> None:
        seen: set[str] = set()
        for name in self.names:
            if name in seen:
                self.problem(f"{name}: twice in the pack")
            seen.add(name)
        for entry in listed:
            name = entry["path"]
            if name not in self.present:
                self.problem(f"{name}: listed in the manifest but missing")
                continue
            found = self.digest(name)
            if found is None:
                continue
            sha, size = found
            self.hashes[name] = sha
            if size != entry["size"]:
                self.problem(
                    f"{name}: size differs from the manifest ({size} bytes, the manifest says {entry['size']})"
                )
            elif sha != entry["sha256"]:
                self.problem(f"{name}: SHA-256 differs from the manifest")
        self.listed = {entry["path"] for entry in listed}
        known = self.listed | {MANIFEST, SIGNATURE}
        for name in self.names:
            if name not in known:
                self.problem(f"{name}: in the pack but not in the manifest")
        self.counts["files"] = len(listed) + 2

    # 3. Each evidence item's hash, from its index line.
    def index(self) -> None:
        if INDEX not in self.hashes:
            return
        organisation = (self.statement or {}).get("organisation")
        referenced: set[str] = set()
        items = attachments = 0
        for number, line in self.lines(INDEX):
            where = f"{INDEX} line {number}"
            if not isinstance(line, dict) or not set(INDEX_FIELDS) <= line.keys():
                self.problem(f"{where}: not an evidence item (it needs {', '.join(INDEX_FIELDS)})")
                continue
            items += 1
            where = f"{where} (item {line['id']})"
            attached = line["file"]
            file_sha = None
            if attached is not None:
                path = attached.get("path") if isinstance(attached, dict) else None
                if not isinstance(path, str) or not path.startswith((FILES_DIR, ATTESTATIONS_DIR)):
                    self.problem(f"{where}: its file has no path under {FILES_DIR} or {ATTESTATIONS_DIR}")
                    continue
                if path not in self.hashes:
                    self.problem(f"{where}: its file {path} is not in the pack")
                    continue
                referenced.add(path)
                attachments += 1
                file_sha = self.hashes[path]
            if organisation is not None and line["organisation_id"] != organisation.get("id"):
                self.problem(f"{where}: another organisation's item in {organisation.get('ref')}'s pack")
            if line["source"] == "upload":
                if file_sha != line["sha256"]:
                    self.problem(f"{where}: its file's SHA-256 differs from the item's hash")
                continue
            try:
                statement = item_statement(
                    collector=line["collector"],
                    key=line["key"],
                    title=line["title"],
                    effective_at=line["effective_at"],
                    valid_until=line["valid_until"],
                    passed=line["passed"],
                    organisation_id=line["organisation_id"],
                    data=line["data"],
                    attachment=None if file_sha is None else (attached["name"], file_sha),
                )
            except (TypeError, KeyError):
                self.problem(f"{where}: hash does not match its fields")
                continue
            if statement_sha256(statement) != line["sha256"]:
                self.problem(f"{where}: hash does not match its fields")
        for name in self.hashes:
            if name.startswith((FILES_DIR, ATTESTATIONS_DIR)) and name not in referenced:
                self.problem(f"{name}: no line of {INDEX} refers to it")
        self.counts |= {"items": items, "attachments": attachments}

    def attestations(self) -> None:
        count = 0
        for name in self.hashes:
            if not name.startswith(ATTESTATIONS_DIR):
                continue
            count += 1
            data = self.read(name)
            if data is None:
                continue
            result = verify_document(data, self.public_key)
            if result.ok:
                continue
            if result.reason.startswith("signed with key"):
                self.notes.append(f"{name}: {result.reason} (an earlier key?): its signature was not checked")
            else:
                self.problem(f"{name}: signature invalid ({result.reason})")
        self.counts["attestations"] = count

    # 4. The audit segment: each entry's hash, the links between them, and both ends.
    def audit(self) -> None:
        signed_audit = (self.statement or {}).get("audit")
        if AUDIT_SEGMENT not in self.hashes:
            if signed_audit is not None and AUDIT_SEGMENT not in self.listed:
                self.problem(f"{AUDIT_SEGMENT}: missing (the signed statement has an audit segment)")
            return
        raw = self.read(AUDIT_SEGMENT)
        try:
            segment = json.loads(raw or b"")
            count, first_seq, last_seq = segment["count"], segment["first_seq"], segment["last_seq"]
            before, after = segment["prev_hash"], segment["hash"]
        except (ValueError, KeyError, TypeError):
            self.problem(f"{AUDIT_SEGMENT}: not a segment (count, first_seq, last_seq, prev_hash, hash)")
            return
        if signed_audit is not None and signed_audit != segment:
            self.problem(f"{AUDIT_SEGMENT}: differs from the signed statement's ends of the segment")
        self.counts["audit_entries"] = count
        if count == 0:
            if AUDIT_ENTRIES in self.present and self.archive.getinfo(AUDIT_ENTRIES).file_size:
                self.problem(f"{AUDIT_ENTRIES}: entries in a segment of none")
            return
        if AUDIT_ENTRIES not in self.hashes:
            return
        seen, prev_hash, seq = 0, before, first_seq
        for number, line in self.lines(AUDIT_ENTRIES):
            if not isinstance(line, dict) or not {*HASHED_FIELDS, "hash"} <= line.keys():
                self.problem(f"{AUDIT_ENTRIES} line {number}: not an audit entry")
                return
            where = f"{AUDIT_ENTRIES} line {number} (seq {line['seq']})"
            seen += 1
            if line["seq"] != seq:
                self.problem(f"{where}: expected seq {seq} here (an entry is missing or out of place)")
                return
            if line["prev_hash"] != prev_hash:
                self.problem(f"{where}: prev_hash " + ("differs from the segment's prev_hash in " + AUDIT_SEGMENT
                             if number == 1 else "is not the hash of the entry before it"))  # fmt: skip
                return
            try:
                recomputed = entry_digest(line)
            except (TypeError, ValueError):
                recomputed = ""
            if recomputed != line["hash"]:
                self.problem(f"{where}: hash does not match its fields")
                return
            prev_hash, seq = line["hash"], seq + 1
        if seen != count or seq - 1 != last_seq:
            self.problem(f"{AUDIT_SEGMENT}: says {count} entries, seq {first_seq} to {last_seq}; {AUDIT_ENTRIES} "
                         f"has {seen}, seq {first_seq} to {seq - 1}")  # fmt: skip
        elif prev_hash != after:
            self.problem(f"{AUDIT_SEGMENT}: the last entry's hash differs from the segment's hash")

    def controls(self) -> None:
        if CONTROLS not in self.hashes:
            return
        try:
            self.counts["controls"] = len(json.loads(self.read(CONTROLS) or b"")["controls"])
        except (ValueError, KeyError, TypeError):
            self.problem(f"{CONTROLS}: not the controls' JSON")


def pack_verify(path: Path | str, public_key: Ed25519PublicKey) -> PackVerification:
    """Check the pack at ``path`` against the provider's ``public_key``; ``ok`` when nothing is wrong."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return PackVerification(False, [f"{path.name}: not a readable ZIP file ({exc})"])
    with archive:
        check = _Check(archive, public_key)
        check.signature()
        listed = check.manifest()
        if listed is not None:
            check.files(listed)
            check.index()
            check.attestations()
            check.audit()
            check.controls()
    return PackVerification(not check.problems, check.problems, check.notes, check.counts,
                            check.statement if check.signed else None)  # fmt: skip
