"""The demo's physical-security cast (S5): the zones and doors of its four sites, the people who badge at
them (Example Hosting SA's staff, contractors, Mainhattan Colocation's staff at the Frankfurt building,
escorted visitors) and, by role, where and when each may enter, who approved it and why.

A person is its people.csv row, its badges over time and its authorisations; ``art28.demo.physical``
gives them a year of badge events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from art28.demo.generator import SITES

PROVIDER = "Example Hosting SA"
OPERATOR = next(row[4] for row in SITES if row[0] == "FRA1")
# site → zone → (security class, its doors; the first is the usual one)
ZONES: dict[str, dict[str, tuple[int, tuple[str, ...]]]] = {
    "GVA1": {"public": (1, ("main-entrance", "loading-dock")), "office": (2, ("office-2f",)),
             "datacenter-hall": (3, ("hall-a-airlock", "hall-b-airlock")), "cage-c07": (4, ("cage-c07",)),
             "meet-me-room": (4, ("mmr-1",))},
    "GVA2": {"public": (1, ("main-entrance",)), "datacenter-hall": (3, ("hall-airlock",)),
             "meet-me-room": (4, ("mmr-1",))},
    "ZRH1": {"public": (1, ("main-entrance",)), "office": (2, ("office-3f",)),
             "datacenter-hall": (3, ("hall-airlock",)), "cage-b12": (4, ("cage-b12",)),
             "meet-me-room": (4, ("mmr-1",))},
    "FRA1": {"public": (1, ("lobby-turnstile",)), "datacenter-hall": (3, ("hall-3-airlock",)),
             "cage": (4, ("cage-0417",))},
}  # fmt: skip
HALL, OFFICE, PUBLIC = "datacenter-hall", "office", "public"
# (days, hours) of an authorisation, as authorisations.csv writes them
ANY, OFFICE_HOURS, VISIT_HOURS = ("", ""), ("mon-fri", "07:00-19:00"), ("", "08:00-18:00")
NIGHT, EVENING = ("sun-thu", "22:00-06:00"), ("mon-fri", "17:00-22:00")
ADA, SARA, OSCAR, ZRH_LEAD, SITE_MANAGER = "EH-001", "EH-003", "EH-004", "EH-022", "MC-01"
FIRST = ("Luca", "Noah", "Léa", "Chloé", "Matteo", "Elena", "Julien", "Camille", "Nicolas", "Sophie", "Lukas",
         "Anna", "David", "Laura", "Simon", "Sarah", "Thomas", "Mia", "Yannick", "Céline", "Andrea", "Giulia",
         "Fabian", "Nina", "Marc", "Aline", "Patrick", "Lara", "Sandro", "Sandra")  # fmt: skip
LAST = ("Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Favre", "Rochat", "Bonvin", "Rossi",
        "Bernasconi", "Fontana", "Gerber", "Brunner", "Baumann", "Frei", "Zimmermann", "Moser", "Fischer",
        "Chevalley", "Perret", "Mathey", "Berset", "Graf", "Steiner", "Lehmann", "Kälin", "Suter")  # fmt: skip
OPERATOR_STAFF = (("MC-01", "Katrin Vogel", "operator-manager"), ("MC-02", "Tobias Schneider", "remote-hands"),
                  ("MC-03", "Murat Yilmaz", "guard"), ("MC-04", "Dennis Krüger", "guard"))  # fmt: skip
# ref, name, employer, site, zones, escort, days ago, visit (minutes of the day), the visitor badge lent
VISITORS = (
    ("VI-01", "Lukas Brunner", "Helvetia Certification AG", "GVA1", (HALL,), SARA, 200, (540, 960), "V-GVA1-01"),
    ("VI-02", "Claire Dubois", "Banque du Léman SA", "GVA1", (HALL, "cage-c07"), OSCAR, 120, (810, 960), "V-GVA1-01"),
    ("VI-03", "Reto Keller", "Brandschutz Limmat GmbH", "ZRH1", (HALL,), ZRH_LEAD, 60, (510, 690), "V-ZRH1-01"),
    ("VI-04", "Nadia Rossi", "Ticino Fibre SA", "GVA2", (HALL,), "EH-018", 40, (570, 750), "V-GVA2-01"),
    ("VI-05", "Marco Bianchi", "Lago Logistica SA", "ZRH1", (OFFICE, HALL), ZRH_LEAD, 10, (840, 960), "V-ZRH1-01"),
)


@dataclass
class Person:
    ref: str
    name: str
    role: str
    home: str
    kind: str = "staff"
    employer: str = PROVIDER
    email: str = ""
    hired_on: dt.date | None = None  # badge and authorisations start
    left_on: dt.date | None = None
    active_until: dt.date | None = None  # the last day of the usual schedule
    until: dt.date | None = None  # the authorisations' end (a contract's end, a revoked badge)
    escort: str = ""
    visit: tuple[dt.datetime, dt.datetime] | None = None
    badges: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    access: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (site, zone) → window
    off_weeks: frozenset[int] = frozenset()
    free_weekday: int | None = None

    def badge_on(self, day: dt.date) -> str | None:
        held = [badge for badge, since, until in self.badges if since <= day and (until is None or day <= until)]
        return held[-1] if held else None


def may_enter_room(role: str, zone: str) -> bool:
    """Class 4: network engineers the meet-me-rooms, technicians the cages, their leads and security both."""
    return zone == "meet-me-room" if role == "network" else "cage" in zone if role == "tech" else True


def access_of(p: Person) -> dict[tuple[str, str], tuple[str, str]]:
    """Where and when a person may enter, by role: the authorisations the demo writes."""
    home = p.home
    if p.role in ("office", "cleaner"):
        return {(home, PUBLIC): EVENING if p.role == "cleaner" else ANY,
                (home, OFFICE): EVENING if p.role == "cleaner" else OFFICE_HOURS}  # fmt: skip
    if p.role == "night":
        return {(home, PUBLIC): ANY, (home, OFFICE): NIGHT, (home, HALL): NIGHT}
    if p.role in ("tech", "tech-oncall", "ops-lead", "network", "security"):
        sites = {"network": ["GVA1", "GVA2"], "security": ["GVA1", "GVA2", "ZRH1"]}.get(p.role, [home])
        if p.role in ("tech-oncall", "ops-lead") and home == "GVA1":
            sites = ["GVA1", "GVA2"]  # on call for both Geneva sites
        window = ANY if p.role in ("tech-oncall", "ops-lead") else OFFICE_HOURS
        access = {}
        for site in sites:
            for zone, (klass, _doors) in ZONES[site].items():
                if zone == PUBLIC:
                    access[(site, zone)] = ANY
                elif zone == OFFICE:
                    access[(site, zone)] = OFFICE_HOURS
                elif zone == HALL or (klass == 4 and may_enter_room(p.role, zone)):
                    access[(site, zone)] = window
        return access
    if p.role in ("hvac", "ups"):
        return {(site, zone): OFFICE_HOURS for site in (["GVA1", "GVA2"] if p.role == "hvac" else ["ZRH1"])
                for zone in (PUBLIC, HALL)}  # fmt: skip
    if p.role in ("cabling", "guard"):
        return {("FRA1", PUBLIC): ANY, ("FRA1", HALL): ANY}
    if p.role == "remote-hands":
        return {("FRA1", PUBLIC): ANY, ("FRA1", HALL): ANY, ("FRA1", "cage"): ANY}
    if p.role == "operator-manager":
        return {("FRA1", PUBLIC): ANY, ("FRA1", HALL): OFFICE_HOURS}
    return {}


def approver(p: Person, site: str, zone: str) -> str:
    """A manager other than the person: security for class 4, the site's ops lead for the halls."""
    klass = ZONES[site][zone][0]
    if site == "FRA1" and klass < 4 and p.employer != PROVIDER:
        candidates = [SITE_MANAGER, ZRH_LEAD]  # the operator's building: its site manager
    elif klass == 4:
        candidates = [SARA, ADA]
    elif klass == 3:
        candidates = [OSCAR if site.startswith("GVA") else ZRH_LEAD, SARA]
    else:
        candidates = [ADA, SARA]
    return next(ref for ref in candidates if ref != p.ref)


CONTRACTS = {
    "remote-hands": "remote hands contract RH-2025-14",
    "cabling": "cross-connect works, Mainhattan ticket MCG-2291",
    "hvac": "maintenance contract CLIM-7",
    "ups": "UPS maintenance contract EW-318",
    "night": "night operations roster",
    "cleaner": "cleaning contract NS-22",
}


def reason(p: Person, zone: str, window: tuple[str, str], ticket: int) -> str:
    """The contract, roster or ticket behind an authorisation (``ticket``: the person's request)."""
    if p.kind == "visitor":
        return f"visit VIS-{ticket}, escorted by {p.escort}"
    if p.role in CONTRACTS:
        return CONTRACTS[p.role]
    if zone in (PUBLIC, OFFICE):
        return f"HR onboarding HR-{ticket}"
    return "on-call rota" if window == ANY else f"CHG-{ticket}"
