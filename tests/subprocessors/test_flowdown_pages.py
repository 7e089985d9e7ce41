"""What people see of flow-down agreements (GDPR Art. 28(4), nFADP Art. 9(3)): staff record and download them
on the sub-processor's page; a draft change says why it cannot be announced; customers and the public see the
date the agreement is in place since and the duties covered, never the document or its name; and
`art28 flowdown-record` records one from the shell, refusing bad input with exit status 1."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.notify.models import Message
from art28.subprocessors.changes import change_draft
from art28.subprocessors.models import ChangeStatus, FlowDownAgreement, FlowDownClause
from tests.conftest import TEST_ACTOR, logged_in
from tests.subprocessors.fixtures import MAIL, SINCE, WEB, agreement_for, announced_addition, new_subprocessor

pytestmark = pytest.mark.django_db
BASE = "/staff/subprocessors/"
SECRET_NAME = "helpdesk-confidential-contract.pdf"
SECRET_BYTES = b"%PDF-1.7 the helpdesk's signed contract, TOPSECRET"


def upload(content: bytes = SECRET_BYTES, name: str = "signed.pdf", **fields) -> dict:
    return {
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        "signed_on": "2025-04-01",
        "clauses": FlowDownClause.values,
        "valid_until": "",
    } | fields


# --- staff -----------------------------------------------------------------------------------------------------


def test_the_dpo_records_an_agreement_on_the_sub_processors_page_and_downloads_it(sp_world, dpo_client):
    sp = new_subprocessor(agreement=False)
    page = dpo_client.get(f"{BASE}mailjet-us/").content.decode()
    assert "Flow-down agreement" in page and "No flow-down agreement recorded." in page

    response = dpo_client.post(f"{BASE}mailjet-us/agreements/", upload(name="deliverability-dpa.pdf"), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "recorded with its SHA-256; it is in place." in page
    assert f"Agreement in place since {date_format(dt.date(2025, 4, 1))}" in page
    assert "deliverability-dpa.pdf" in page and hashlib.sha256(SECRET_BYTES).hexdigest() in page
    assert "dpo@provider.example" in page  # who recorded it
    assert "(h) information and audits" in page

    agreement = FlowDownAgreement.objects.get(subprocessor=sp)
    document = dpo_client.get(f"{BASE}mailjet-us/agreements/{agreement.pk}/document/")
    assert document.status_code == 200 and document.content == SECRET_BYTES
    assert document["Content-Type"] == "application/pdf"
    assert document["Content-Disposition"] == 'attachment; filename="deliverability-dpa.pdf"'
    assert document["X-Content-Type-Options"] == "nosniff"


def test_an_incomplete_agreement_is_recorded_with_a_warning_and_shown_so(sp_world, dpo_client):
    new_subprocessor(agreement=False)
    covered = [code for code in FlowDownClause.values if code != FlowDownClause.DELETION_RETURN]
    page = dpo_client.post(f"{BASE}mailjet-us/agreements/", upload(clauses=covered), follow=True).content.decode()
    assert "but it is incomplete: it does not cover (g) deletion or return of the data at the end" in page
    assert "The agreement in effect, signed on" in page and "is incomplete: it does not count as in place" in page
    assert "Agreement in place since" not in page


def test_a_refused_upload_shows_the_errors_and_records_nothing(sp_world, dpo_client):
    new_subprocessor(agreement=False)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = dpo_client.post(f"{BASE}mailjet-us/agreements/", upload(content=b"", signed_on=tomorrow, clauses=[]))
    page = response.content.decode()
    assert response.status_code == 400 and "Nothing was recorded" in page
    assert "This field is required." in page and "The submitted file is empty." in page
    response = dpo_client.post(f"{BASE}mailjet-us/agreements/", upload(signed_on=tomorrow))
    assert response.status_code == 400 and "is in the future: record an agreement once it is signed." in (
        response.content.decode()
    )
    assert not FlowDownAgreement.objects.filter(subprocessor__slug="mailjet-us").exists()


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR])
def test_read_only_staff_see_and_download_but_cannot_record(sp_world, make_user, role):
    client = logged_in(make_user(f"{role}@provider.example", role))
    agreement = sp_world.helpdesk.flowdown_agreements.get()
    page = client.get(f"{BASE}helpdesk/").content.decode()
    assert "helpdesk-dpa.pdf" in page and "Record a signed agreement" not in page
    assert client.get(f"{BASE}helpdesk/agreements/{agreement.pk}/document/").status_code == 200
    assert client.post(f"{BASE}helpdesk/agreements/", upload()).status_code == 403
    assert sp_world.helpdesk.flowdown_agreements.count() == 1


def test_a_document_is_served_only_under_its_own_sub_processor(sp_world, dpo_client):
    new_subprocessor()
    other = FlowDownAgreement.objects.get(subprocessor__slug="mailjet-us")
    assert dpo_client.get(f"{BASE}helpdesk/agreements/{other.pk}/document/").status_code == 404


def test_a_draft_change_says_why_it_cannot_be_announced_and_the_announcement_is_refused(sp_world, dpo_client):
    sp = new_subprocessor(agreement=False)
    change = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary="Better.", services=[MAIL])
    page = dpo_client.get(f"{BASE}changes/{change.pk}/").content.decode()
    assert "Deliverability Inc. has no flow-down agreement in effect" in page
    assert f"{BASE}mailjet-us/#flowdown-h" in page
    response = dpo_client.post(f"{BASE}changes/{change.pk}/announce/", {"effective_on": ""})
    assert response.status_code == 400
    assert "Deliverability Inc. has no flow-down agreement in effect" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.DRAFT and Message.objects.count() == 0

    agreement_for(sp, clauses=[code for code in FlowDownClause.values if code != FlowDownClause.AUDITS])
    page = dpo_client.get(f"{BASE}changes/{change.pk}/").content.decode()
    assert "is incomplete" in page and "(h) information and audits" in page
    agreement_for(sp, signed_on=dt.date(2024, 6, 1), content=b"%PDF-1.7 complete")
    page = dpo_client.get(f"{BASE}changes/{change.pk}/").content.decode()
    assert "flow-down agreement in effect" not in page and "is incomplete" not in page
    assert dpo_client.post(f"{BASE}changes/{change.pk}/announce/", {"effective_on": ""}).status_code == 302


def test_the_register_flags_an_entry_in_use_without_an_agreement(sp_world, dpo_client):
    new_subprocessor("postbox", legal_name="Postbox Ltd", countries="CH", in_use_from=SINCE, agreement=False)
    page = dpo_client.get(BASE).content.decode()
    row = page[page.index("Postbox Ltd") : page.index("</tr>", page.index("Postbox Ltd"))]
    assert "no flow-down agreement" in row
    helpdesk = page[page.index("Helvetia Helpdesk AG") : page.index("</tr>", page.index("Helvetia Helpdesk AG"))]
    assert "no flow-down agreement" not in helpdesk
    csv = b"".join(dpo_client.get(BASE + "?format=csv").streaming_content).decode()
    assert "Flow-down agreement in place since" in csv and "2024-01-01" in csv


# --- customers and the public ------------------------------------------------------------------------------------


def record_secret_agreement(sp_world) -> FlowDownAgreement:
    return agreement_for(sp_world.helpdesk, signed_on=dt.date(2025, 5, 20), content=SECRET_BYTES, file_name=SECRET_NAME)


def assert_no_document(text: str) -> None:
    assert SECRET_NAME not in text and "helpdesk-dpa.pdf" not in text
    assert hashlib.sha256(SECRET_BYTES).hexdigest() not in text and "TOPSECRET" not in text


def test_the_customer_sees_agreement_in_place_since_never_the_document(sp_world, acme_admin):
    record_secret_agreement(sp_world)
    new_subprocessor("unbound", legal_name="Unbound AG", countries="CH", in_use_from=SINCE, services=[WEB],
                     agreement=False)  # fmt: skip
    page = logged_in(acme_admin).get("/portal/subprocessors/").content.decode()
    helpdesk = page[page.index("Helvetia Helpdesk AG") : page.index("</tr>", page.index("Helvetia Helpdesk AG"))]
    assert f"Agreement in place since {date_format(dt.date(2025, 5, 20))}" in helpdesk
    unbound = page[page.index("Unbound AG") : page.index("</tr>", page.index("Unbound AG"))]
    assert "Agreement in place" not in unbound and "no agreement" not in unbound.lower()  # staff pages only
    assert_no_document(page)


def test_the_customer_sees_the_agreement_of_an_announced_sub_processor_on_the_change_page(sp_world, acme_admin):
    change = announced_addition([WEB])
    page = logged_in(acme_admin).get(f"/portal/subprocessors/changes/{change.pk}/").content.decode()
    assert f"Agreement in place since {date_format(SINCE)}" in page
    assert "(c) the security measures of Art. 32" in page
    assert "mailjet-us-dpa.pdf" not in page


def test_the_trust_center_json_and_feed_show_the_date_and_the_duties_never_the_document(sp_world, client: Client):
    record_secret_agreement(sp_world)
    change = announced_addition([WEB])
    page = client.get("/en/trust/").content.decode()
    card = page[page.index('id="sp-helpdesk"') : page.index("</article>", page.index('id="sp-helpdesk"'))]
    assert f"Agreement in place since {date_format(dt.date(2025, 5, 20))}" in card
    assert "(g) deletion or return of the data at the end" in card
    upcoming = page[page.index(f'id="change-{change.pk}"') :]
    assert f"Agreement in place since {date_format(SINCE)}" in upcoming[: upcoming.index("</article>")]
    assert_no_document(page)

    text = client.get("/trust/subprocessors.json").content.decode()
    document = json.loads(text)
    [helpdesk] = document["subprocessors"]
    assert helpdesk["flow_down_agreement"] == {
        "signed_on": "2025-05-20",
        "valid_until": None,
        "clauses": FlowDownClause.values,
    }
    assert document["upcoming_changes"][0]["subprocessor"]["flow_down_agreement"]["signed_on"] == "2024-01-01"
    assert_no_document(text)
    assert "mailjet-us-dpa.pdf" not in text

    feed = client.get("/en/trust/subprocessors.atom").content.decode()
    assert (
        "Deliverability Inc. is bound by an agreement with the same data protection obligations, in place since "
        "2024-01-01 (GDPR Art. 28(4))."
    ) in feed
    assert "mailjet-us-dpa.pdf" not in feed


def test_the_public_sees_nothing_of_an_incomplete_agreement(sp_world, client: Client):
    agreement_for(sp_world.helpdesk, signed_on=dt.date(2025, 5, 20), clauses=["a", "b"], content=b"narrower")
    document = client.get("/trust/subprocessors.json").json()
    assert document["subprocessors"][0]["flow_down_agreement"] is None
    assert "Agreement in place since" not in client.get("/en/trust/").content.decode()


def test_the_api_names_the_agreement_in_place_with_its_sha256(sp_world, acme_admin, dpo_user):
    from art28.core.services import api_token_create

    agreement = record_secret_agreement(sp_world)
    for user in (acme_admin, dpo_user):
        _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="test")
        api = Client(headers={"Authorization": f"Bearer {secret}"})
        path = "/api/v1/subprocessors/my/subprocessors" if user is acme_admin else "/api/v1/subprocessors/helpdesk"
        body = api.get(path).json()
        entry = body[0] if isinstance(body, list) else body
        assert entry["flow_down_agreement"] == {
            "signed_on": "2025-05-20",
            "valid_until": None,
            "sha256": agreement.sha256,
            "clauses": FlowDownClause.values,
        }
        assert SECRET_NAME not in json.dumps(body)


def test_the_announcement_tells_the_customers_concerned_of_the_agreement(sp_world):
    change = announced_addition([WEB])
    message = Message.objects.get(source_id=change.pk, organisation=sp_world.beta)
    # Beta reads German: every duty of Art. 28(3)(a)-(h), bound under Art. 28(4), in its language.
    assert "jede Pflicht nach Art. 28 Abs. 3 Bst. a bis h DSGVO (Art. 28 Abs. 4 DSGVO)" in message.body_text
    assert message.payload["flow_down_agreement"] == {
        "signed_on": "2024-01-01",
        "valid_until": None,
        "clauses": FlowDownClause.values,
    }


# --- the command line --------------------------------------------------------------------------------------------


def flowdown_record(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("flowdown_record", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_records_an_agreement_with_letters_for_the_duties(sp_world, tmp_path: Path):
    sp = new_subprocessor(agreement=False)
    path = tmp_path / "deliverability-dpa.pdf"
    path.write_bytes(b"%PDF-1.7 signed")
    out, err = flowdown_record("mailjet-us", str(path), "--signed-on", "2025-02-03", "--clauses", "a,b,c,d,e,f,g,h")
    digest = hashlib.sha256(b"%PDF-1.7 signed").hexdigest()
    assert (
        f"flow-down agreement of mailjet-us signed on 2025-02-03 recorded (deliverability-dpa.pdf, SHA-256 {digest})"
        in out
    )
    assert "it is in place" in out and not err
    agreement = FlowDownAgreement.objects.get(subprocessor=sp)
    assert agreement.sha256 == digest and agreement.complete
    assert AuditEntry.objects.get(
        action="subprocessor.flowdown.record", object_id=str(agreement.pk)
    ).actor_label.startswith("cli:flowdown-record")


def test_the_command_says_when_the_agreement_is_incomplete(sp_world, tmp_path: Path):
    new_subprocessor(agreement=False)
    path = tmp_path / "dpa.pdf"
    path.write_bytes(b"%PDF-1.7 narrow")
    out, err = flowdown_record("mailjet-us", str(path), "--signed-on", "2025-02-03", "--clauses", "a,b,c", "--json")
    document = json.loads(out)
    assert document["in_place"] is False
    assert document["missing"] == ["sub-processing", "data-subject-rights", "assistance", "deletion-return", "audits"]
    path.write_bytes(b"%PDF-1.7 narrower still")
    out, err = flowdown_record("mailjet-us", str(path), "--signed-on", "2025-02-04", "--clauses", "a")
    assert "It is incomplete: it does not cover (b) confidentiality" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "{file}", "--signed-on", "2025-01-01"], "SUBPROCESSOR: no sub-processor 'nobody'"),
        (["mailjet-us", "{missing}", "--signed-on", "2025-01-01"], "No such file or directory"),
        (["mailjet-us", "{empty}", "--signed-on", "2025-01-01"], "FILE: The file is empty"),
        (["mailjet-us", "{file}", "--signed-on", "1.1.2025"], "--signed-on: '1.1.2025' is not a date"),
        (["mailjet-us", "{file}", "--signed-on", "2999-01-01"], "--signed-on: 2999-01-01 is in the future"),
        (["mailjet-us", "{file}", "--signed-on", "2025-01-01", "--clauses", "a,x"], "--clauses: unknown duty 'x'"),
        (["mailjet-us", "{file}", "--signed-on", "2025-01-01", "--valid-until", "2024-12-31"],
         "--valid-until: An agreement cannot end before"),
    ],
)  # fmt: skip
def test_the_command_refuses_bad_input_with_exit_status_1_and_records_nothing(sp_world, tmp_path: Path, args, message):
    new_subprocessor(agreement=False)
    (tmp_path / "dpa.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "empty.pdf").write_bytes(b"")
    paths = {"file": tmp_path / "dpa.pdf", "missing": tmp_path / "nope.pdf", "empty": tmp_path / "empty.pdf"}
    start = AuditEntry.objects.count()
    if "--clauses" not in args:
        args = [*args, "--clauses", "a"]
    with pytest.raises(CommandError) as refused:
        flowdown_record(*(arg.format(**paths) for arg in args))
    assert refused.value.returncode == 1 and message in str(refused.value)
    assert not FlowDownAgreement.objects.filter(subprocessor__slug="mailjet-us").exists()
    assert AuditEntry.objects.count() == start


def test_staff_list_every_agreement_by_api_with_where_it_stands(sp_world, dpo_user, acme_admin):
    from art28.core.services import api_token_create

    agreement_for(sp_world.helpdesk, signed_on=dt.date(2025, 5, 20), clauses=["a", "b"], content=b"narrower")
    _, secret = api_token_create(actor=TEST_ACTOR, user=dpo_user, name="test")
    rows = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/subprocessors/helpdesk/agreements").json()
    assert [(r["signed_on"], r["state"], r["complete"]) for r in rows] == [
        ("2025-05-20", "incomplete", False),
        ("2024-01-01", "superseded", True),
    ]
    assert rows[0]["missing"] == ["security", "sub-processing", "data-subject-rights", "assistance",
                                  "deletion-return", "audits"]  # fmt: skip
    assert rows[1]["file_name"] == "helpdesk-dpa.pdf" and rows[1]["recorded_by"] == "pytest"
    _, secret = api_token_create(actor=TEST_ACTOR, user=acme_admin, name="test")
    customer = Client(headers={"Authorization": f"Bearer {secret}"})
    assert customer.get("/api/v1/subprocessors/helpdesk/agreements").status_code == 403


def test_the_register_command_says_which_entries_are_bound_and_the_announce_command_refuses(sp_world):
    new_subprocessor("postbox", legal_name="Postbox Ltd", countries="CH", in_use_from=SINCE, agreement=False)
    out = io.StringIO()
    call_command("subprocessors", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if line.split()}
    assert lines["helpdesk"].endswith("[agreement since 2024-01-01]")
    assert lines["postbox"].endswith("[no flow-down agreement]")
    unbound = new_subprocessor("unbound", agreement=False)
    change = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=unbound, summary="x", services=[MAIL])
    with pytest.raises(CommandError, match="has no flow-down agreement in effect") as refused:
        call_command("subprocessor_change_announce", str(change.pk), stdout=io.StringIO())
    assert refused.value.returncode == 2  # that command's exit status for a change that cannot be announced
