"""Starting the demo (issue 11 item 11): the login page lists the demo logins in demo mode only, the trust
center's logo leads to the trust center, and `make demo` prints its logins once on the port PORT names."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from art28.core.roles import Role
from art28.demo.address import DEFAULT_PORT, PortError, demo_address
from art28.demo.logins import DEMO_PASSWORD, STAFF

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "demo"


@pytest.fixture
def demo_users(make_org, make_user):
    for email, role, _name in STAFF:
        make_user(email, role)
    make_user("customer@example.org", Role.CUSTOMER_ADMIN, make_org("ACME", name="Acme SA"))


@pytest.mark.django_db
def test_the_login_page_lists_the_demo_logins_and_the_trust_center_in_demo_mode(client, settings, demo_users):
    settings.ART28_DEMO = True

    page = client.get("/accounts/login/").content.decode()

    assert "Demo logins" in page and DEMO_PASSWORD in page
    for email, _role, _name in STAFF:
        assert f"<code>{email}</code>" in page
    assert "<code>customer@example.org</code>" in page and "Acme SA (ACME)" in page
    assert "Data protection officer" in page and "Customer administrator" in page
    assert 'href="/trust/">See the public trust center' in page


@pytest.mark.django_db
def test_the_login_page_never_lists_the_demo_logins_outside_demo_mode(client, settings, demo_users):
    settings.ART28_DEMO = False

    page = client.get("/accounts/login/").content.decode()

    assert "Demo logins" not in page and DEMO_PASSWORD not in page
    assert "customer@example.org" not in page and "admin@example-hosting.ch" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "home"), [("/trust/", "/en/trust/"), ("/fr/trust/", "/fr/trust/")])
def test_the_trust_centers_logo_leads_to_the_trust_center_not_the_login(client, path, home):
    page = client.get(path).content.decode()

    assert f'<a class="brand" href="{home}">' in page


@pytest.mark.django_db
def test_the_other_pages_logo_still_leads_home(client):
    assert '<a class="brand" href="/">' in client.get("/accounts/login/").content.decode()


# --- make demo: the port and the logins ---------------------------------------------------------------


def test_the_demo_port_defaults_to_8000_and_the_base_url_follows_it():
    assert demo_address({}).port == DEFAULT_PORT == 8000
    address = demo_address({"PORT": "8123"})
    assert (address.bind, address.url, address.base_url) == (
        "127.0.0.1:8123",
        "http://127.0.0.1:8123/",
        "http://127.0.0.1:8123",
    )
    assert demo_address({"PORT": "8123", "ART28_BASE_URL": "https://demo.example"}).base_url == "https://demo.example"


@pytest.mark.parametrize("port", ["0", "65536", "eighty", "-1", "80 81"])
def test_a_port_that_is_not_a_port_is_refused(port):
    with pytest.raises(PortError):
        demo_address({"PORT": port})


def _script_up_to_its_address() -> str:
    """scripts/demo's own lines, up to where it has settled its address (before migrating)."""
    lines = SCRIPT.read_text().splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith('eval "$ADDRESS"'))
    return "\n".join(lines[: end + 1])


def _run_script_head(**env: str) -> subprocess.CompletedProcess[str]:
    head = _script_up_to_its_address() + '\necho "$PORT|$ART28_BASE_URL|$ART28_DEMO_BIND|$ART28_DEMO_URL"\n'
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "ART28_BASE_URL"}}
    # `cd "$(dirname "$0")/.."` in the script: $0 is the script's path.
    return subprocess.run(
        ["bash", "-c", head, str(SCRIPT)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_scripts_demo_serves_on_port_and_prints_that_address():
    result = _run_script_head(PORT="8123")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "8123|http://127.0.0.1:8123|127.0.0.1:8123|http://127.0.0.1:8123/"
    script = SCRIPT.read_text()
    assert 'runserver "$ART28_DEMO_BIND"' in script and "Serving on $ART28_DEMO_URL" in script


def test_scripts_demo_keeps_a_base_url_that_is_set_and_defaults_to_8000():
    kept = _run_script_head(ART28_BASE_URL="https://demo.example")

    assert kept.stdout.strip() == "8000|https://demo.example|127.0.0.1:8000|http://127.0.0.1:8000/"


def test_scripts_demo_stops_on_a_bad_port():
    result = _run_script_head(PORT="eighty")

    assert result.returncode != 0 and "PORT must be a TCP port number" in result.stderr


def _load_demo_calls() -> list[list[str]]:
    """The arguments of each `$ART28 load-demo …` line of scripts/demo, in order."""
    calls = []
    for line in SCRIPT.read_text().splitlines():
        words = shlex.split(line, comments=True)
        if words[:2] == ["$ART28", "load-demo"]:
            calls.append(words[2:])
    return calls


@pytest.mark.django_db
def test_make_demo_prints_the_logins_once_when_it_loads_the_demo_and_when_it_was_loaded():
    calls = _load_demo_calls()
    assert calls, "scripts/demo runs load-demo"

    for _start in ("first start", "second start"):
        out = io.StringIO()
        for args in calls:
            small = ["--customers", "20"] if "--print-logins" not in args else []
            call_command("load_demo", *args, *small, stdout=out)
        printed = out.getvalue()
        assert printed.count("Demo logins (password for all:") == 1
        assert printed.count("customer@example.org") == 1 and printed.count("dpo@example-hosting.ch") == 1
