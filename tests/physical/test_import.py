"""`art28 physical-import` (issue 16, docs/physical.md "Formats"): what lands, idempotent re-import, and bad
input named FILE:LINE: field with nothing landing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.physical.importer import PhysicalImportFailed, physical_import
from art28.physical.models import Authorisation, BadgeEvent, BadgeHolding, Door, Person, Zone
from tests.physical.conftest import ACTOR

pytestmark = pytest.mark.django_db
AUTH_HEADER = "person,site,zone,from,until,days,hours,approved_by\n"

EVENTS = (
    "2026-03-27T08:00:00+01:00,GVA1,hall,H1,B1,granted,in\n"
    "2026-03-27T08:00:05+01:00,GVA1,hall,H1,B1,granted,out\n"
    "2026-10-25T02:30:00+01:00,GVA1,cage-7,C7,B3,denied,in\n"
)


def test_everything_lands_with_the_sites_clock(geneva, write):
    report = physical_import(write(events=EVENTS), actor=ACTOR)
    assert Zone.objects.get(name="cage-7").security_class == 4
    assert Person.objects.get(ref="P2").left_on == dt.date(2026, 6, 30)
    assert BadgeHolding.objects.get(badge="B4").held_until == dt.date(2026, 4, 30)
    night = Authorisation.objects.get(person__ref="P3")
    assert (night.days, night.start_minute, night.end_minute, night.approved_by.ref) == (0b11111, 22 * 60, 6 * 60, "P1")
    assert Authorisation.objects.get(person__ref="P2").valid_until == dt.date(2026, 5, 31)
    assert set(Door.objects.values_list("name", "zone__name")) == {("H1", "hall"), ("C7", "cage-7")}
    autumn = BadgeEvent.objects.get(badge="B3")
    # 01:30 UTC is 02:30 on the site's clock after the autumn change; a Sunday.
    assert (autumn.local_date, autumn.local_weekday, autumn.local_minute) == (dt.date(2026, 10, 25), 6, 150)
    assert report.counts["events.csv"] == {"created": 3, "already known": 0}
    entry = AuditEntry.objects.get(action="physical.import")
    assert entry.after["counts"]["people.csv"] == {"created": 3} and len(entry.after["sha256"]) == 5


def test_importing_the_same_files_again_changes_nothing(geneva, write):
    folder = write(events=EVENTS)
    physical_import(folder, actor=ACTOR)
    again = physical_import(folder, actor=ACTOR)
    assert again.counts["events.csv"] == {"created": 0, "already known": 3}
    assert again.counts["zones.csv"] == {"unchanged": 2}
    assert (BadgeEvent.objects.count(), Authorisation.objects.count(), BadgeHolding.objects.count()) == (3, 3, 4)


def test_a_person_with_a_users_email_is_that_user(geneva, write, make_user):
    dpo = make_user("dpo@provider.example", Role.DPO)
    people = "ref,name,employer,kind,left_on,email\nP1,Anna Day,Provider SA,staff,,DPO@provider.example\n"
    physical_import(write(people=people, badges=None, authorisations=None), actor=ACTOR)
    assert Person.objects.get(ref="P1").user == dpo


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"zones": "site,zone,security_class\nGVA1,hall,5\n"}, "zones.csv:2: security_class: '5' is not 1, 2, 3 or 4"),
        ({"zones": "site,zone,security_class\nZRH9,hall,3\n"}, "zones.csv:2: site: 'ZRH9' is not a site"),
        ({"zones": "site,zone\nGVA1,hall\n"}, "zones.csv:1: missing column(s) security_class"),
        ({"people": "ref,name,employer,kind,left_on\nP1,Anna,X,intern,\n"}, "people.csv:2: kind: 'intern'"),
        ({"people": "ref,name,employer,kind,left_on\nP1,Anna,X,staff,31.12.2026\n"},
         "people.csv:2: left_on: '31.12.2026' is not a date (YYYY-MM-DD)"),
        ({"badges": "badge,person,from,until\nB1,P7,2026-01-01,\n"}, "badges.csv:2: person: no person 'P7'"),
        ({"badges": "badge,person,from,until\nB1,P1,2026-02-01,2026-01-01\n"},
         "badges.csv:2: until: 2026-01-01 is before from (2026-02-01)"),
        ({"authorisations": "person,site,zone,from,until,days,hours,approved_by\nP1,GVA1,hall,2026-01-01,,mon-fry,,\n"},
         "authorisations.csv:2: days: 'mon-fry' is not a weekday"),
        ({"authorisations": "person,site,zone,from,until,days,hours,approved_by\nP1,GVA1,hall,2026-01-01,,,7-19,\n"},
         "authorisations.csv:2: hours: '7-19' is not a window of hours"),
        ({"authorisations": AUTH_HEADER + "P1,GVA1,hall,2026-01-01,,,08:00-08:00,\n"},
         "authorisations.csv:2: hours: '08:00-08:00' is an empty window"),
        ({"authorisations": "person,site,zone,from,until,days,hours,approved_by\nP1,GVA1,roof,2026-01-01,,,,\n"},
         "authorisations.csv:2: zone: GVA1 has no zone 'roof'"),
        ({"authorisations": "person,site,zone,from,until,days,hours,approved_by\nP1,GVA1,hall,2026-01-01,,,,P9\n"},
         "authorisations.csv:2: approved_by: no person 'P9'"),
    ],
)  # fmt: skip
def test_a_bad_row_is_named_and_nothing_lands(geneva, write, files, message):
    with pytest.raises(PhysicalImportFailed) as failed:
        physical_import(write(events=EVENTS, **files), actor=ACTOR)
    assert any(problem.startswith(message) for problem in failed.value.problems), failed.value.problems
    assert not (Zone.objects.exists() or Person.objects.exists() or BadgeEvent.objects.exists())
    assert not AuditEntry.objects.filter(action="physical.import").exists()


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("2026-03-27T08:00:00,GVA1,hall,H1,B1,granted,in", "events.csv:3: time: '2026-03-27T08:00:00' has no offset"),
        ("2026-03-27T08:00:00+01:00,GVA1,hall,H1,B1,opened,in", "events.csv:3: result: 'opened'"),
        ("2026-03-27T08:00:00+01:00,GVA1,hall,H1,B1,granted,up", "events.csv:3: direction: 'up' is not in or out"),
        ("2026-03-27T08:00:00+01:00,GVA1,cage-7,H1,B1,granted,in", "events.csv:3: door: 'H1' of GVA1 leads into hall"),
        ("2026-03-27T08:00:00+01:00,GVA1,hall,H1,B1,granted", "events.csv:3: 6 fields, the header has 7"),
    ],
)  # fmt: skip
def test_a_bad_event_is_named_and_no_event_lands(geneva, write, event, message):
    folder = write(events="2026-03-27T07:00:00+01:00,GVA1,hall,H1,B1,granted,in\n" + event + "\n")
    with pytest.raises(PhysicalImportFailed) as failed:
        physical_import(folder, actor=ACTOR)
    assert any(problem.startswith(message) for problem in failed.value.problems), failed.value.problems
    assert not BadgeEvent.objects.exists() and not Door.objects.exists()


def test_the_command_lists_every_problem_and_exits_1(geneva, write, capsys):
    zones = "site,zone,security_class\nGVA1,hall,0\nGVA1,cage-7,9\n"
    with pytest.raises(CommandError) as failed:
        call_command("physical_import", str(write(zones=zones, people=None, badges=None, authorisations=None)))
    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert "zones.csv:2: security_class" in err and "zones.csv:3: security_class" in err


def test_the_command_prints_the_counts(geneva, write, capsys):
    call_command("physical_import", str(write(events=EVENTS)))
    out = capsys.readouterr().out
    assert "events.csv" in out and "3 created" in out


def test_a_folder_without_any_of_the_files_is_refused(tmp_path, db):
    with pytest.raises(PhysicalImportFailed, match=r"none of zones\.csv"):
        physical_import(tmp_path, actor=ACTOR)


@pytest.mark.parametrize(
    ("written", "read_back"),
    [("mon-fri", "mon-fri"), ("mon;tue;wed;thu;fri", "mon-fri"), ("sat-mon", "mon;sat;sun"), ("mon;wed", "mon;wed"),
     ("mon-wed;sat", "mon-wed;sat"), ("", ""), ("mon-sun", "")],
)  # fmt: skip
def test_weekdays_are_written_back_in_the_form_they_are_read(written, read_back):
    from art28.physical.schedule import format_days, parse_days

    assert format_days(parse_days(written)) == read_back
    assert parse_days(format_days(parse_days(written))) == parse_days(written)


def test_a_zone_may_name_its_assets_and_an_unknown_one_is_refused(geneva, write):
    from art28.inventory.models import Asset

    Asset.objects.create(ref="rack-c7-01", kind="rack", site=geneva)
    zones = "site,zone,security_class,assets\nGVA1,hall,3,\nGVA1,cage-7,4,rack-c7-01\n"
    physical_import(write(zones=zones, people=None, badges=None, authorisations=None), actor=ACTOR)
    assert list(Zone.objects.get(name="cage-7").assets.values_list("ref", flat=True)) == ["rack-c7-01"]
    with pytest.raises(PhysicalImportFailed) as failed:
        physical_import(write("again", zones=zones.replace("rack-c7-01", "rack-c7-01;rack-c7-99"), people=None,
                              badges=None, authorisations=None), actor=ACTOR)  # fmt: skip
    assert failed.value.problems == ["zones.csv:3: assets: 'rack-c7-99' is not an asset of the inventory"]
    assert Zone.objects.get(name="cage-7").assets.count() == 1
