"""Badge logs in other shapes (issue 16 point 2; docs/physical.md "Other exports"): a CSV export described
by a mapping profile, with local times on the site's clock, and Microsoft's physical badging schema."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from art28.physical.anomalies import find_anomalies
from art28.physical.importer import PhysicalImportFailed, physical_import
from art28.physical.mapping import import_mapped, load_profile, msbadging_rows, profile_rows
from art28.physical.models import BadgeEvent
from tests.physical.conftest import ACTOR

pytestmark = pytest.mark.django_db

PROFILE = """\
delimiter: ";"
columns:
  time: Zeitpunkt
  zone: Bereich
  door: Leser
  badge: Kartennummer
  result: Ereignis
  direction: Richtung
constants:
  site: GVA1
values:
  result: {Zutritt gewährt: granted, Zutritt verweigert: denied}
  direction: {Eintritt: in, Austritt: out}
time_format: "%d.%m.%Y %H:%M"
time_zone: site
"""
EXPORT_HEADER = "Zeitpunkt;Bereich;Leser;Kartennummer;Ereignis;Richtung\n"


@pytest.fixture
def people(geneva, write):
    """The conftest's zones, people, badges and authorisations, no events."""
    physical_import(write(), actor=ACTOR)


def mapped(tmp_path, export: str, profile: str = PROFILE):
    (tmp_path / "profile.yaml").write_text(profile, encoding="utf-8")
    (tmp_path / "export.csv").write_text(EXPORT_HEADER + export, encoding="utf-8")
    mapping = load_profile(tmp_path / "profile.yaml")
    return import_mapped(tmp_path / "export.csv", lambda p, problems: profile_rows(p, mapping, problems),
                         actor=ACTOR, where=lambda line: f"export.csv:{line}")  # fmt: skip


def test_a_mapped_export_lands_on_the_sites_clock_and_is_checked(people, tmp_path):
    mapped(tmp_path, "27.03.2026 08:00;hall;H1;B1;Zutritt gewährt;Eintritt\n"
                     "28.03.2026 08:00;hall;H1;B1;Zutritt gewährt;Eintritt\n"
                     "30.03.2026 07:30;hall;H1;B1;Zutritt verweigert;Eintritt\n")  # fmt: skip
    moments = sorted(BadgeEvent.objects.values_list("at", "local_minute"))
    # Local 08:00 is 07:00 UTC in winter (27 and 28 March) and 07:30 is 05:30 UTC in summer (30 March).
    assert [(m.isoformat(), minute) for m, minute in moments] == [
        ("2026-03-27T07:00:00+00:00", 480), ("2026-03-28T07:00:00+00:00", 480), ("2026-03-30T05:30:00+00:00", 450),
    ]  # fmt: skip
    assert [a.rule for a in find_anomalies()] == ["outside-hours"]  # Saturday


def test_the_repeated_autumn_hour_is_its_first_occurrence_and_the_spring_gap_is_refused(people, tmp_path):
    mapped(tmp_path, "25.10.2026 02:30;hall;H1;B1;Zutritt gewährt;Eintritt\n")
    assert BadgeEvent.objects.get().at.isoformat() == "2026-10-25T00:30:00+00:00"  # +02:00, the first
    with pytest.raises(PhysicalImportFailed) as failed:
        mapped(tmp_path, "29.03.2026 02:30;hall;H1;B1;Zutritt gewährt;Eintritt\n")
    assert failed.value.problems == [
        "export.csv:2: time: '29.03.2026 02:30' does not exist on the site's clock (the hour skipped in spring)"
    ]


def test_problems_name_the_exports_line(people, tmp_path):
    with pytest.raises(PhysicalImportFailed) as failed:
        mapped(tmp_path, "27.03.2026 08:00;hall;H1;B1;Zutritt gewährt;Eintritt\n"
                         "27.03.2026 09:00;hall;H1;B1;Alarm;Eintritt\n")  # fmt: skip
    assert failed.value.problems == ["export.csv:3: result: 'Alarm' is not granted or denied"]
    assert not BadgeEvent.objects.exists()


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (PROFILE.replace("  badge: Kartennummer\n", ""), "profile.yaml: columns.badge: required"),
        (PROFILE + "sheet: 2\n", "profile.yaml: sheet: unknown key"),
        (PROFILE.replace("time_zone: site", "time_zone: Mars/Olympus"), "profile.yaml: time_zone: 'Mars/Olympus'"),
        ("- just a list\n", "profile.yaml: a mapping of keys is expected"),
    ],
)
def test_a_bad_profile_is_named(tmp_path, profile, message):
    (tmp_path / "profile.yaml").write_text(profile, encoding="utf-8")
    with pytest.raises(PhysicalImportFailed) as failed:
        load_profile(tmp_path / "profile.yaml")
    assert any(p.startswith(message) for p in failed.value.problems), failed.value.problems


def test_a_profile_column_missing_from_the_export(people, tmp_path):
    (tmp_path / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "export.csv").write_text("Zeitpunkt;Bereich\n27.03.2026 08:00;hall\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("physical_import", str(tmp_path / "export.csv"), "--profile", str(tmp_path / "profile.yaml"))


def ms_items() -> list[dict[str, str]]:
    def item(user: str, time: str, status: str) -> dict[str, str]:
        return {"UserId": user, "AssetId": "H1", "EventTime": time, "AccessStatus": status}

    return [
        item("anna@provider.example", "2026-03-27T07:00:00Z", "Success"),  # Friday 08:00 in Geneva
        item("anna@provider.example", "2026-03-28T09:00:00Z", "Success"),  # Saturday: outside her days
        item("ghost@provider.example", "2026-03-27T07:05:00Z", "Success"),  # nobody of that address
        item("anna@provider.example", "2026-03-27T07:10:00Z", "Failed"),
    ]


def test_microsofts_physical_badging_schema_resolves_people_to_their_badges(geneva, write, tmp_path, capsys):
    people = "ref,name,employer,kind,left_on,email\nP1,Anna Day,Provider SA,staff,,Anna@provider.example\n"
    physical_import(write(people=people, badges="badge,person,from,until\nB1,P1,2026-01-01,\n",
                          authorisations="person,site,zone,from,until,days,hours,approved_by\n"
                                         "P1,GVA1,hall,2026-01-01,,mon-fri,07:00-19:00,\n",
                          events="2026-03-01T08:00:00+01:00,GVA1,hall,H1,B1,granted,in\n"), actor=ACTOR)  # fmt: skip
    (tmp_path / "badging.json").write_text(json.dumps(ms_items()), encoding="utf-8")
    call_command("physical_import", str(tmp_path / "badging.json"), "--format", "msbadging")
    assert "4 created" in capsys.readouterr().out
    rules = {(a.badge, a.rule) for a in find_anomalies()}
    assert rules == {("B1", "outside-hours"), ("user:ghost@provider.example", "unknown-badge")}  # Saturday; nobody
    assert BadgeEvent.objects.filter(badge="B1", granted=False).count() == 1


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"UserId": "a@b.c", "AssetId": "H1", "EventTime": "2026-03-27T07:00:00Z", "AccessStatus": "Maybe"},
         "badging.json: item 1: AccessStatus: 'Maybe' is not Success or Failed"),
        ({"UserId": "a@b.c", "AssetId": "Z9", "EventTime": "2026-03-27T07:00:00Z", "AccessStatus": "Success"},
         "badging.json: item 1: AssetId: 'Z9' is no known door"),
        ({"UserId": "a@b.c", "AssetId": "H1", "EventTime": "yesterday", "AccessStatus": "Success"},
         "badging.json: item 1: EventTime: 'yesterday' is not an ISO 8601 time"),
        ({"AssetId": "H1"}, "badging.json: item 1: UserId, EventTime, AccessStatus: required"),
    ],
)  # fmt: skip
def test_a_bad_badging_item_is_named(geneva, write, tmp_path, item, message):
    physical_import(write(events="2026-03-01T08:00:00+01:00,GVA1,hall,H1,B1,granted,in\n"), actor=ACTOR)
    (tmp_path / "badging.json").write_text(json.dumps([item]), encoding="utf-8")
    with pytest.raises(PhysicalImportFailed) as failed:
        import_mapped(tmp_path / "badging.json", msbadging_rows, actor=ACTOR, where=lambda n: f"badging.json: item {n}")
    assert len(failed.value.problems) == 1 and failed.value.problems[0].startswith(message)
    assert BadgeEvent.objects.count() == 1
