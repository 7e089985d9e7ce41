"""Which law a request follows (GDPR Art. 3, nFADP Art. 3(1)) and the settings that model the provider's side,
checked at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from art28.dpo import conf
from art28.dpo.deadlines import Regime, regime_for
from art28.dpo.workdays import Calendar

pytestmark = pytest.mark.django_db

G, N, B, X = Regime.GDPR, Regime.NFADP, Regime.BOTH, Regime.NONE
REQUESTERS = ("CH", "DE", "US", "")  # "" = the requester's location is unknown

# provider country, GDPR establishment (Art. 3(1)), offers to people in the EEA (Art. 3(2)(a)) →
# regime for a requester in CH, DE, US, unknown.
TABLE = [
    # A Swiss provider: the nFADP always (processing in Switzerland, nFADP Art. 3(1)); the GDPR for a
    # person in the EEA when it offers its services there (GDPR Art. 3(2)(a)).
    ("CH", False, True, (N, B, N, N)),
    ("CH", False, False, (N, N, N, N)),
    # A German provider: the GDPR always (an establishment in the Union, GDPR Art. 3(1)); the nFADP
    # for a person in Switzerland (effects in Switzerland, nFADP Art. 3(1)).
    ("DE", True, True, (B, G, G, G)),
    ("DE", True, False, (B, G, G, G)),
    # A US provider without an EEA establishment: the GDPR only by Art. 3(2) for a person in the EEA,
    # the nFADP only for a person in Switzerland, and neither otherwise ("none", not nFADP).
    ("US", False, True, (N, G, X, X)),
    ("US", False, False, (N, X, X, X)),
    # A US provider with an establishment in the EEA (Art. 3(1)): the GDPR for everyone.
    ("US", True, False, (B, G, G, G)),
]


@pytest.mark.parametrize(("provider", "establishment", "offers", "expected"), TABLE)
def test_gdpr_art_3_nfadp_art_3_1_which_law_applies(provider, establishment, offers, expected):
    got = tuple(
        regime_for(
            requester_country=requester,
            provider_country=provider,
            gdpr_establishment=establishment,
            gdpr_offers_to_eea=offers,
            is_data_subject_request=True,
        )
        for requester in REQUESTERS
    )
    assert got == expected


def test_questions_have_no_legal_deadline_whatever_the_law():
    assert (
        regime_for(
            requester_country="DE",
            provider_country="DE",
            gdpr_establishment=True,
            gdpr_offers_to_eea=True,
            is_data_subject_request=False,
        )
        == Regime.SERVICE_LEVEL
    )


@pytest.mark.parametrize(("country", "establishment"), [("CH", False), ("DE", True), ("NO", True), ("US", False)])
def test_gdpr_art_3_1_establishment_defaults_to_the_provider_country_being_in_the_eea(settings, country, establishment):
    settings.ART28_PROVIDER_COUNTRY, settings.ART28_GDPR_ESTABLISHMENT = country, None
    assert conf.gdpr_establishment() is establishment
    settings.ART28_GDPR_ESTABLISHMENT = not establishment
    assert conf.gdpr_establishment() is (not establishment)


@pytest.mark.parametrize(
    ("provider", "establishment", "offers", "country", "regime"),
    [
        ("US", False, False, "US", "none"),
        ("US", False, False, "DE", "none"),
        ("US", False, True, "DE", "gdpr"),
        ("CH", None, True, "FR", "both"),
        ("DE", None, True, "US", "gdpr"),
    ],
)
def test_gdpr_art_3_a_submitted_request_takes_the_provider_side_from_the_settings(
    settings, submit, provider, establishment, offers, country, regime
):
    settings.ART28_PROVIDER_COUNTRY = provider
    settings.ART28_GDPR_ESTABLISHMENT, settings.ART28_GDPR_OFFERS_TO_EEA = establishment, offers
    request = submit(country=country)
    assert request.regime == regime
    if regime == "none":
        # Neither law: the provider's service level, a commitment, not the law.
        assert not request.deadline.is_law and request.deadline.law_due is None
        assert (request.due_on - request.received_on).days == settings.ART28_DPO_REPLY_DAYS


def test_the_holiday_settings_name_each_law_calendar(settings):
    settings.ART28_HOLIDAYS_NFADP, settings.ART28_HOLIDAYS_GDPR = "ch-VD", "DE-BY"
    assert conf.calendars().nfadp == Calendar("CH-VD") and conf.calendars().gdpr == Calendar("DE-BY")
    settings.ART28_HOLIDAYS_GDPR = ""
    assert conf.calendars().gdpr == Calendar("")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ART28_HOLIDAYS_NFADP", "CH-XX"),
        ("ART28_HOLIDAYS_NFADP", "Switzerland"),
        ("ART28_HOLIDAYS_GDPR", "XX"),
        ("ART28_HOLIDAYS_GDPR", "DE-Bavaria"),
        ("ART28_DPO_FORWARD_DAYS", 0),
        ("ART28_DPO_FORWARD_DAYS", 31),
    ],
)
def test_a_bad_setting_is_refused_naming_the_setting_and_the_value(settings, name, value):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured) as error:
        conf.check_settings()
    assert f"{name}={value!r}" in str(error.value)


def test_art28_refuses_to_start_with_an_unknown_canton():
    env = os.environ | {"ART28_HOLIDAYS_NFADP": "CH-XX"}
    run = subprocess.run(
        [sys.executable, "-m", "art28", "check"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode != 0
    assert "ImproperlyConfigured: ART28_HOLIDAYS_NFADP='CH-XX'" in run.stderr
