"""The demo's legal documents (S8, S13): six documents, a visible diff, terms v2 announced 30 days ahead to
the customers who accepted v1, and art28's cookies in the inventory."""

import datetime as dt

import pytest
from django.test import Client

from art28.core.roles import Role
from art28.demo.legal import load_demo_legal
from art28.legal.models import Acceptance, Cookie, Document
from art28.legal.selectors import version_in_force
from art28.notify.models import Message
from tests.conftest import TEST_ACTOR
from tests.legal.conftest import today

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_six_documents_and_announces_terms_v2(make_org, make_user, client: Client):
    make_user("customer@example.org", Role.CUSTOMER_ADMIN, make_org("DEMO1", name="Demo One", language="de"))
    load_demo_legal(TEST_ACTOR)
    assert Document.objects.count() == 6
    terms = Document.objects.get(slug="terms")
    assert version_in_force(terms).number == 1
    assert terms.versions.get(number=2).effective_on == today() + dt.timedelta(days=30)
    assert Acceptance.objects.filter(organisation__ref="DEMO1", version__number=1).exists()
    assert Message.objects.filter(topic="legal.document-version", organisation__ref="DEMO1").count() == 1
    assert Cookie.objects.count() == 5
    path = "/en/trust/policies/data-protection/diff/?from=1&to=2"
    diff = client.get(path).content.decode()
    assert (
        '<span class="visually-hidden">deleted: </span>5 </del><ins><span class="visually-hidden">inserted: </span>2 '
        in diff
    )
    assert "<del>5</del><ins>2</ins>" in client.get(f"{path}&view=source").content.decode()
    assert load_demo_legal(TEST_ACTOR).startswith("legal documents: 0 published")  # a second run adds nothing


def test_the_demo_cookie_policy_lists_the_cookies_purposes_in_the_readers_language(client: Client):
    load_demo_legal(TEST_ACTOR)
    cookies = {
        "fr": "Protège les formulaires contre la falsification de requêtes intersites (CSRF).",
        "de": "Schützt Formulare vor websiteübergreifender Anfragefälschung (CSRF).",
        "it": "Protegge i moduli dalla falsificazione di richieste tra siti (CSRF).",
    }
    for language, purpose in cookies.items():
        html = client.get(f"/{language}/trust/policies/cookies/").content.decode()
        table = html[html.index('<h2 id="cookies">') :]
        assert f"<td>{purpose}</td>" in table and "untranslated" not in table
