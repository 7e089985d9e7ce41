"""`art28 netbox-sync`: the inventory read live from NetBox's REST API, against a replay of a real NetBox.

The replay server (netbox_replay.py) answers with what a real NetBox 4.7 answered to the same requests
(tests/inventory/netbox_captures/, recorded by scripts/capture-netbox; see the README there). It checks
the Authorization header and answers NetBox's own 401 to anything else.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from art28.core.models import AuditEntry, Organisation
from art28.inventory.importers import import_inventory
from art28.inventory.models import Asset, Placement, Site
from art28.inventory.netbox_api import NetboxError, authorization, netbox_sync
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import NETBOX_EXAMPLE, Run, db_state
from tests.inventory.netbox_replay import CAPTURES, Replay, serve

pytestmark = pytest.mark.django_db

CAPTURE = CAPTURES / "netbox-4.7"
V2_TOKEN = "nbt_4Xc2kQ9vLm3R.pZ7tW1yB8nE5hJ0aS6dF2gK4qV9xC3mN7rT1uY8wE5iO0pL2"
V1_TOKEN = "0123456789abcdef0123456789abcdef01234567"
FILES = {
    "dcim/regions": "regions.json",
    "dcim/sites": "sites.json",
    "tenancy/tenants": "tenants.json",
    "virtualization/clusters": "clusters.json",
    "dcim/devices": "devices.json",
    "virtualization/virtual-machines": "virtual-machines.json",
}


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.ART28_NETBOX_COUNTRY_FIELD = "iso_country"
    settings.ART28_NETBOX_TIMEOUT = 5.0


def _replay(settings, token: str) -> Iterator[Replay]:
    replay = Replay(CAPTURE, authorization=authorization(token))
    replay.load()
    # The sync must ask for the pages exactly as they were captured.
    settings.ART28_NETBOX_PAGE_SIZE = replay.page_size
    server, thread = serve(replay)
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def netbox(settings) -> Iterator[Replay]:
    """The replayed NetBox, accepting the v2 token (Bearer)."""
    yield from _replay(settings, V2_TOKEN)


@pytest.fixture
def netbox_v1(settings) -> Iterator[Replay]:
    """The replayed NetBox, accepting a v1 token (Token)."""
    yield from _replay(settings, V1_TOKEN)


def _sync(replay: Replay, token: str = V2_TOKEN):
    return netbox_sync(replay.origin, token, actor=TEST_ACTOR)


def _page(replay: Replay, endpoint: str, number: int) -> str:
    """The path of the ``number``-th page (1-based) of an endpoint in the capture."""
    pages = [path for path in replay.list_paths if path.startswith(f"/api/{endpoint}/?")]
    return pages[number - 1]


def _captured_lists(replay: Replay, folder: Path) -> Path:
    """The same data as a file import: each endpoint's captured pages joined into one list per file."""
    folder.mkdir()
    for endpoint, name in FILES.items():
        items = []
        for path in replay.list_paths:
            if path.startswith(f"/api/{endpoint}/?"):
                items += json.loads(replay.answers[path].body)["results"]
        (folder / name).write_text(json.dumps(items), "utf-8")
    return folder


def _state_without_audit() -> dict:
    state = db_state()
    del state["audit_entries"], state["periods"]  # two imports at two moments: the inventory must be equal
    # Sites come with their primary key, which a rolled-back import still used up on PostgreSQL.
    state["sites"] = [row[1:] for row in state["sites"]]
    return state


def test_the_sync_reads_every_page_and_gives_the_same_inventory_as_importing_the_same_lists(netbox, tmp_path):
    with transaction.atomic():
        import_inventory(_captured_lists(netbox, tmp_path / "lists"), format="netbox", actor=TEST_ACTOR)
        imported = _state_without_audit()
        transaction.set_rollback(True)
    assert Site.objects.count() == 0

    fetched, report = _sync(netbox)

    assert _state_without_audit() == imported
    # Every page of every list was asked for: the capture paginates by 2, so most lists have several.
    asked = [path for path, _ in netbox.seen]
    assert asked == netbox.list_paths
    assert fetched.objects == {
        "dcim/regions": 5,
        "dcim/sites": 4,
        "tenancy/tenants": 3,
        "virtualization/clusters": 2,
        "dcim/devices": 4,
        "virtualization/virtual-machines": 3,
    }
    assert fetched.pages["dcim/regions"] == 3
    assert report.counts["assets"]["created"] == 7


def test_what_the_real_netbox_said_maps_as_the_netbox_format_documents(netbox):
    _sync(netbox)
    countries = {s.code: (s.country, s.country_source, s.country_source_detail) for s in Site.objects.all()}
    assert countries == {
        "gva1": ("CH", "netbox-region", "ch"),  # europe > ch > geneva
        "fra1": ("DE", "netbox-custom-field", "iso_country"),
        "bsl1": ("CH", "netbox-custom-field", "iso_country"),
        "lab1": ("", "unknown", ""),
    }
    acme = Organisation.objects.get(ref="acme")
    assert (acme.name, acme.country, acme.language, acme.privacy_email) == (
        "Acme Sàrl",
        "CH",
        "fr",
        "privacy@acme.example",
    )
    assets = {
        a.ref: (a.kind, a.site.code if a.site else None, a.parent.ref if a.parent else None)
        for a in Asset.objects.select_related("site", "parent")
    }
    unnamed = next(ref for ref in assets if ref.startswith("netbox-device-"))
    assert assets == {
        "gva1-host-3": ("host", "gva1", None),
        "web@gva1": ("host", "gva1", None),
        "web@fra1": ("host", "fra1", None),
        unnamed: ("host", "lab1", None),
        "vm-under-device": ("vm", None, "gva1-host-3"),
        "vm-in-cluster": ("vm", "gva1", None),
        "vm-own-site": ("vm", "fra1", None),
    }
    placements = set(Placement.objects.values_list("customer__ref", "asset__ref"))
    assert placements == {
        ("acme", "web@gva1"),
        ("beta", "web@fra1"),
        ("acme", "vm-under-device"),
        ("beta", "vm-in-cluster"),
        ("gamma", "vm-own-site"),
    }


def test_a_v2_token_is_sent_as_bearer(netbox):
    _sync(netbox, V2_TOKEN)
    assert {header for _, header in netbox.seen} == {f"Bearer {V2_TOKEN}"}
    assert Site.objects.count() == 4


def test_a_v1_token_is_sent_as_token(netbox_v1):
    _sync(netbox_v1, V1_TOKEN)
    assert {header for _, header in netbox_v1.seen} == {f"Token {V1_TOKEN}"}
    assert Site.objects.count() == 4


@pytest.fixture
def before() -> dict:
    """An inventory already there (the file example), which a failed sync must leave exactly as it is."""
    import_inventory(NETBOX_EXAMPLE, format="netbox", actor=TEST_ACTOR)
    return db_state()


def test_the_replay_would_change_that_inventory(netbox, before):
    """So that 'nothing changed' below means something: the successful sync does change it (force: with the
    full sync, ending the example's rows NetBox does not have is past the safety limit)."""
    netbox_sync(netbox.origin, V2_TOKEN, actor=TEST_ACTOR, force=True)
    assert db_state() != before


@pytest.mark.parametrize(
    ("token", "answer"),
    [("nbt_wrongkey.wrongtoken", "HTTP 403 (Invalid v2 token)"), ("not-the-token", "HTTP 403 (Invalid v1 token)")],
)
def test_a_refused_token_is_an_error_and_nothing_changes(netbox, before, token, answer):
    """What NetBox 4.7 itself answered to a wrong token (recorded): 403 and its reason."""
    with pytest.raises(NetboxError) as error:
        _sync(netbox, token)
    assert str(error.value) == (
        f"NetBox dcim/regions (GET {netbox.origin}/api/dcim/regions/?limit=2&offset=0): NetBox refused the token: "
        f"{answer}; check the token and that it may read this list (v2 tokens nbt_… need NetBox 4.5 or later)"
    )
    assert db_state() == before


def test_a_401_from_a_proxy_in_front_of_netbox_is_an_error_and_nothing_changes(netbox, before):
    netbox.failures[_page(netbox, "dcim/sites", 1)] = (401, b'{"detail": "Authentication required"}')
    with pytest.raises(NetboxError, match=r"NetBox dcim/sites .*: NetBox refused the token: HTTP 401"):
        _sync(netbox)
    assert db_state() == before


def test_a_server_error_on_page_2_is_an_error_and_nothing_changes(netbox, before):
    page_2 = _page(netbox, "dcim/devices", 2)
    netbox.failures[page_2] = (500, b'{"detail": "Internal server error"}')
    with pytest.raises(NetboxError) as error:
        _sync(netbox)
    message = str(error.value)
    assert "dcim/devices" in message and "HTTP 500" in message and "offset=2" in message
    assert db_state() == before
    # Nothing after the failed page was asked for: the fetch stops at the first error.
    assert [path for path, _ in netbox.seen][-1] == page_2


def test_a_timeout_is_an_error_and_nothing_changes(netbox, before, settings):
    settings.ART28_NETBOX_TIMEOUT = 0.3
    netbox.delays[_page(netbox, "virtualization/virtual-machines", 2)] = 2.0
    with pytest.raises(NetboxError) as error:
        _sync(netbox)
    assert "virtualization/virtual-machines" in str(error.value)
    assert "no answer within 0.3 s" in str(error.value)
    assert db_state() == before


def test_a_missing_page_is_an_error_and_nothing_changes(netbox, before):
    """NetBox counts 4 devices; a list that ends after the first page (next: null) has only 2."""
    netbox.cut.add(_page(netbox, "dcim/devices", 1))
    with pytest.raises(NetboxError) as error:
        _sync(netbox)
    assert "NetBox dcim/devices: 2 objects received but NetBox counts 4: a page is missing" in str(error.value)
    assert db_state() == before


def test_invalid_json_is_an_error(netbox, before):
    netbox.failures[_page(netbox, "tenancy/tenants", 1)] = (200, b'{"count": 3, "results": [')
    with pytest.raises(NetboxError, match=r"tenancy/tenants .*invalid JSON"):
        _sync(netbox)
    assert db_state() == before


def test_a_next_link_to_another_host_is_refused(netbox, before):
    first = _page(netbox, "dcim/sites", 1)
    page = json.loads(netbox.answers[first].body)
    page["next"] = "https://elsewhere.example/api/dcim/sites/?limit=2&offset=2"
    netbox.answers[first].body = json.dumps(page).encode()
    with pytest.raises(NetboxError, match=r"dcim/sites .*another origin"):
        _sync(netbox)
    assert not any("elsewhere" in path for path, _ in netbox.seen)
    assert db_state() == before


def test_a_redirect_is_not_followed(netbox, before):
    """The token goes only where the operator pointed it (http → https redirects included)."""
    first = _page(netbox, "dcim/regions", 1)
    netbox.redirects[first] = "https://sso.example/login?next=/api/dcim/regions/"
    with pytest.raises(NetboxError) as error:
        _sync(netbox)
    assert str(error.value) == (
        f"NetBox dcim/regions (GET {netbox.origin}{first}): NetBox answered HTTP 301, a redirect to "
        "https://sso.example/login?next=/api/dcim/regions/; the token is not sent there: give the URL it leads to "
        "(e.g. https://) as NetBox's URL"
    )
    assert len(netbox.seen) == 1
    assert db_state() == before


def _command(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("netbox_sync", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return Run(exc.returncode, out.getvalue(), f"{err.getvalue()}CommandError: {exc}\n")
    return Run(0, out.getvalue(), err.getvalue())


def test_the_command_prints_what_it_fetched_and_imported(netbox, monkeypatch):
    monkeypatch.setenv("NETBOX_TOKEN", V2_TOKEN)
    run = _command("--url", netbox.origin, "--token-env", "NETBOX_TOKEN")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == (
        f"fetched {netbox.origin}/api/ (12 pages): dcim/regions 5, dcim/sites 4, tenancy/tenants 3, "
        "virtualization/clusters 2, dcim/devices 4, virtualization/virtual-machines 3"
    )
    assert lines[1].startswith(f"imported {netbox.origin}/api/ (netbox, sha256 ")
    assert any(line.split()[:2] == ["assets", "7"] for line in lines)
    assert Site.objects.count() == 4


def test_the_command_exits_1_naming_the_endpoint_and_changes_nothing(netbox, before, monkeypatch):
    netbox.failures[_page(netbox, "dcim/devices", 2)] = (502, b"")
    monkeypatch.setenv("NETBOX_TOKEN", V2_TOKEN)
    run = _command("--url", netbox.origin, "--token-env", "NETBOX_TOKEN")
    assert run.code == 1
    assert "NetBox dcim/devices (GET " in run.err
    assert "NetBox answered HTTP 502; nothing was imported" in run.err
    assert db_state() == before


def test_the_command_needs_the_token_variable(netbox, monkeypatch):
    monkeypatch.delenv("NETBOX_TOKEN", raising=False)
    run = _command("--url", netbox.origin, "--token-env", "NETBOX_TOKEN")
    assert run.code == 1
    assert "the environment variable NETBOX_TOKEN holding the NetBox API token is not set or empty" in run.err
    assert netbox.seen == []


def _booked() -> list:
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path="art28.inventory.tasks.netbox_sync_nightly", status="READY").values_list(
            "run_after", flat=True
        )
    )


def test_the_nightly_run_is_booked_once_at_the_hour_in_the_time_zone(settings):
    from art28.inventory.tasks import schedule_netbox_sync

    settings.ART28_NETBOX_URL, settings.ART28_NETBOX_SYNC_HOUR = "https://netbox.example.net", 2
    evening = dt.datetime(2026, 12, 3, 22, 0, tzinfo=dt.UTC)  # 23:00 in Zurich
    night = dt.datetime(2026, 12, 4, 1, 0, tzinfo=dt.UTC)  # 02:00 in Zurich
    assert schedule_netbox_sync(evening) == night
    assert schedule_netbox_sync(evening) == night  # already booked: not twice
    assert _booked() == [night]


def test_a_run_already_waiting_for_a_worker_counts_as_booked(settings):
    """Enqueued without a time (e.g. by hand), it runs as soon as a worker takes it and books the next night."""
    from art28.inventory.tasks import netbox_sync_nightly, schedule_netbox_sync

    settings.ART28_NETBOX_URL, settings.ART28_NETBOX_SYNC_HOUR = "https://netbox.example.net", 2
    netbox_sync_nightly.enqueue()
    before = timezone.now()
    booked = schedule_netbox_sync()
    assert booked is not None and before <= booked <= timezone.now()
    assert len(_booked()) == 1


def test_no_nightly_run_without_a_url_or_with_hour_minus_1(settings):
    from art28.inventory.tasks import schedule_netbox_sync

    settings.ART28_NETBOX_URL, settings.ART28_NETBOX_SYNC_HOUR = "", 2
    assert schedule_netbox_sync() is None
    settings.ART28_NETBOX_URL, settings.ART28_NETBOX_SYNC_HOUR = "https://netbox.example.net", -1
    assert schedule_netbox_sync() is None
    assert _booked() == []


def test_the_nightly_task_syncs_from_the_settings_and_books_the_next_night(netbox, settings, monkeypatch):
    from art28.core.models import AuditEntry
    from art28.inventory.tasks import netbox_sync_nightly

    settings.ART28_NETBOX_URL, settings.ART28_NETBOX_SYNC_HOUR = netbox.origin, 3
    settings.ART28_NETBOX_TOKEN_ENV = "NIGHTLY_NETBOX_TOKEN"
    monkeypatch.setenv("NIGHTLY_NETBOX_TOKEN", V2_TOKEN)
    result = netbox_sync_nightly.call()
    assert result["fetched"]["dcim/sites"] == 4
    assert Site.objects.count() == 4
    assert set(AuditEntry.objects.filter(action="inventory.sync").values_list("actor_label", flat=True)) == {
        "task:netbox-sync"
    }
    [booked] = _booked()
    assert timezone.localtime(booked).hour == 3


def test_a_failed_nightly_run_still_books_the_next_one(netbox, before, settings, monkeypatch):
    from art28.inventory.tasks import netbox_sync_nightly

    settings.ART28_NETBOX_URL, settings.ART28_NETBOX_SYNC_HOUR = netbox.origin, 3
    monkeypatch.setenv("ART28_NETBOX_TOKEN", "nbt_revoked.token")
    with pytest.raises(NetboxError, match=r"HTTP 403 \(Invalid v2 token\)"):
        netbox_sync_nightly.call()
    assert db_state() == before
    assert len(_booked()) == 1


def test_the_command_books_the_nightly_run(settings):
    settings.ART28_NETBOX_URL, settings.ART28_NETBOX_SYNC_HOUR = "https://netbox.example.net", 2
    run = _command("--schedule")
    assert run.code == 0, run.err
    [booked] = _booked()
    assert run.out.strip() == f"the nightly NetBox sync is booked for {timezone.localtime(booked).isoformat()}"


def test_a_dry_run_fetches_everything_reports_it_and_changes_nothing(netbox):
    _, report = netbox_sync(netbox.origin, V2_TOKEN, actor=TEST_ACTOR, source="netbox-prod", dry_run=True)

    assert report.dry_run and report.sync and report.source == "netbox-prod"
    assert report.counts["sites"]["created"] == 4
    assert not Site.objects.exists() and not AuditEntry.objects.exists()


def test_the_audit_entry_names_the_netbox_api_not_a_temporary_folder(netbox):
    netbox_sync(netbox.origin, V2_TOKEN, actor=TEST_ACTOR)

    [entry] = AuditEntry.objects.filter(action="inventory.sync")
    assert entry.object_repr.startswith(netbox.origin) and "art28-netbox-" not in entry.object_repr
    assert entry.after["source"] == "netbox"
