"""Reads of the assurance app. Listing selectors never load the stored files (``defer``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from art28.assurance.models import EXPIRY_WARNING, Certification, TrustCenterProfile


def trust_profile() -> TrustCenterProfile:
    """The saved profile without its logo's bytes, else an empty unsaved one. One query."""
    return TrustCenterProfile.objects.defer("logo").filter(pk=1).first() or TrustCenterProfile()


def trust_logo() -> TrustCenterProfile | None:
    """The profile with its logo's bytes, or None when no logo was uploaded."""
    return TrustCenterProfile.objects.filter(pk=1).exclude(logo_sha256="").first()


def certifications() -> QuerySet[Certification]:
    """Every certification, published or not (staff), without the files."""
    return Certification.objects.defer("certificate")


def published_certifications(on: dt.date | None = None) -> list[Certification]:
    """What the public sees: published and valid on ``on`` (today), that is valid_from <= on <= valid_until.

    An expired certification is not shown at all: listing it, even marked "expired", would read as a
    claim the provider can no longer make."""
    day = on or timezone.localdate()
    return list(certifications().filter(published=True, valid_from__lte=day, valid_until__gte=day))


def certification_by_pk(pk: int) -> Certification:
    try:
        return certifications().get(pk=pk)
    except Certification.DoesNotExist:
        raise Http404("No such certification.") from None


def published_certificate_file(pk: int, sha256: str, on: dt.date | None = None) -> Certification:
    """The certification with its file's bytes, if the public may download it (published, valid today and
    the file is the one named); else Http404."""
    day = on or timezone.localdate()
    row = (
        Certification.objects.filter(
            pk=pk, published=True, valid_from__lte=day, valid_until__gte=day, certificate_sha256=sha256
        )
        .exclude(certificate_sha256="")
        .first()
    )
    if row is None:
        raise Http404("No such certificate.")
    return row


def certificate_file(pk: int) -> Certification:
    """The certification with its file's bytes, whatever its state (staff); Http404 if it has no file."""
    row = Certification.objects.filter(pk=pk).exclude(certificate_sha256="").first()
    if row is None:
        raise Http404("No certificate file.")
    return row


def certifications_needing_attention(on: dt.date | None = None) -> list[Certification]:
    """Published certifications that expired or end within EXPIRY_WARNING (the staff dashboard)."""
    day = on or timezone.localdate()
    return list(certifications().filter(published=True, valid_until__lte=day + EXPIRY_WARNING))
