"""On what ground personal data may be in a state, per law: one source for every page, record and check.

Two laws, two lists, kept as dated data in ``core/data/adequacy.json`` (never as code branches):

* GDPR: inside the EEA there is no transfer at all (Chapter V applies to third countries only); outside,
  adequacy is a Commission decision under Art. 45(3) (and the Directive 95/46/EC decisions Art. 45(9)
  keeps in force); failing one, an appropriate safeguard of Art. 46 (standard contractual clauses,
  binding corporate rules …).
* nFADP: inside Switzerland there is no disclosure abroad; outside, adequacy is a state listed in DSV
  Annex 1 (nFADP Art. 16(1)); failing that, a safeguard of nFADP Art. 16(2).

Adequacy and safeguards are different grounds (Art. 45 vs Art. 46; nFADP 16(1) vs 16(2)) and are never
called by each other's name. The US is adequate only for a recipient certified under the EU-US Data
Privacy Framework (GDPR, since 10 July 2023) or the Swiss-US one (nFADP, since 15 September 2024): the
certification is the recipient's, with its date, and without it the US needs a safeguard.

A state with no ground is ``none``: a problem, shown as one. The provider's promise that data never leaves
its country is a separate matter (the residency audit flags any place outside the allowed countries,
whatever its ground).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from art28.core.countries import EEA_COUNTRIES

TABLE = Path(__file__).with_name("data") / "adequacy.json"


class Law(StrEnum):
    GDPR = "gdpr"
    NFADP = "nfadp"


class GroundKind(StrEnum):
    # GDPR: the state is in the EEA, so there is no transfer to a third country.
    EEA = "eea"
    # nFADP: the state is Switzerland itself, so there is no disclosure abroad.
    SWITZERLAND = "switzerland"
    ADEQUACY = "adequacy"  # GDPR Art. 45 / nFADP Art. 16(1)
    SAFEGUARD = "safeguard"  # GDPR Art. 46 / nFADP Art. 16(2)
    NONE = "none"  # no ground: a problem


# The certifications a US recipient may hold (GDPR: EU-US DPF; nFADP: Swiss-US DPF).
EU_US_DPF = "eu-us-dpf"
SWISS_US_DPF = "swiss-us-dpf"
CERTIFICATION_OF_LAW = {Law.GDPR: EU_US_DPF, Law.NFADP: SWISS_US_DPF}


@dataclass(frozen=True, slots=True)
class Decision:
    """One row of the table: a finding of adequacy for one state under one law, with its dates."""

    law: Law
    country: str
    source: str
    valid_from: dt.date
    valid_until: dt.date | None
    scope: str
    certification: str

    def in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True, slots=True)
class Ground:
    """The ground for data in a state under one law, and what it rests on (the decision, the safeguard)."""

    kind: GroundKind
    basis: str = ""

    @property
    def is_problem(self) -> bool:
        return self.kind == GroundKind.NONE

    def as_dict(self) -> dict[str, str]:
        return {"ground": str(self.kind), "basis": self.basis}


@dataclass(frozen=True, slots=True)
class Certifications:
    """A recipient's Data Privacy Framework certifications, each with the day it started (None: not certified)."""

    eu_us_dpf_since: dt.date | None = None
    swiss_us_dpf_since: dt.date | None = None

    def holds(self, certification: str, on: dt.date) -> dt.date | None:
        since = {EU_US_DPF: self.eu_us_dpf_since, SWISS_US_DPF: self.swiss_us_dpf_since}.get(certification)
        return since if since is not None and since <= on else None


NO_CERTIFICATION = Certifications()


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@cache
def decisions() -> tuple[Decision, ...]:
    """The whole table, read once per process."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    rows = []
    for row in data["decisions"]:
        valid_from = _date(row["valid_from"])
        assert valid_from is not None, row
        rows.append(
            Decision(
                law=Law(row["law"]),
                country=row["country"],
                source=row["source"],
                valid_from=valid_from,
                valid_until=_date(row["valid_until"]),
                scope=row["scope"],
                certification=row["certification"],
            )
        )
    return tuple(rows)


def table_checked_on() -> dt.date:
    return dt.date.fromisoformat(json.loads(TABLE.read_text(encoding="utf-8"))["checked_on"])


def decision_for(law: Law, country: str, on: dt.date) -> Decision | None:
    """The adequacy decision for ``country`` under ``law`` in force on ``on`` (the latest if two overlap)."""
    found = [d for d in decisions() if d.law == law and d.country == country and d.in_force_on(on)]
    return max(found, key=lambda d: d.valid_from, default=None)


def _adequacy_basis(decision: Decision, certified_since: dt.date | None) -> str:
    parts = [decision.source]
    if decision.scope:
        parts.append(decision.scope)
    if certified_since is not None:
        parts.append(f"recipient certified since {certified_since.isoformat()}")
    return "; ".join(parts)


def ground_for(
    law: Law | str,
    country: str,
    *,
    on: dt.date,
    safeguard: str = "",
    certifications: Certifications = NO_CERTIFICATION,
) -> Ground:
    """The ground for personal data in ``country`` under ``law`` on ``on``.

    GDPR: EEA → ``eea``; else an Art. 45 decision in force (a certification-bound one only for a certified
    recipient) → ``adequacy``; else a recorded Art. 46 safeguard → ``safeguard``; else ``none``.
    nFADP: Switzerland → ``switzerland``; else DSV Annex 1 (nFADP Art. 16(1)) → ``adequacy``; else an
    nFADP Art. 16(2) safeguard → ``safeguard``; else ``none``.
    """
    law = Law(law)
    if law == Law.GDPR and country in EEA_COUNTRIES:
        return Ground(GroundKind.EEA, "GDPR Art. 44: no transfer inside the EEA")
    if law == Law.NFADP and country == "CH":
        return Ground(GroundKind.SWITZERLAND, "nFADP Art. 16: no disclosure abroad")
    decision = decision_for(law, country, on)
    if decision is not None:
        since = certifications.holds(decision.certification, on) if decision.certification else None
        if not decision.certification or since is not None:
            return Ground(GroundKind.ADEQUACY, _adequacy_basis(decision, since))
    if safeguard.strip():
        return Ground(GroundKind.SAFEGUARD, safeguard.strip())
    return Ground(GroundKind.NONE)


def grounds_for(
    country: str, *, on: dt.date, safeguard: str = "", certifications: Certifications = NO_CERTIFICATION
) -> dict[Law, Ground]:
    """Both laws' grounds for one state (records show both: GDPR Art. 30(2)(c), nFADP Art. 12(2)(g))."""
    return {law: ground_for(law, country, on=on, safeguard=safeguard, certifications=certifications) for law in Law}


def needs_safeguard(country: str, *, on: dt.date, certifications: Certifications = NO_CERTIFICATION) -> bool:
    """True when, without a safeguard, some law would leave data in ``country`` without a ground."""
    return any(ground.is_problem for ground in grounds_for(country, on=on, certifications=certifications).values())


def ground_text(ground: Ground) -> str:
    """The ground in words, in the active language, for pages, notices and PDFs."""
    from django.utils.translation import gettext as _

    if ground.kind == GroundKind.EEA:
        return _("inside the EEA: no transfer")
    if ground.kind == GroundKind.SWITZERLAND:
        return _("in Switzerland: no disclosure abroad")
    if ground.kind == GroundKind.ADEQUACY:
        return _("adequacy: %(basis)s") % {"basis": ground.basis}
    if ground.kind == GroundKind.SAFEGUARD:
        return _("safeguard: %(basis)s") % {"basis": ground.basis}
    return _("NO GROUND: neither an adequacy finding nor a safeguard")
