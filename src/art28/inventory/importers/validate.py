"""Row validation: each row's own fields, checked in Python as the rows stream by.

A validator takes the row's values (strings, in its entity's column order) and returns the row as
it is staged, or None when the row has no key (nothing else can refer to it then). A row with bad
fields is still staged (with a harmless value in place of the bad one) so that rows referring to it
are not also reported as unknown; the import then stops before merging anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from art28.core.countries import normalise_country, parse_country_list
from art28.core.glossary import CategoryMapper
from art28.core.models import CategoryKind, Language, Organisation
from art28.inventory.importers.problems import ProblemLog
from art28.inventory.models import Asset, AssetKind, FlowKind, Placement, Service, Site
from art28.inventory.timezones import time_zone_name

COLUMNS: dict[str, tuple[str, ...]] = {
    "sites": ("code", "name", "city", "country", "operator", "time_zone"),
    "customers": ("ref", "name", "country", "language", "email", "allowed_countries"),
    "assets": ("ref", "kind", "site", "parent", "service"),
    "placements": ("customer", "asset", "data_categories", "subject_categories", "subjects", "records"),
    "flows": ("asset", "kind", "to_asset", "to_site", "to_country"),
}
# Columns a file may leave out (files written before the column existed still import). A column left
# out reaches the validator as ABSENT and is staged as NULL: the merge keeps what is stored.
OPTIONAL_COLUMNS: dict[str, frozenset[str]] = {
    "sites": frozenset({"time_zone"}),
    "placements": frozenset({"subject_categories"}),
}
# No input value can be a lone NUL (NUL bytes are reported and removed), so it marks "column not given".
ABSENT = "\x00"
LIST_FIELDS = frozenset({"allowed_countries", "data_categories", "subject_categories"})
LANGUAGES = frozenset(Language.values)
ASSET_KINDS = frozenset(AssetKind.values)
FLOW_KINDS = frozenset(FlowKind.values)
MAX_COUNT = 2**63 - 1  # PositiveBigIntegerField


def _max(model: Any, name: str) -> int:
    return int(model._meta.get_field(name).max_length)


SITE_CODE = _max(Site, "code")
SITE_NAME = _max(Site, "name")
SITE_CITY = _max(Site, "city")
SITE_OPERATOR = _max(Site, "operator")
SITE_SOURCE_DETAIL = _max(Site, "country_source_detail")
ORG_REF = _max(Organisation, "ref")
ORG_NAME = _max(Organisation, "name")
ORG_EMAIL = _max(Organisation, "privacy_email")
ORG_ALLOWED = _max(Organisation, "allowed_countries")
ASSET_REF = _max(Asset, "ref")
SERVICE_NAME = _max(Service, "name")
CATEGORIES = _max(Placement, "data_categories")
SUBJECT_CATEGORIES = _max(Placement, "subject_categories")

Row = tuple[Any, ...]
Validator = Callable[[tuple[str, ...], str, int, ProblemLog], Row | None]


def text(value: str, field: str, limit: int, file: str, line: int, problems: ProblemLog, *, required: bool) -> str:
    value = value.strip()
    if not value:
        if required:
            problems.add(file, line, field, "required")
    elif len(value) > limit:
        problems.add(file, line, field, f"longer than {limit} characters")
    return value


def country(value: str, field: str, file: str, line: int, problems: ProblemLog) -> str:
    """An ISO 3166-1 alpha-2 code in upper case, or '' (unknown / none)."""
    value = value.strip()
    if not value:
        return ""
    try:
        return normalise_country(value)
    except ValueError as exc:
        problems.add(file, line, field, str(exc))
        return ""


def language(value: str, field: str, file: str, line: int, problems: ProblemLog) -> str:
    value = value.strip().lower() or Language.EN.value
    if value not in LANGUAGES:
        problems.add(file, line, field, f"{value!r} is not one of {', '.join(sorted(LANGUAGES))}")
        return Language.EN.value
    return value


def email(value: str, field: str, file: str, line: int, problems: ProblemLog) -> str:
    value = text(value, field, ORG_EMAIL, file, line, problems, required=False)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            problems.add(file, line, field, f"{value!r} is not an e-mail address")
    return value


def _count(value: str, field: str, file: str, line: int, problems: ProblemLog) -> int:
    value = value.strip()
    if not value:
        return 0
    if value.isascii() and value.isdigit():
        number = int(value)
        if number <= MAX_COUNT:
            return number
    problems.add(file, line, field, f"{value!r} is not a whole number from 0 to {MAX_COUNT}")
    return 0


def _kind(value: str, kinds: frozenset[str], file: str, line: int, problems: ProblemLog) -> str:
    value = value.strip().lower()
    if value not in kinds:
        shown = repr(value) if value else "empty"
        problems.add(file, line, "kind", f"{shown} is not one of {', '.join(sorted(kinds))}")
    return value


def time_zone(value: str, field: str, file: str, line: int, problems: ProblemLog) -> str:
    """An IANA time zone as the tz database spells it (case does not matter), or '' (the country's main zone)."""
    value = value.strip()
    if not value:
        return ""
    known = time_zone_name(value)
    if known is None:
        problems.add(file, line, field, f"unknown time zone {value!r} (an IANA name such as Europe/Zurich)")
        return ""
    return known


def site(values: tuple[str, ...], file: str, line: int, problems: ProblemLog) -> Row | None:
    code, name, city, country_, operator, time_zone_ = values
    code = text(code, "code", SITE_CODE, file, line, problems, required=True)
    name = text(name, "name", SITE_NAME, file, line, problems, required=True)
    city = text(city, "city", SITE_CITY, file, line, problems, required=False)
    country_ = country(country_, "country", file, line, problems)
    operator = text(operator, "operator", SITE_OPERATOR, file, line, problems, required=False)
    # Not given (no such column or field): None, and the merge keeps the stored zone.
    zone = None if time_zone_ == ABSENT else time_zone(time_zone_, "time_zone", file, line, problems)
    source = Site.CountrySource.DECLARED if country_ else Site.CountrySource.UNKNOWN
    return (code, name, city, country_, source.value, "", operator, zone) if code else None


def customer(values: tuple[str, ...], file: str, line: int, problems: ProblemLog) -> Row | None:
    ref, name, country_, language_, email_, allowed = values
    ref = text(ref, "ref", ORG_REF, file, line, problems, required=True)
    name = text(name, "name", ORG_NAME, file, line, problems, required=True)
    country_ = country(country_, "country", file, line, problems)
    language_ = language(language_, "language", file, line, problems)
    email_ = email(email_, "email", file, line, problems)
    try:
        allowed = ";".join(parse_country_list(allowed))
    except ValueError as exc:
        problems.add(file, line, "allowed_countries", str(exc))
        allowed = ""
    if len(allowed) > ORG_ALLOWED:
        problems.add(file, line, "allowed_countries", f"longer than {ORG_ALLOWED} characters")
    return (ref, name, country_, language_, email_, allowed) if ref else None


def asset(values: tuple[str, ...], file: str, line: int, problems: ProblemLog) -> Row | None:
    ref, kind, site_, parent, service = values
    ref = text(ref, "ref", ASSET_REF, file, line, problems, required=True)
    kind = _kind(kind, ASSET_KINDS, file, line, problems)
    site_ = text(site_, "site", SITE_CODE, file, line, problems, required=False)
    parent = text(parent, "parent", ASSET_REF, file, line, problems, required=False)
    service = text(service, "service", SERVICE_NAME, file, line, problems, required=False)
    return (ref, kind, site_, parent, service) if ref else None


def placement(values: tuple[str, ...], file: str, line: int, problems: ProblemLog) -> Row | None:
    # The hot path of a 1M-row import: plain values pass without a call; anything else goes
    # through the general checks, which report it.
    customer_, asset_, categories, subject_categories, subjects, records = values
    customer_, asset_ = customer_.strip(), asset_.strip()
    if not customer_ or len(customer_) > ORG_REF:
        text(customer_, "customer", ORG_REF, file, line, problems, required=True)
    if not asset_ or len(asset_) > ASSET_REF:
        text(asset_, "asset", ASSET_REF, file, line, problems, required=True)
    if categories:
        categories = _mapper().stored(categories, DATA)
        if len(categories) > CATEGORIES:
            problems.add(file, line, "data_categories", f"longer than {CATEGORIES} characters")
    # GDPR Art. 33(3)(a), DSV Art. 15(1)(d): the categories of data subjects, listed like data_categories.
    staged_subject_categories = (
        None
        if subject_categories == ABSENT
        else category_list(
            subject_categories, "subject_categories", SUBJECT_CATEGORIES, file, line, problems, kind=SUBJECTS
        )
    )
    if subjects.isdigit() and len(subjects) < 19 and subjects.isascii():
        number_of_subjects = int(subjects)
    else:
        number_of_subjects = _count(subjects, "subjects", file, line, problems)
    if records.isdigit() and len(records) < 19 and records.isascii():
        number_of_records = int(records)
    else:
        number_of_records = _count(records, "records", file, line, problems)
    if not customer_ or not asset_:
        return None
    return (customer_, asset_, categories, staged_subject_categories, number_of_subjects, number_of_records)


def category_list(
    value: str, field: str, limit: int, file: str, line: int, problems: ProblemLog, *, kind: str = CategoryKind.DATA
) -> str:
    """A ';'-separated list of categories as stored (glossary terms, sorted, no duplicates), at most ``limit``
    characters."""
    stored = _mapper().stored(value, kind) if value else ""
    if len(stored) > limit:
        problems.add(file, line, field, f"longer than {limit} characters")
    return stored


# Categories are mapped to the glossary's terms (names and aliases, case- and space-insensitively) as rows
# are staged: one query per glossary for the whole import, then a dict lookup per distinct list (a
# provider's placements share a few combinations). Terms not in the glossary are kept as given and
# collected in ``unknown`` for the import's summary. Outside an import: no glossary, lists only sorted.
DATA, SUBJECTS = CategoryKind.DATA.value, CategoryKind.SUBJECTS.value
_VERBATIM = CategoryMapper.verbatim()
_MAPPER: ContextVar[CategoryMapper | None] = ContextVar("category_mapper", default=None)


def _mapper() -> CategoryMapper:
    return _MAPPER.get() or _VERBATIM


@contextmanager
def mapping_categories() -> Iterator[CategoryMapper]:
    """Map the categories of the rows validated inside the block to the glossary (loaded here, once)."""
    mapper = CategoryMapper()
    token = _MAPPER.set(mapper)
    try:
        yield mapper
    finally:
        _MAPPER.reset(token)


def flow(values: tuple[str, ...], file: str, line: int, problems: ProblemLog) -> Row | None:
    asset_, kind, to_asset, to_site, to_country = values
    asset_ = text(asset_, "asset", ASSET_REF, file, line, problems, required=True)
    kind = _kind(kind, FLOW_KINDS, file, line, problems)
    to_asset = text(to_asset, "to_asset", ASSET_REF, file, line, problems, required=False)
    to_site = text(to_site, "to_site", SITE_CODE, file, line, problems, required=False)
    given = sum(1 for value in (to_asset, to_site, to_country.strip()) if value)
    to_country = country(to_country, "to_country", file, line, problems)
    if given != 1:
        problems.add(
            file,
            line,
            "to_asset/to_site/to_country",
            f"a flow goes to exactly one of to_asset, to_site, to_country ({given} given)",
        )
    return (asset_, kind, to_asset, to_site, to_country) if asset_ else None


VALIDATORS: dict[str, Validator] = {
    "sites": site,
    "customers": customer,
    "assets": asset,
    "placements": placement,
    "flows": flow,
}


def json_values(
    item: Any,
    columns: tuple[str, ...],
    file: str,
    line: int,
    problems: ProblemLog,
    optional: frozenset[str] = frozenset(),
) -> tuple[str, ...] | None:
    """A JSON object's fields as the strings a CSV row would hold (null = empty; numbers as digits;
    a list of strings for the ``LIST_FIELDS``). Unknown fields are problems. An optional column the
    object leaves out is ABSENT, as when a CSV file has no such column (the stored value is kept)."""
    if not isinstance(item, dict):
        problems.add(file, line, "-", f"expected an object with the fields {', '.join(columns)}")
        return None
    for key in item:
        if key not in columns:
            problems.add(file, line, str(key), f"unknown field (expected: {', '.join(columns)})")
    values = []
    for column in columns:
        value = item.get(column)
        if value is None and column not in item and column in optional:
            values.append(ABSENT)
        elif value is None:
            values.append("")
        elif isinstance(value, str):
            if "\x00" in value:  # "\u0000" in JSON: PostgreSQL text cannot hold it
                problems.add(file, line, column, "a NUL character, which text may not hold")
                value = value.replace("\x00", "")
            values.append(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            values.append(str(value))
        elif isinstance(value, float):
            values.append(str(int(value)) if value.is_integer() else repr(value))
        elif column in LIST_FIELDS and isinstance(value, list) and all(isinstance(v, str) for v in value):
            values.append(";".join(value))
        else:
            wanted = "a string or a list of strings" if column in LIST_FIELDS else "a string"
            problems.add(file, line, column, f"expected {wanted}, not {type(value).__name__}")
            values.append("")
    return tuple(values)
