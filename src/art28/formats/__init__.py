"""Date, time and number formats per language and region (Django's FORMAT_MODULE_PATH, USE_THOUSAND_SEPARATOR).

One format per language, chosen by `ART28_FORMAT_REGION` (README.md, "Configuration"):

- ``CH`` (default): Swiss conventions (CLDR de-CH, fr-CH, it-CH, en-CH). Dates "3 Dec 2026",
  "3 déc. 2026", "3. Dez. 2026", "3 dic 2026"; short dates "03.12.2026"; a 24-hour clock; the decimal
  point "."; thousands grouped by the apostrophe "’" (U+2019) in English, German and Italian
  ("5’207"), and by the narrow no-break space (U+202F) in French ("5 207"): Swiss French keeps the space of
  French typography (CLDR fr-CH, and Fedlex's French texts, e.g. nLPD art. 60 "250 000 francs"), where Swiss
  German and Italian write the apostrophe (CLDR de-CH, it-CH).
- ``EU``: the same dates and 24-hour clock, with each language's own continental conventions (Ireland/UK English
  "5,207" and "03/12/2026"; France "5 207,5"; Germany "5.207,5" and "03.12.2026"; Italy "5.207,5" and
  "03/12/2026").

Machine formats stay ISO 8601 and unlocalised (JSON, feeds, CSV, HTML ``datetime`` attributes, e-mail
headers); templates put numbers into attributes, URLs and SVG coordinates through ``|unlocalize`` or
``{% localize off %}``.
"""

from django.core.exceptions import ImproperlyConfigured

REGIONS = ("CH", "EU")


def module_path(region: str) -> str:
    """The FORMAT_MODULE_PATH package holding `region`'s formats (one sub-package per language)."""
    if region not in REGIONS:
        raise ImproperlyConfigured(f"ART28_FORMAT_REGION must be one of {', '.join(REGIONS)}, not {region!r}.")
    return f"art28.formats.{region.lower()}"
