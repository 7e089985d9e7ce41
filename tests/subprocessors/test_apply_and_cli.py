"""Due changes become effective (the task and `art28 subprocessor-changes-apply`), and the other commands:
`art28 subprocessor-change-announce ID` and `art28 subprocessors --at DATE --json` (S4)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.notify.models import Message
from art28.subprocessors.changes import change_announce, change_draft, changes_apply_due
from art28.subprocessors.models import ChangeStatus, SubProcessor
from art28.subprocessors.tasks import apply_due_changes
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import MAIL, SINCE, announced_addition, new_subprocessor

pytestmark = pytest.mark.django_db


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_an_addition_becomes_effective_on_its_day_not_before(sp_world):
    change = announced_addition([MAIL])
    day = change.effective_on
    assert changes_apply_due(day - dt.timedelta(days=1)) == []
    assert [c.pk for c in changes_apply_due(day)] == [change.pk]
    change.refresh_from_db()
    sp = SubProcessor.objects.get(slug="mailjet-us")
    assert change.status == ChangeStatus.EFFECTIVE
    assert (sp.in_use_from, sp.in_use_until) == (day, None)
    assert [s.name for s in sp.services.all()] == [MAIL]
    entry = AuditEntry.objects.get(action="subprocessor.change.effective")
    assert entry.actor_label == "subprocessor-changes-apply"
    assert entry.after["subprocessors"] == [{"slug": "mailjet-us", "in_use_from": str(day), "in_use_until": None}]
    assert changes_apply_due(day) == []  # twice changes nothing


def test_a_removal_ends_the_use_on_its_day(sp_world):
    draft = change_draft(actor=TEST_ACTOR, kind="removal", subprocessor=sp_world.helpdesk, summary="Ending it.")
    change = change_announce(actor=TEST_ACTOR, change=draft)
    changes_apply_due(change.effective_on)
    helpdesk = SubProcessor.objects.get(slug="helpdesk")
    assert (helpdesk.in_use_from, helpdesk.in_use_until) == (SINCE, change.effective_on)


def test_a_replacement_sets_both_dates_when_it_applies_to_everyone(sp_world):
    swiss = new_subprocessor("swissdesk", countries="CH")
    draft = change_draft(
        actor=TEST_ACTOR, kind="replacement", subprocessor=swiss, replaces=sp_world.helpdesk, summary="Cheaper."
    )
    change = change_announce(actor=TEST_ACTOR, change=draft)
    changes_apply_due(change.effective_on)
    swiss.refresh_from_db()
    helpdesk = SubProcessor.objects.get(slug="helpdesk")
    assert swiss.in_use_from == helpdesk.in_use_until == change.effective_on


def test_the_task_applies_what_is_due(sp_world):
    change = announced_addition([MAIL])
    from art28.subprocessors.models import Change

    Change.objects.filter(pk=change.pk).update(effective_on=timezone.localdate())
    assert apply_due_changes.call() == 1


def test_the_apply_command(sp_world):
    change = announced_addition([MAIL])
    out = cli("subprocessor_changes_apply", "--today", str(change.effective_on), "--json")
    assert json.loads(out) == [{"change": change.pk, "kind": "addition", "effective_on": str(change.effective_on)}]
    assert "0 change(s) made effective." in cli("subprocessor_changes_apply", "--today", str(change.effective_on))


def test_the_announce_command_announces_and_prints_the_date(sp_world):
    sp = new_subprocessor()
    draft = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary="x", services=[MAIL])
    out = cli("subprocessor_change_announce", str(draft.pk), "--json")
    expected = timezone.localdate() + dt.timedelta(days=30)
    assert json.loads(out) == {"change": draft.pk, "customers": 2, "effective_on": str(expected)}
    assert Message.objects.filter(source_id=draft.pk, topic="subprocessor.change").count() == 2
    assert AuditEntry.objects.get(action="subprocessor.change.announce").actor_label.startswith("cli:")


def test_the_announce_command_refuses_what_cannot_be_announced(sp_world):
    with pytest.raises(CommandError, match="no change #999"):
        cli("subprocessor_change_announce", "999")
    change = announced_addition([MAIL])
    with pytest.raises(CommandError, match="only a draft can be announced") as raised:
        cli("subprocessor_change_announce", str(change.pk))
    assert raised.value.returncode == 2


def test_the_register_command_at_a_past_date_as_json(sp_world):
    new_subprocessor("old-desk", countries="CH", in_use_from=dt.date(2020, 1, 1), in_use_until=SINCE)
    new_subprocessor("mailer", engaged_by="helpdesk", in_use_from=SINCE)
    past = json.loads(cli("subprocessors", "--at", "2022-06-30", "--json"))
    assert [row["slug"] for row in past] == ["old-desk"]
    today = json.loads(cli("subprocessors", "--json"))
    assert [(row["slug"], row["chain"], row["services"]) for row in today] == [
        ("mailer", ["helpdesk"], ["Web hosting"]),
        ("helpdesk", [], ["Web hosting"]),
    ]
    assert set(today[0]) >= {"legal_name", "countries", "transfer_safeguard", "in_use_from", "in_use_until"}
    assert "2 sub-processor(s) in use today." in cli("subprocessors")
