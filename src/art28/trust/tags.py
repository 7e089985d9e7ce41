"""The tagging entity of the trust center's Atom ids: ``tag:`` URIs (RFC 4151).

An Atom id must never change (RFC 4287 §4.2.6), not even when the site moves to another address, so
the ids do not derive from ``ART28_BASE_URL``: they name an authority the provider owns (a domain
name or an e-mail address) and a date on which it owned it, from ``ART28_TAG_AUTHORITY``
(``example-hosting.ch,2026-01-01``). Its form is checked at start-up (``TrustConfig.ready``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

SETTING = "ART28_TAG_AUTHORITY"
# RFC 4151 §2.1: DNSname = DNScomp *( "." DNScomp ); DNScomp = alphaNum [*(alphaNum / "-") alphaNum];
# emailAddress = 1*(alphaNum / "-" / "." / "_") "@" DNSname; date = year ["-" month ["-" day]].
_DNS_COMPONENT = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_DNS_NAME = rf"{_DNS_COMPONENT}(?:\.{_DNS_COMPONENT})*"
_TAGGING_ENTITY = re.compile(
    rf"(?P<authority>{_DNS_NAME}|[a-z0-9._-]+@{_DNS_NAME}),(?P<date>(?P<year>\d{{4}})(?:-(?P<month>\d{{2}})(?:-(?P<day>\d{{2}}))?)?)"
)


@dataclass(frozen=True)
class TaggingEntity:
    authority: str
    date: str

    def uri(self, specific: str) -> str:
        """``tag:authority,date:specific`` (RFC 4151 §2.1)."""
        return f"tag:{self.authority},{self.date}:{specific}"


def _refuse(value: str, why: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"{SETTING}={value!r}: {why}. Write the tagging entity of RFC 4151: a domain name (or e-mail address) "
        f"the provider owns and a date on which it owned it, e.g. {SETTING}=example-hosting.ch,2026-01-01."
    )


def parse_tagging_entity(value: str, *, today: dt.date | None = None) -> TaggingEntity:
    """``authority,YYYY[-MM[-DD]]``; raises ImproperlyConfigured naming the setting otherwise."""
    text = value.strip().lower()
    match = _TAGGING_ENTITY.fullmatch(text)
    if match is None:
        raise _refuse(value, "not of the form authority,YYYY-MM-DD")
    year, month, day = (int(match[part] or 1) for part in ("year", "month", "day"))
    try:
        owned_on = dt.date(year, month, day)
    except ValueError:
        raise _refuse(value, f"{match['date']} is not a date") from None
    if owned_on > (today or dt.date.today()):
        raise _refuse(value, f"{match['date']} is in the future; the date must be one on which the name was owned")
    return TaggingEntity(match["authority"], match["date"])
