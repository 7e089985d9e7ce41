"""The demo trust center's storefront: Example Hosting SA's logo and tagline, and its certifications
(one of them ending within 60 days, so that the staff dashboard shows the warning). The files are made
here with the standard library: a small PNG mark and one-page PDF certificates."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from django.utils import timezone

from art28.assurance.services import certification_create, trust_profile_update
from art28.core.audit import SystemActor

NAVY, BLUE, WHITE = (20, 33, 61), (11, 92, 173), (255, 255, 255)


def demo_logo_png(width: int = 96, height: int = 32) -> bytes:
    """A navy band with a white-edged blue square: the demo provider's mark (a real PNG, RGB 8 bit)."""

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if 4 <= x < 28 and 4 <= y < 28:
            return WHITE if x in (4, 27) or y in (4, 27) else BLUE
        if (36 <= x < width - 4 and 10 <= y < 13) or (36 <= x < width - 20 and 19 <= y < 22):
            return WHITE
        return NAVY

    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def demo_certificate_pdf(lines: list[str]) -> bytes:
    """A one-page PDF (A4, Helvetica) saying ``lines``: enough for the demo's certificate downloads."""
    text = "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
    )
    stream = text.encode("latin-1") + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def load_demo_assurance(actor: SystemActor) -> str:
    today = timezone.localdate()
    trust_profile_update(
        actor=actor,
        tagline="Swiss hosting, run in Geneva and Zurich",
        summary="",
        logo=demo_logo_png(),
    )
    certifications = [
        ("ISO/IEC 27001:2022", "SQS Swiss Association for Quality and Management Systems", 400, 695, True),
        ("ISO/IEC 27701:2019", "SQS Swiss Association for Quality and Management Systems", 1050, 45, True),
        ("SOC 2 Type II", "Demo Audit LLP", 200, 165, False),
    ]
    for position, (name, issuer, since, remaining, with_file) in enumerate(certifications):
        valid_from, valid_until = today - dt.timedelta(days=since), today + dt.timedelta(days=remaining)
        certificate = (
            demo_certificate_pdf(
                [
                    "DEMO CERTIFICATE - not a real certificate",
                    name,
                    "Example Hosting SA, Rue du Lac 1, 1200 Geneve",
                    "Scope: hosting, backup and managed services",
                    f"Valid from {valid_from.isoformat()} until {valid_until.isoformat()}",
                    f"Issued by {issuer}",
                ]
            )
            if with_file
            else None
        )
        certification_create(
            actor=actor,
            name=name,
            issuer=issuer,
            scope="Hosting, backup and managed services operated from the Geneva and Zurich datacenters",
            valid_from=valid_from,
            valid_until=valid_until,
            certificate=certificate,
            position=position,
        )
    return f"trust center: logo, tagline and {len(certifications)} certifications"
