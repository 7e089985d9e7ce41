"""The demo's glossary of data categories: every category the demo stores has a French, German and Italian
term, but for "web logs" (no Italian, so the marker shows), and the sub-processor entered with an alias
is stored under the glossary's term."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from art28.core.glossary import categories_not_in_glossary
from art28.core.models import DataCategory
from art28.demo.glossary import WITHOUT_ITALIAN
from art28.subprocessors.models import SubProcessor

pytestmark = pytest.mark.django_db


def test_the_demo_glossary_covers_every_category_the_demo_stores():
    call_command("load_demo", "--customers", "12", "--no-logins", stdout=io.StringIO())

    assert categories_not_in_glossary() == []
    missing_italian = [entry.name for entry in DataCategory.objects.all() if "it" not in entry.name_i18n]
    assert missing_italian == [WITHOUT_ITALIAN]
    assert all(set(entry.name_i18n) >= {"fr", "de"} for entry in DataCategory.objects.all())
    assert not any("ß" in text for entry in DataCategory.objects.all() for text in entry.name_i18n.values())
    # Entered as "email addresses" (an alias): stored as the glossary's term.
    assert SubProcessor.objects.get(slug="inboxly").data_categories == "e-mail addresses;e-mail metadata"
