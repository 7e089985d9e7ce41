"""The trust center's picture of where customer data is processed (S1, S4, S10)."""

from __future__ import annotations

import datetime as dt

import pytest

from art28.inventory.models import Site
from art28.subprocessors.models import Change, ChangeKind, ChangeStatus, SubProcessor
from art28.trust.geography import geography_svg, panels

pytestmark = pytest.mark.django_db
EFFECTIVE = dt.date(2027, 1, 25)


def _sp(name: str, countries: str) -> SubProcessor:
    return SubProcessor(slug=name.lower(), legal_name=name, purpose="p", countries=countries)


def _announced(kind: str, sp: SubProcessor) -> Change:
    return Change(kind=kind, subprocessor=sp, status=ChangeStatus.ANNOUNCED, effective_on=EFFECTIVE)


def test_switzerland_first_then_the_eea_then_adequate_then_where_a_safeguard_is_needed_then_unknown():
    """GDPR Art. 45 / DSV Annex 1: the UK is adequate under both laws; the US needs a safeguard (or a DPF
    certification of the recipient), Japan too (adequate for the EU only)."""
    sites = [Site(code="FRA1", city="Frankfurt", country="DE"), Site(code="X1"), Site(code="GVA1", country="CH")]
    drawn = panels(sites, [_sp("Mailer", "US;IE"), _sp("Tokyo KK", "JP"), _sp("London Ltd", "GB")], [])
    assert [p.country for p in drawn] == ["CH", "DE", "IE", "GB", "JP", "US", ""]
    assert [p.group for p in drawn] == [0, 1, 1, 2, 3, 3, 4]
    assert [c.kind for c in drawn[0].chips] == ["site"]
    assert [c.label for c in drawn[5].chips] == ["Mailer"]
    svg = geography_svg(sites, [_sp("Mailer", "US"), _sp("Tokyo KK", "JP"), _sp("London Ltd", "GB")], [])
    assert "adequate protection" in svg and "safeguard or certification needed" in svg and "safeguard needed" in svg


def test_an_announced_addition_is_drawn_dashed_and_a_removal_is_not():
    changes = [
        _announced(ChangeKind.ADDITION, _sp("Loglake", "IE")),
        _announced(ChangeKind.REMOVAL, _sp("Oldco", "FR")),
    ]
    svg = geography_svg([], [], changes)
    assert "Loglake" in svg and 'stroke-dasharray="5 3"' in svg and "Oldco" not in svg


def test_every_name_is_escaped():
    svg = geography_svg([Site(code="<b>", country="CH")], [_sp('Evil <script>alert(1)</script> "Co"', "CH")], [])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


def test_nothing_to_draw_draws_nothing():
    assert geography_svg([], [], []) == ""


def test_the_page_shows_the_picture_in_the_urls_language(client):
    Site.objects.create(code="GVA1", city="Genève", country="CH")
    page = client.get("/de/trust/").content.decode()
    assert '<figure class="geography"><svg' in page and "Schweiz (CH)" in page
