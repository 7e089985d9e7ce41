"""What an uploaded file must be before it is stored (in the database, so that several web machines
need no shared volume): its type is read from its first bytes (the magic number), never from its name or
the browser's Content-Type, and its size is bounded.

The logo is a raster image only: PNG, JPEG or WebP. SVG is refused: it is a document that can hold
script (an XSS if the browser ever renders it as a page). A certificate is a PDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError

LOGO_MAX_BYTES = 512 * 1024
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
# Content type → file name extension of the served logo.
LOGO_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    size: int
    sha256: str


def _checked(content: bytes, content_type: str) -> CheckedFile:
    return CheckedFile(content, content_type, len(content), hashlib.sha256(content).hexdigest())


def sniff_image(content: bytes) -> str:
    """The image type of ``content`` by its magic number, or "" if it is none of PNG, JPEG, WebP."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return ""


def check_logo(content: bytes, *, field: str = "logo") -> CheckedFile:
    """``content`` as a logo; raises ValidationError naming ``field`` if it is too big or not PNG/JPEG/WebP."""
    if not content:
        raise ValidationError({field: "The file is empty."})
    if len(content) > LOGO_MAX_BYTES:
        raise ValidationError({field: f"The logo is {len(content)} bytes; at most {LOGO_MAX_BYTES} (512 KB)."})
    content_type = sniff_image(content)
    if not content_type:
        raise ValidationError({field: "The logo must be a PNG, JPEG or WebP image (SVG is not accepted)."})
    return _checked(content, content_type)


def check_certificate(content: bytes, *, field: str = "certificate") -> CheckedFile:
    """``content`` as a certificate; raises ValidationError naming ``field`` if it is too big or not a PDF."""
    if not content:
        raise ValidationError({field: "The file is empty."})
    if len(content) > CERTIFICATE_MAX_BYTES:
        raise ValidationError(
            {field: f"The certificate is {len(content)} bytes; at most {CERTIFICATE_MAX_BYTES} (10 MB)."}
        )
    if not content.startswith(b"%PDF-"):
        raise ValidationError({field: "The certificate must be a PDF file."})
    return _checked(content, PDF)
