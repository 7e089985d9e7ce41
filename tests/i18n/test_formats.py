"""One date, time and number format per language, Swiss by default (art28.formats; issue 11 item 9).

Real pages in each language: a date (the staff dashboard's security.txt expiry), a date-time and a number (a
breach's incident page: the moment of awareness, the estimated data subjects and records); the EU region
switching them; and no digit grouping inside attributes, URLs and ids, where "12’345" would break a link.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.utils.formats import reset_format_cache

from art28.core.models import SecurityTxt
from art28.formats import module_path
from art28.subprocessors.models import Change
from tests.breaches.flows import declared
from tests.i18n.test_pages import in_language

pytestmark = pytest.mark.django_db

AWARE_AT = dt.datetime(2025, 11, 3, 10, 23, tzinfo=dt.UTC)  # 11:23 in Zurich (CET)
EXPIRES_AT = dt.datetime(2030, 3, 5, 12, 0, tzinfo=dt.UTC)

SWISS = {
    "en": {"date": "5 Mar 2030", "datetime": "3 Nov 2025, 11:23", "subjects": "1’350", "records": "5’360"},
    "fr": {"date": "5 mars 2030", "datetime": "3 nov. 2025, 11:23", "subjects": "1\u202f350", "records": "5\u202f360"},
    "de": {"date": "5. März 2030", "datetime": "3. Nov. 2025, 11:23", "subjects": "1’350", "records": "5’360"},
    "it": {"date": "5 mar 2030", "datetime": "3 nov 2025, 11:23", "subjects": "1’350", "records": "5’360"},
}
EU = {
    "en": {"subjects": "1,350", "short": "03/11/2025 11:23"},
    "fr": {"subjects": "1\u202f350", "short": "03/11/2025 11:23"},
    "de": {"subjects": "1.350", "short": "03.11.2025 11:23"},
    "it": {"subjects": "1.350", "short": "03/11/2025 11:23"},
}


@pytest.fixture
def incident_page(breach_world, staff_user):
    incident = declared(aware_at=AWARE_AT, started_at=AWARE_AT - dt.timedelta(hours=3))
    return incident.get_absolute_url()


@pytest.fixture
def eu_region(settings):
    settings.FORMAT_MODULE_PATH = module_path("EU")
    reset_format_cache()
    yield
    settings.FORMAT_MODULE_PATH = module_path("CH")
    reset_format_cache()


def page(client: Client, language: str, path: str) -> str:
    response = in_language(client, language).get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr", "de", "it"])
def test_the_incident_page_writes_date_times_and_numbers_the_swiss_way(staff_client, incident_page, language):
    html = page(staff_client, language, incident_page)
    expected = SWISS[language]
    assert expected["datetime"] in html
    assert expected["subjects"] in html and expected["records"] in html
    assert "a.m." not in html and "p.m." not in html
    assert "1,350" not in html and "1350" not in html


@pytest.mark.parametrize("language", ["en", "fr", "de", "it"])
def test_the_staff_dashboard_writes_dates_the_swiss_way(staff_client, language):
    SecurityTxt.objects.create(expires_at=EXPIRES_AT, renewed_at=EXPIRES_AT - dt.timedelta(days=300))
    html = page(staff_client, language, "/staff/")
    assert SWISS[language]["date"] in html
    assert "Mar. 5, 2030" not in html


@pytest.mark.parametrize("language", ["en", "fr", "de", "it"])
def test_the_eu_region_switches_the_conventions(staff_client, incident_page, eu_region, language):
    html = page(staff_client, language, incident_page)
    assert EU[language]["subjects"] in html
    assert EU[language]["short"] in html  # the timeline's marks, SHORT_DATETIME_FORMAT
    assert SWISS[language]["datetime"] in html  # dates stay "3 Nov 2025" in the region


@pytest.mark.parametrize(("region", "expected"), [("", "art28.formats.ch"), ("EU", "art28.formats.eu")])
def test_art28_format_region_selects_the_format_package(region, expected):
    environment = os.environ | {"SECRET_KEY": "dev", "ART28_BASE_URL": "http://127.0.0.1:8000"}
    environment.pop("ART28_FORMAT_REGION", None)
    if region:
        environment["ART28_FORMAT_REGION"] = region
    code = "from django.conf import settings; print(settings.FORMAT_MODULE_PATH, settings.USE_THOUSAND_SEPARATOR)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'art28.settings'; {code}"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [expected, "True"]


def test_an_unknown_format_region_is_refused():
    environment = os.environ | {"SECRET_KEY": "dev", "ART28_BASE_URL": "http://127.0.0.1:8000"}
    environment["ART28_FORMAT_REGION"] = "US"
    result = subprocess.run(
        [sys.executable, "-c", "import art28.settings"], env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "ART28_FORMAT_REGION must be one of CH, EU" in result.stderr


@pytest.mark.parametrize("language", ["en", "de"])
def test_large_ids_are_not_grouped_in_links_titles_and_anchors(sp_world, staff_client, language):
    Change.objects.create(pk=12345, kind="addition", subprocessor=sp_world.helpdesk, summary="A help desk.")
    listing = page(staff_client, language, "/staff/subprocessors/changes/")
    detail = page(staff_client, language, "/staff/subprocessors/changes/12345/")
    for html in (listing, detail):
        assert "12’345" not in html and "12.345" not in html
    assert 'href="/staff/subprocessors/changes/12345/"' in listing
    assert ">12345</a>" in listing
    assert "#12345" in detail


@pytest.mark.parametrize("language", ["en", "fr", "de", "it"])
def test_typed_dates_are_read_day_first_and_iso_dates_stay_iso(language):
    from django import forms
    from django.utils import translation

    with translation.override(language):
        field = forms.DateField()
        assert field.clean("03.12.2026") == dt.date(2026, 12, 3)
        assert field.clean("2026-12-03") == dt.date(2026, 12, 3)
        with pytest.raises(forms.ValidationError):
            field.clean("12/03/2026")  # the US month-first form is not a Swiss date
        # <input type="date"> needs ISO 8601 whatever the language (HTML, "valid date string").
        assert 'value="2026-12-03"' in forms.DateInput(attrs={"type": "date"}).render("d", dt.date(2026, 12, 3))


@pytest.mark.parametrize("language", ["en", "fr", "de", "it"])
def test_the_breach_notice_e_mail_uses_the_formats_of_its_language(breach_world, language):
    from art28.breaches.models import AffectedCustomer
    from art28.breaches.notices import customer_values, fill, render_default
    from tests.breaches.flows import notified

    incident = declared(aware_at=AWARE_AT, started_at=AWARE_AT - dt.timedelta(hours=3))
    notified(incident)
    row = AffectedCustomer.objects.select_related("organisation").get(incident=incident, organisation__ref="ACME")
    texts = render_default(incident, kind="initial", sequence=1, language=language)
    body = fill(texts["body"], customer_values(row, row.organisation, language))
    assert SWISS[language]["datetime"] in body  # when the provider became aware, 24-hour clock
    grouping = "\u202f" if language == "fr" else "’"
    assert f": 1{grouping}300\n" in body and f": 5{grouping}300\n" in body  # ACME's subjects and records on GVA1
    assert "a.m." not in body and "p.m." not in body


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_year_typed_into_a_filter_comes_back_ungrouped(staff_client, language):
    html = page(staff_client, language, "/staff/breaches/?year=2026")
    assert 'value="2026"' in html and "2’026" not in html
