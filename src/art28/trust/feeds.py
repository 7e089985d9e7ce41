"""The Atom feed of sub-processor changes (RFC 4287) and security.txt (RFC 9116), as bytes.

Atom ids are tag: URIs (RFC 4151) that never change (RFC 4287 §4.2.6), whatever ``ART28_BASE_URL``
says: they name the tagging entity of ``ART28_TAG_AUTHORITY`` (trust/tags.py); an entry's specific
part names the change's number and the day (UTC) it was announced, both fixed once announced, so a
reader never sees an entry twice, and a fresh database that numbers its changes again makes new ids.
"""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from art28.core.dpo import dpo_profile
from art28.core.translated import localized
from art28.subprocessors.models import Change, ChangeKind, ChangeStatus, FlowDownAgreement
from art28.trust.register import trust_url
from art28.trust.tags import TaggingEntity, parse_tagging_entity

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
# The ``updated`` of a feed without entries: fixed, so that its representation (and ETag) stays the same.
EMPTY_FEED_UPDATED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def tagging_entity() -> TaggingEntity:
    return parse_tagging_entity(settings.ART28_TAG_AUTHORITY)


def feed_id(tagging: TaggingEntity) -> str:
    return tagging.uri("art28/subprocessors")


def entry_id(tagging: TaggingEntity, change: Change) -> str:
    """RFC 4151: the change's number and its announcement day (UTC), fixed once it is announced."""
    assert change.announced_at is not None
    day = change.announced_at.astimezone(dt.UTC).date().isoformat()
    return tagging.uri(f"art28/subprocessor-change/{day}/{change.pk}")


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def change_title(change: Change) -> str:
    names = {"new": change.subprocessor.legal_name, "old": change.replaces.legal_name if change.replaces else ""}
    if change.kind == ChangeKind.ADDITION:
        title = _("New sub-processor: %(new)s") % names
    elif change.kind == ChangeKind.REPLACEMENT:
        title = _("%(old)s replaced by %(new)s") % names
    else:
        title = _("Sub-processor removed: %(new)s") % names
    if change.status == ChangeStatus.WITHDRAWN:
        title = _("Withdrawn: %(title)s") % {"title": title}
    return title


def change_text(change: Change, agreement: FlowDownAgreement | None = None) -> str:
    """The entry's text; ``agreement``: the flow-down agreement in place that binds the sub-processor an
    addition or a replacement brings in (GDPR Art. 28(4)), said with its date, never its document."""
    lines = [change.summary.strip()]
    if change.effective_on:
        lines.append(_("Effective on %(date)s.") % {"date": change.effective_on.isoformat()})
    if agreement is not None and change.kind != ChangeKind.REMOVAL:
        lines.append(
            _(
                "%(name)s is bound by an agreement with the same data protection obligations, in place since "
                "%(date)s (GDPR Art. 28(4))."
            )
            % {"name": change.subprocessor.legal_name, "date": agreement.signed_on.isoformat()}
        )
    # The feed is per language (its URL names one): the service names in it, English where a name has no
    # translation (a service's name, like a company's, reads as a name).
    services = [localized(service, "name").text for service in change.services.all()]
    if services:
        lines.append(_("Services concerned: %(services)s.") % {"services": ", ".join(services)})
    if change.status == ChangeStatus.WITHDRAWN and change.withdrawn_reason:
        lines.append(_("Withdrawn: %(reason)s") % {"reason": change.withdrawn_reason})
    return "\n\n".join(line for line in lines if line)


def _entry_updated(change: Change) -> dt.datetime:
    assert change.announced_at is not None
    return max(filter(None, [change.announced_at, change.withdrawn_at]))


def atom_feed(changes: list[Change], *, self_url: str, agreements: dict[int, FlowDownAgreement] | None = None) -> bytes:
    """One entry per announced change, newest first; ``agreements``: the flow-down agreements in place,
    by sub-processor (trust.register.announced_changes)."""
    agreements = agreements or {}
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    language = get_language() or "en"
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    tagging = tagging_entity()
    sub(feed, "id", feed_id(tagging))
    sub(feed, "title", _("%(provider)s: sub-processor changes") % {"provider": settings.ART28_PROVIDER_NAME})
    announced = [c for c in changes if c.announced_at is not None]
    updated = max((_entry_updated(c) for c in announced), default=None)
    sub(feed, "updated", _iso(updated or EMPTY_FEED_UPDATED))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=trust_url("#changes"))
    author = sub(feed, "author")
    sub(author, "name", settings.ART28_PROVIDER_NAME)
    sub(author, "email", dpo_profile().email)
    sub(feed, "generator", "art28")
    for change in announced:
        assert change.announced_at is not None
        entry = sub(feed, "entry")
        sub(entry, "id", entry_id(tagging, change))
        sub(entry, "title", change_title(change))
        sub(entry, "published", _iso(change.announced_at))
        sub(entry, "updated", _iso(_entry_updated(change)))
        sub(entry, "link", rel="alternate", type="text/html", href=trust_url(f"#change-{change.pk}"))
        sub(entry, "category", term=change.kind)
        text = change_text(change, agreements.get(change.subprocessor_id))
        sub(entry, "summary", text.split("\n\n")[0], type="text")
        sub(entry, "content", text, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def security_contact() -> str:
    """``ART28_SECURITY_CONTACT``, else the DPO's address as the DPO profile shows it everywhere else."""
    address = settings.ART28_SECURITY_CONTACT or dpo_profile().email
    return address if ":" in address else f"mailto:{address}"


def security_txt(*, expires_at: dt.datetime) -> str:
    """RFC 9116: Contact and Expires are required. Expires is the date staff last renewed
    (``core.services.security_txt_renew``), never one computed per request (§2.5.5: the file must be
    able to go stale)."""
    base = settings.ART28_BASE_URL.rstrip("/")
    fields = [
        ("Contact", security_contact()),
        ("Expires", _iso(expires_at.replace(microsecond=0))),
        ("Preferred-Languages", "en, fr, de, it"),
        ("Policy", trust_url("#security")),
        ("Canonical", f"{base}/.well-known/security.txt"),
    ]
    lines = [f"# {settings.ART28_PROVIDER_NAME}: how to report a security vulnerability (RFC 9116)."]
    return "\n".join(lines + [f"{name}: {value}" for name, value in fields]) + "\n"
