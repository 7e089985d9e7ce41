"""Improvement (ISO/IEC 27001:2022 clause 10.2 "Nonconformity and corrective action"; GDPR Art. 32(1)(d)):
a nonconformity raised from a failing control with its reasons, the root cause before any action, actions
with owners and due days, overdue ones shown, effectiveness verified only once every action is done (it
closes, or sends it back for a new cycle), the register as CSV, and the pages' refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from art28.core.audit import SystemActor, verify_chain
from art28.core.evidence import Collected
from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.evidence.collection import evidence_collect
from art28.evidence.improvement import (
    corrective_action_add,
    corrective_action_done,
    effectiveness_verify,
    nonconformity_raise,
    nonconformity_register,
    nonconformity_root_cause_set,
    overdue_actions,
)
from art28.evidence.models import CorrectiveAction, Nonconformity
from tests.conftest import logged_in
from tests.evidence.conftest import at

pytestmark = pytest.mark.django_db

BASE = "/staff/evidence/nonconformities/"


@pytest.fixture
def dpo(make_user):
    return make_user("dpo@example-hosting.ch", Role.DPO)


@pytest.fixture
def engineer(make_user):
    return make_user("engineer@example-hosting.ch", Role.OPERATIONS)


@pytest.fixture
def auditor_user(make_user):
    return make_user("auditor@audit.example", Role.AUDITOR)


@pytest.fixture
def dpo_client(dpo):
    return logged_in(dpo)


@pytest.fixture
def auditor_client(auditor_user):
    return logged_in(auditor_user)


def _nightly(passes: dict[int, bool]):
    """A nightly isolation collector whose night ``back`` days ago found a breach unless ``passes[back]``."""
    today = timezone.localdate()

    def collect(since, until):
        for back, passed in passes.items():
            day = today - dt.timedelta(days=back)
            if since <= at(day) < until:
                yield Collected(key=day.isoformat(), title=f"isolation run of {day}", effective_at=at(day),
                                data={"breaches": 0 if passed else 1}, passed=passed)  # fmt: skip

    return collect


@pytest.fixture
def failing(measure, register):
    """The isolation control, whose latest night found a breach."""
    register("test.isolation", _nightly({2: True, 1: False}), valid_days=2)
    measure.evidence_sources = ["test.isolation"]
    measure.save()
    evidence_collect(actor=SystemActor("test"), until=timezone.now())
    return measure


def _raised(actor, **fields) -> Nonconformity:
    values = {"source": "internal-audit", "title": "Access review skipped", "description": "Q1 review not held.",
              "source_ref": "IA-2026-1"} | fields  # fmt: skip
    return nonconformity_raise(actor=actor, **values)


def _planned(actor, owner, *, due_in: int = 14) -> tuple[Nonconformity, CorrectiveAction]:
    nc = _raised(actor)
    nonconformity_root_cause_set(actor=actor, nonconformity=nc, root_cause="No one owns the review.")
    action = corrective_action_add(actor=actor, nonconformity=nc, description="Name an owner.", owner=owner,
                                   due_on=timezone.localdate() + dt.timedelta(days=due_in))  # fmt: skip
    nc.refresh_from_db()
    return nc, action


def _actions(**kwargs) -> list[str]:
    return list(AuditEntry.objects.filter(**kwargs).order_by("seq").values_list("action", flat=True))


# --- raising ------------------------------------------------------------------------------------------


def test_raising_from_a_failing_control_prefills_its_reasons_iso_27001_10_2_a(dpo, failing):
    nc = nonconformity_raise(actor=dpo, source="failing-control", control=failing)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert re.fullmatch(rf"NC-{timezone.localdate().year}-001", nc.ref)
    assert nc.status == "open" and nc.source_ref == failing.ref and nc.control == failing
    assert "Tenant isolation" in nc.title and "failing" in nc.title
    assert f"the test.isolation collector: isolation run of {yesterday}" in nc.description
    entry = AuditEntry.objects.get(action="nonconformity.raise")
    assert entry.object_id == str(nc.pk) and entry.after["control"] == failing.ref and entry.actor_label == dpo.email


def test_a_control_no_longer_failing_leaves_the_description_to_the_person(dpo, measure, register):
    """A problem found earlier and not by the latest evidence: nothing to prefill, the person describes it."""
    register("test.isolation", _nightly({2: False, 1: True}), valid_days=2)
    measure.evidence_sources = ["test.isolation"]
    measure.save()
    evidence_collect(actor=SystemActor("test"), until=timezone.now())
    with pytest.raises(ValidationError) as refused:
        nonconformity_raise(actor=dpo, source="failing-control", control=measure)
    assert {"title", "description"} <= set(refused.value.message_dict)
    nc = nonconformity_raise(actor=dpo, source="failing-control", control=measure, title="Breach two nights ago",
                             description="The run of two nights ago found VLAN 12 open.")  # fmt: skip
    assert nc.source_ref == measure.ref


def test_a_failing_control_source_names_the_control(dpo):
    with pytest.raises(ValidationError) as refused:
        nonconformity_raise(actor=dpo, source="failing-control", title="x", description="y")
    assert "control" in refused.value.message_dict


def test_references_are_numbered_per_year_of_the_day_found(dpo):
    year = timezone.localdate().year
    first, second = _raised(dpo), _raised(dpo)
    older = _raised(dpo, raised_on=dt.date(year - 1, 12, 30))
    assert (first.ref, second.ref, older.ref) == (f"NC-{year}-001", f"NC-{year}-002", f"NC-{year - 1}-001")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"source": "rumour"}, "source"),
        ({"source_ref": "INC 2026 1"}, "source_ref"),
        ({"raised_on": dt.date.today() + dt.timedelta(days=2)}, "raised_on"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(dpo, fields, field):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        _raised(dpo, **fields)
    assert field in refused.value.message_dict
    assert not Nonconformity.objects.exists() and AuditEntry.objects.count() == entries


def test_only_evidence_writers_raise(auditor_user, engineer):
    for actor in (auditor_user, engineer):
        with pytest.raises(PermissionDenied):
            _raised(actor)


# --- root cause, actions, effectiveness ------------------------------------------------------------------


def test_the_root_cause_comes_before_any_corrective_action_iso_27001_10_2_b(dpo, engineer):
    nc = _raised(dpo)
    with pytest.raises(ValidationError) as refused:
        corrective_action_add(actor=dpo, nonconformity=nc, description="Do it.", owner=engineer,
                              due_on=timezone.localdate())  # fmt: skip
    assert "root_cause" in refused.value.message_dict and not CorrectiveAction.objects.exists()
    with pytest.raises(ValidationError) as refused:
        nonconformity_root_cause_set(actor=dpo, nonconformity=nc, root_cause="  ")
    assert "root_cause" in refused.value.message_dict
    nonconformity_root_cause_set(actor=dpo, nonconformity=nc, root_cause="No owner.")
    nc.refresh_from_db()
    assert nc.status == "open" and nc.root_cause == "No owner."


def test_actions_have_an_owner_of_the_staff_and_a_due_day(dpo, engineer, auditor_user):
    nc, action = _planned(dpo, engineer)
    assert nc.status == "actions-planned" and action.owner == engineer and action.cycle == 1
    for owner, due, field in ((auditor_user, 3, "owner"), (engineer, -1, "due_on")):
        with pytest.raises(ValidationError) as refused:
            corrective_action_add(actor=dpo, nonconformity=nc, description="More.", owner=owner,
                                  due_on=timezone.localdate() + dt.timedelta(days=due))  # fmt: skip
        assert field in refused.value.message_dict
    assert CorrectiveAction.objects.count() == 1


def test_effectiveness_cannot_be_verified_while_an_action_is_open_iso_27001_10_2_d(dpo, engineer):
    nc, action = _planned(dpo, engineer)
    with pytest.raises(ValidationError) as refused:
        effectiveness_verify(actor=dpo, nonconformity=nc, effective=True, note="Looks fine.")
    assert "1 corrective action(s) still open" in refused.value.message_dict["effective"][0]
    with pytest.raises(ValidationError) as refused:
        corrective_action_done(actor=dpo, action=action, note="")
    assert "note" in refused.value.message_dict
    corrective_action_done(actor=dpo, action=action, note="Owner named in the ISMS manual, rev. 7.")
    nc.refresh_from_db()
    assert nc.status == "verifying"
    with pytest.raises(ValidationError) as refused:
        corrective_action_done(actor=dpo, action=action, note="Again.")
    assert "action" in refused.value.message_dict


def test_verified_effective_closes_it_and_it_stays_closed(dpo, engineer):
    nc, action = _planned(dpo, engineer)
    corrective_action_done(actor=dpo, action=action, note="Owner named.")
    closed = effectiveness_verify(actor=dpo, nonconformity=nc, effective=True, note="Q2 review held on time.")
    assert closed.status == "closed" and closed.effectiveness_verified_by == dpo
    assert closed.effectiveness_verified_on == timezone.localdate() and closed.effectiveness_note.startswith("Q2")
    with pytest.raises(ValidationError) as refused:
        nonconformity_root_cause_set(actor=dpo, nonconformity=closed, root_cause="Something else.")
    assert "status" in refused.value.message_dict


def test_not_effective_goes_back_to_planning_for_a_new_cycle(dpo, engineer):
    nc, action = _planned(dpo, engineer)
    corrective_action_done(actor=dpo, action=action, note="Owner named.")
    with pytest.raises(ValidationError) as refused:
        effectiveness_verify(actor=dpo, nonconformity=nc, effective=False, note="")
    assert "note" in refused.value.message_dict
    back = effectiveness_verify(actor=dpo, nonconformity=nc, effective=False, note="Q2 review skipped again.")
    assert (back.status, back.cycle, back.effectiveness_note) == ("actions-planned", 2, "Q2 review skipped again.")
    with pytest.raises(ValidationError) as refused:  # nothing new was done: plan first
        effectiveness_verify(actor=dpo, nonconformity=back, effective=True, note="?")
    assert "effective" in refused.value.message_dict
    second = corrective_action_add(actor=dpo, nonconformity=back, description="Calendar reminder.", owner=engineer,
                                   due_on=timezone.localdate())  # fmt: skip
    assert second.cycle == 2


def test_a_control_still_failing_is_not_verified_effective(dpo, engineer, failing):
    nc = nonconformity_raise(actor=dpo, source="failing-control", control=failing)
    nonconformity_root_cause_set(actor=dpo, nonconformity=nc, root_cause="VLAN left open by a script.")
    action = corrective_action_add(actor=dpo, nonconformity=nc, description="Fix the script.", owner=engineer,
                                   due_on=timezone.localdate())  # fmt: skip
    corrective_action_done(actor=dpo, action=action, note="Script fixed.")
    with pytest.raises(ValidationError) as refused:
        effectiveness_verify(actor=dpo, nonconformity=nc, effective=True, note="Fixed.")
    assert "still failing" in refused.value.message_dict["effective"][0]


def test_every_change_writes_one_audit_entry_and_the_chain_holds(dpo, engineer):
    nc, action = _planned(dpo, engineer)
    nonconformity_root_cause_set(actor=dpo, nonconformity=nc, root_cause="No one owns the review.")  # no change
    corrective_action_done(actor=dpo, action=action, note="Owner named.")
    effectiveness_verify(actor=dpo, nonconformity=nc, effective=True, note="Held on time.")
    assert _actions(object_type="evidence.nonconformity") == [
        "nonconformity.raise", "nonconformity.root_cause_set", "nonconformity.effectiveness_verify"]  # fmt: skip
    assert _actions(object_type="evidence.correctiveaction") == [
        "nonconformity.action_add",
        "nonconformity.action_done",
    ]
    assert verify_chain().ok


# --- reads -----------------------------------------------------------------------------------------------


def test_overdue_actions_are_those_past_due_and_not_done(dpo, engineer):
    nc, late = _planned(dpo, engineer)
    CorrectiveAction.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    corrective_action_add(actor=dpo, nonconformity=nc, description="On time.", owner=engineer,
                          due_on=timezone.localdate())  # fmt: skip
    assert list(overdue_actions()) == [late]
    row = nonconformity_register(overdue=True).get()
    assert (row.actions_total, row.actions_open, row.actions_overdue) == (2, 2, 1)
    assert not nonconformity_register(status="closed").exists()


# --- pages -----------------------------------------------------------------------------------------------


def test_the_new_page_prefills_from_a_failing_control_and_raises_it(dpo_client, failing):
    page = dpo_client.get(f"{BASE}new/?control={failing.ref}").content.decode()
    assert 'value="failing-control" selected' in page and "isolation run of" in page
    form = {"source": "failing-control", "control": failing.ref, "title": "", "description": "", "source_ref": "",
            "raised_on": timezone.localdate().isoformat()}  # fmt: skip
    response = dpo_client.post(f"{BASE}new/", form)
    nc = Nonconformity.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}{nc.ref}/"
    assert "isolation run of" in nc.description


def test_the_control_page_offers_to_raise_a_nonconformity_to_writers(dpo_client, auditor_client, failing):
    url = f"/staff/evidence/controls/{failing.ref}/"
    assert f"{BASE}new/?control={failing.ref}" in dpo_client.get(url).content.decode()
    assert f"{BASE}new/" not in auditor_client.get(url).content.decode()


def test_the_whole_cycle_through_the_pages(dpo_client, dpo, engineer):
    nc = _raised(dpo)
    url = f"{BASE}{nc.ref}/"
    assert "Not found yet" in dpo_client.get(url).content.decode()
    assert dpo_client.post(f"{url}root-cause/", {"cause-root_cause": "No owner."}).status_code == 302
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    action = {"action-description": "Name an owner.", "action-owner": engineer.pk, "action-due_on": due}
    assert dpo_client.post(f"{url}actions/", action).status_code == 302
    planned = CorrectiveAction.objects.get()
    page = dpo_client.get(url).content.decode()
    assert "engineer@example-hosting.ch" in page and "actions planned" in page and 'id="verify-form"' not in page
    done = {f"done-{planned.pk}-done_on": timezone.localdate().isoformat(), f"done-{planned.pk}-note": "Named."}
    assert dpo_client.post(f"{url}actions/{planned.pk}/done/", done).status_code == 302
    assert 'id="verify-form"' in dpo_client.get(url).content.decode()
    verify = {"verify-effective": "effective", "verify-verified_on": timezone.localdate().isoformat(),
              "verify-note": "Held on time."}  # fmt: skip
    assert dpo_client.post(f"{url}effectiveness/", verify).status_code == 302
    page = dpo_client.get(url).content.decode()
    assert "Verified effective, closed: Held on time." in page and "Action planned for engineer@" in page
    assert 'id="action-form"' not in page and 'id="root-cause-form"' not in page


def test_planning_without_a_root_cause_is_a_400_next_to_the_form(dpo_client, dpo, engineer):
    nc = _raised(dpo)
    before = AuditEntry.objects.count()
    action = {"action-description": "Do it.", "action-owner": engineer.pk,
              "action-due_on": timezone.localdate().isoformat()}  # fmt: skip
    response = dpo_client.post(f"{BASE}{nc.ref}/actions/", action)
    assert response.status_code == 400 and "Find the root cause first" in response.content.decode()
    assert not CorrectiveAction.objects.exists() and AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("actions/", {"action-description": "", "action-owner": "", "action-due_on": "2020-01-01"}, "required"),
        ("actions/", {"action-description": "x", "action-owner": 0, "action-due_on": "2020-01-01"}, "valid choice"),
        ("root-cause/", {"cause-root_cause": ""}, "required"),
        (
            "effectiveness/",
            {"verify-effective": "effective", "verify-verified_on": "2020-01-01", "verify-note": "Fine."},
            "still open",
        ),
        ("effectiveness/", {"verify-effective": "maybe"}, "valid choice"),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(dpo_client, dpo, engineer, path, data, message):
    nc, _action = _planned(dpo, engineer)
    before = (AuditEntry.objects.count(), CorrectiveAction.objects.count(), nc.status, nc.root_cause)
    response = dpo_client.post(f"{BASE}{nc.ref}/{path}", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert "Nothing was changed" in response.content.decode()
    nc.refresh_from_db()
    assert (AuditEntry.objects.count(), CorrectiveAction.objects.count(), nc.status, nc.root_cause) == before


def test_a_future_done_day_is_a_400_next_to_its_field(dpo_client, dpo, engineer):
    nc, action = _planned(dpo, engineer)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = dpo_client.post(f"{BASE}{nc.ref}/actions/{action.pk}/done/",
                               {f"done-{action.pk}-done_on": tomorrow, f"done-{action.pk}-note": "Done."})  # fmt: skip
    assert response.status_code == 400 and "not in the future" in response.content.decode()
    action.refresh_from_db()
    assert action.done_on is None


def test_the_register_shows_counts_and_overdue_actions_and_filters(auditor_client, dpo, engineer):
    nc, late = _planned(dpo, engineer)
    _raised(dpo, source="external-audit", title="Visitor log incomplete")
    CorrectiveAction.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    page = auditor_client.get(BASE).content.decode()
    assert "1 corrective action is overdue" in page and nc.ref in page and "Visitor log incomplete" in page
    assert "Raise a nonconformity" not in page  # the auditor reads
    overdue_only = auditor_client.get(f"{BASE}?overdue=on").content.decode()
    assert nc.ref in overdue_only and "Visitor log incomplete" not in overdue_only
    by_source = auditor_client.get(f"{BASE}?source=external-audit").content.decode()
    assert "Visitor log incomplete" in by_source and "Access review skipped" not in by_source
    assert "No nonconformity with these filters." in auditor_client.get(f"{BASE}?status=closed").content.decode()


def test_the_empty_register_says_what_to_do(auditor_client):
    assert "No nonconformity yet. Raise one when a control fails" in auditor_client.get(BASE).content.decode()


def test_the_register_as_csv(auditor_client, dpo, engineer):
    nc, action = _planned(dpo, engineer)
    _raised(dpo, title='=HYPERLINK("x")')
    response = auditor_client.get(f"{BASE}?format=csv&status=actions-planned")
    assert response["Content-Disposition"].startswith('attachment; filename="nonconformities-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert list(row)[:8] == ["ref", "title", "source", "source_ref", "control", "raised_on", "raised_by", "status"]
    assert (row["ref"], row["status"], row["root_cause"], row["actions"], row["actions_open"]) == (
        nc.ref, "actions-planned", "No one owns the review.", "1", "1")  # fmt: skip
    assert (
        row["corrective_actions"]
        == f"engineer@example-hosting.ch, due {action.due_on.isoformat()}, open: Name an owner."
    )
    everything = b"".join(auditor_client.get(f"{BASE}?format=csv").streaming_content).decode()
    assert "'=HYPERLINK" in everything  # a formula is neutralised (CSV injection)


def test_an_auditor_reads_every_page_and_is_refused_every_write(auditor_client, dpo, engineer):
    nc, action = _planned(dpo, engineer)
    assert auditor_client.get(BASE).status_code == 200
    page = auditor_client.get(f"{BASE}{nc.ref}/")
    assert page.status_code == 200 and "<form" not in page.content.decode().split("<main", 1)[-1].split("</main>")[0]
    for path in ("new/", f"{nc.ref}/root-cause/", f"{nc.ref}/actions/", f"{nc.ref}/actions/{action.pk}/done/",
                 f"{nc.ref}/effectiveness/"):  # fmt: skip
        assert auditor_client.post(f"{BASE}{path}", {}).status_code == 403, path
    assert auditor_client.get(f"{BASE}NC-1999-001/").status_code == 404


def test_the_dashboard_counts_unclosed_nonconformities_and_overdue_actions(auditor_client, dpo, engineer):
    _nc, late = _planned(dpo, engineer)
    CorrectiveAction.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    page = auditor_client.get("/staff/").content.decode()
    assert "1 nonconformity not closed, 1 corrective action overdue" in page
