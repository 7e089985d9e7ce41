"""The glossary of data categories: the terms customers read, in their language (GDPR Art. 12(1), 28(3),
30(2)(b), 33(3)(a); nFADP Art. 19(2), DSV Art. 15(1)(d)).

Two glossaries (``CategoryKind``): categories of personal data and categories of data subjects. Each entry's
English ``name`` is the key stored in the ';'-separated category fields (placements, sub-processors, the
frozen impact of a breach), so what was stored before the glossary keeps working; ``name_i18n`` holds
the French, German and Italian terms (art28.core.translated).

Imports and services map free text to entries with ``canonical_categories`` / ``CategoryMapper``: a term
matching a name or an alias (case- and whitespace-insensitively) is stored as the entry's name; any other
term is kept verbatim and reported, never refused (a nightly sync must not fail for a new term). Staff see
those on the glossary page under "in use but not in the glossary" (``categories_not_in_glossary``).

Core imports no domain app: the fields that hold categories are named by model label (``CATEGORY_FIELDS``)
and resolved through the app registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from art28.core.audit import Actor, audit_record, changed_fields
from art28.core.display import number_text
from art28.core.models import CategoryKind, DataCategory
from art28.core.translated import DEFAULT_LANGUAGE, Localized, clean_translations, language_name, pick

# Where categories are stored: (model label, field, glossary, what staff call those rows). Read by the
# "in use" checks; a new field holding categories is added here.
CATEGORY_FIELDS: tuple[tuple[str, str, str, Any], ...] = (
    ("inventory.Placement", "data_categories", CategoryKind.DATA, gettext_lazy("placements")),
    ("inventory.Placement", "subject_categories", CategoryKind.SUBJECTS, gettext_lazy("placements")),
    ("subprocessors.SubProcessor", "data_categories", CategoryKind.DATA, gettext_lazy("sub-processors")),
    ("breaches.AffectedCustomer", "data_categories", CategoryKind.DATA, gettext_lazy("breach impacts")),
    ("breaches.AffectedCustomer", "subject_categories", CategoryKind.SUBJECTS, gettext_lazy("breach impacts")),
)
SEPARATOR = ";"
FIELDS = ("kind", "name", "name_i18n", "description", "description_i18n", "aliases")


def term_key(text: str) -> str:
    """How terms are compared: case-insensitively, runs of white space as one space."""
    return " ".join(text.split()).casefold()


def split_terms(value: str | Iterable[str]) -> list[str]:
    """The terms of a ';'-separated text (or of a list), stripped, blanks dropped."""
    parts = value.split(SEPARATOR) if isinstance(value, str) else value
    return [part.strip() for part in parts if part and part.strip()]


# --- reads ---------------------------------------------------------------------------------------------


def glossary_lookups() -> dict[str, dict[str, str]]:
    """{glossary: {term key of a name or alias: the entry's name}} for both glossaries, in ONE query."""
    lookups: dict[str, dict[str, str]] = {kind.value: {} for kind in CategoryKind}
    for kind, name, aliases in DataCategory.objects.values_list("kind", "name", "aliases"):
        lookup = lookups.setdefault(kind, {})
        for alias in split_terms(aliases):
            lookup.setdefault(term_key(alias), name)
        lookup[term_key(name)] = name
    return lookups


def glossary_lookup(kind: str) -> dict[str, str]:
    """{term key of a name or alias: the entry's name} for one glossary, in ONE query."""
    return glossary_lookups()[str(kind)]


def canonical_categories(
    texts: str | Iterable[str], kind: str, lookup: dict[str, str] | None = None
) -> tuple[list[str], list[str]]:
    """The terms as stored (sorted, no duplicates; a name or alias becomes the entry's name, any other term
    stays as given) and the terms not in the glossary. One query unless ``lookup`` is given."""
    lookup = glossary_lookup(kind) if lookup is None else lookup
    mapped: set[str] = set()
    unknown: set[str] = set()
    for term in split_terms(texts):
        name = lookup.get(term_key(term))
        if name is None:
            unknown.add(term)
            mapped.add(term)
        else:
            mapped.add(name)
    return sorted(mapped), sorted(unknown)


class CategoryMapper:
    """Maps ';'-separated category lists of many rows with one query per glossary, then in memory; each
    distinct list is mapped once. ``unknown[kind]`` collects the terms that are not in the glossary."""

    CACHE_LIMIT = 65536

    def __init__(self, lookups: dict[str, dict[str, str]] | None = None, *, collect: bool = True) -> None:
        self._lookups = lookups if lookups is not None else glossary_lookups()
        self._cache: dict[tuple[str, str], str] = {}
        self._collect = collect
        self.unknown: dict[str, set[str]] = {kind.value: set() for kind in CategoryKind}

    @classmethod
    def verbatim(cls) -> CategoryMapper:
        """A mapper without glossary (no query): lists are only sorted and deduplicated, nothing collected."""
        return cls({kind.value: {} for kind in CategoryKind}, collect=False)

    def stored(self, value: str, kind: str) -> str:
        hit = self._cache.get((kind, value))
        if hit is None:
            mapped, unknown = canonical_categories(value, kind, self._lookups[kind])
            if self._collect:
                self.unknown[kind].update(unknown)
            hit = SEPARATOR.join(mapped)
            if len(self._cache) >= self.CACHE_LIMIT:
                self._cache.clear()
            self._cache[(kind, value)] = hit
        return hit


def glossary_names(kind: str, language: str | None = None) -> dict[str, Localized]:
    """{English term: the term in ``language`` (the active one when None)} for one glossary, ONE query."""
    language = (language or translation.get_language() or DEFAULT_LANGUAGE).split("-")[0]
    return {
        name: pick(name, i18n, language)
        for name, i18n in DataCategory.objects.filter(kind=kind).values_list("name", "name_i18n")
    }


def glossary_translations(kind: str) -> dict[str, dict[str, str]]:
    """{English term: {"en": term, "fr": …}} with every language that has a text: the public JSON's ``…_i18n``."""
    return {
        name: {DEFAULT_LANGUAGE: name, **(i18n or {})}
        for name, i18n in DataCategory.objects.filter(kind=kind).values_list("name", "name_i18n")
    }


class GlossaryTexts:
    """Both glossaries' terms in every language, read in ONE query, for texts written for many readers in
    their own languages (a breach notice sent to thousands of customers): no query per reader."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], dict[str, str]] = {
            (kind, term_key(name)): i18n or {}
            for kind, name, i18n in DataCategory.objects.values_list("kind", "name", "name_i18n")
        }

    def terms(self, value: str | Iterable[str], kind: str, language: str) -> list[Localized]:
        """The stored terms in ``language``; without translation or entry: the English, ``missing`` set."""
        return [pick(term, self._rows.get((str(kind), term_key(term))), language) for term in split_terms(value)]

    def translations(self, value: str | Iterable[str], kind: str) -> dict[str, dict[str, str]]:
        """{stored term: {"en": term, "fr": …}} with every language the glossary has for it (a term outside
        the glossary: English only): the JSON's ``data_categories_i18n`` next to the English list."""
        return {
            term: {DEFAULT_LANGUAGE: term, **self._rows.get((str(kind), term_key(term)), {})}
            for term in split_terms(value)
        }

    def text(self, value: str | Iterable[str], kind: str, language: str, separator: str = "; ") -> str:
        """Plain text: the terms joined, each one shown in English marked "(not available in <language>)"."""
        with translation.override(language):
            return separator.join(
                f"{term.text} ({_('not available in %(language)s') % {'language': language_name(term.wanted)}})"
                if term.missing
                else term.text
                for term in self.terms(value, kind, language)
            )


def localize_terms(terms: Iterable[str], names: dict[str, Localized], language: str) -> list[Localized]:
    """Each stored term in ``language`` from ``names`` (``glossary_names`` keyed by ``term_key``, so a list
    stored before the glossary as "Contact details" still finds "contact details"); a term without entry
    is its English self (``missing`` when the reader's language is not English)."""
    return [names.get(term_key(term)) or pick(term, None, language) for term in terms]


def _contains(field_name: str, term: str) -> Q:
    sep = SEPARATOR
    return (
        Q(**{field_name: term})
        | Q(**{f"{field_name}__startswith": term + sep})
        | Q(**{f"{field_name}__endswith": sep + term})
        | Q(**{f"{field_name}__contains": sep + term + sep})
    )


def category_uses(category: DataCategory) -> dict[str, int]:
    """{model verbose name (plural): rows holding the term} where the entry's name is stored."""
    uses: dict[str, int] = {}
    for label, field_name, kind, rows in CATEGORY_FIELDS:
        if kind != category.kind:
            continue
        model = apps.get_model(label)
        count = model._default_manager.filter(_contains(field_name, category.name)).count()
        if count:
            uses[str(rows)] = uses.get(str(rows), 0) + count
    return uses


@dataclass
class UnlistedTerm:
    """A term stored somewhere but not in the glossary (neither a name nor an alias)."""

    kind: str
    term: str
    where: list[str] = field(default_factory=list)


def categories_not_in_glossary() -> list[UnlistedTerm]:
    """The terms in use that the glossary lacks, from the DISTINCT lists of each field (set-based: a
    provider's million placements share a few combinations), sorted by glossary and term."""
    lookups = glossary_lookups()
    found: dict[tuple[str, str], UnlistedTerm] = {}
    for label, field_name, kind, rows in CATEGORY_FIELDS:
        model = apps.get_model(label)
        values = model._default_manager.exclude(**{field_name: ""}).values_list(field_name, flat=True).distinct()
        where = str(rows)
        for value in values.order_by():
            for term in split_terms(value):
                if term_key(term) in lookups[kind]:
                    continue
                entry = found.setdefault((kind, term), UnlistedTerm(kind, term))
                if where not in entry.where:
                    entry.where.append(where)
    return [found[key] for key in sorted(found, key=lambda k: (k[0], k[1].casefold()))]


# --- writes --------------------------------------------------------------------------------------------


def _snapshot(category: DataCategory) -> dict[str, Any]:
    return {name: getattr(category, name) for name in FIELDS}


def _clean(category: DataCategory) -> None:
    """Normalise and check an entry; ValidationError names the field, nothing is saved."""
    errors: dict[str, Any] = {}
    category.name = " ".join((category.name or "").split())
    category.description = (category.description or "").strip()
    if SEPARATOR in category.name:
        errors["name"] = _("A term cannot contain “;” (it separates terms).")
    aliases: dict[str, str] = {}
    for alias in split_terms((category.aliases or "").replace(",", SEPARATOR).replace("\n", SEPARATOR)):
        alias = " ".join(alias.split())
        if term_key(alias) != term_key(category.name):
            aliases.setdefault(term_key(alias), alias)
    category.aliases = SEPARATOR.join(sorted(aliases.values(), key=str.casefold))
    for name in ("name", "description"):
        try:
            setattr(category, f"{name}_i18n", clean_translations(getattr(category, f"{name}_i18n"), field=name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        category.full_clean(exclude=["name_i18n", "description_i18n"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if category.name and "name" not in errors and "kind" not in errors:
        others = DataCategory.objects.filter(kind=category.kind).exclude(pk=category.pk)
        taken: dict[str, tuple[str, bool]] = {}
        for name, other_aliases in others.values_list("name", "aliases"):
            taken[term_key(name)] = (name, False)
            for alias in split_terms(other_aliases):
                taken.setdefault(term_key(alias), (name, True))
        if (clash := taken.get(term_key(category.name))) is not None:
            errors["name"] = (
                _("“%(term)s” is already an alias of “%(name)s”.") % {"term": category.name, "name": clash[0]}
                if clash[1]
                else _("“%(name)s” is already in this glossary.") % {"name": clash[0]}
            )
        clashes = [f"“{alias}” ({taken[key][0]})" for key, alias in aliases.items() if key in taken]
        if clashes:
            errors["aliases"] = _("Already a term or alias of another entry: %(terms)s.") % {
                "terms": ", ".join(clashes)
            }
    if errors:
        raise ValidationError(errors)


def data_category_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    name_i18n: dict[str, str] | None = None,
    description: str = "",
    description_i18n: dict[str, str] | None = None,
    aliases: str = "",
) -> DataCategory:
    """Add a term to a glossary, with its translations and aliases; audited."""
    with transaction.atomic():
        category = DataCategory(
            kind=kind,
            name=name,
            name_i18n=name_i18n or {},
            description=description,
            description_i18n=description_i18n or {},
            aliases=aliases,
        )
        _clean(category)
        category.save()
        audit_record(actor=actor, action="data_category.create", obj=category, after=_snapshot(category))
    return category


def data_category_update(*, actor: Actor, category: DataCategory, **changes: Any) -> DataCategory:
    """Change an entry. The name is the key the stored lists hold, so it does not change (not even its
    case) while a list uses it, nor does the glossary; the translations, description and aliases always may."""
    with transaction.atomic():
        current = DataCategory.objects.select_for_update().get(pk=category.pk)
        before = _snapshot(current)
        for name, value in changes.items():
            if name not in FIELDS:
                raise ValueError(f"unknown data category field {name!r}")
            setattr(current, name, value)
        _clean(current)
        stored = DataCategory(kind=before["kind"], name=before["name"])
        renamed = current.name != before["name"] and current.kind == before["kind"]
        if renamed and (uses := category_uses(stored)):
            raise ValidationError({"name": _in_use(before["name"], uses)})
        if current.kind != before["kind"] and (uses := category_uses(stored)):
            raise ValidationError({"kind": _in_use(before["name"], uses)})
        after = _snapshot(current)
        if after != before:
            current.save()
            audit_record(actor=actor, action="data_category.update", obj=current, **changed_fields(before, after))
    return current


def data_category_delete(*, actor: Actor, category: DataCategory) -> None:
    """Remove an unused entry; refused (naming where it is used) while a stored list holds the term,
    because those lists would lose their translations."""
    with transaction.atomic():
        current = DataCategory.objects.select_for_update().get(pk=category.pk)
        if uses := category_uses(current):
            raise ValidationError({"name": _in_use(current.name, uses)})
        audit_record(actor=actor, action="data_category.delete", obj=current, before=_snapshot(current))
        current.delete()


def _in_use(name: str, uses: dict[str, int]) -> str:
    where = ", ".join(f"{number_text(count)} {where}" for where, count in uses.items())
    return _("“%(name)s” is in use (%(where)s): change it there first.") % {"name": name, "where": where}
