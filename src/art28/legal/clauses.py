"""What a DPA must contain, and what its front matter may grant (docs/legal-documents.md).

GDPR Art. 28(3): the contract between controller and processor sets out the subject-matter and duration,
the nature and purpose of the processing, the type of personal data, the categories of data subjects and
the controller's obligations and rights, and stipulates points (a) to (h) and the processor's duty to
say when an instruction infringes the law. nFADP Art. 9 (with DSV Art. 7) is the Swiss counterpart.

``REQUIRED_CLAUSES`` is that list as data: each clause has a language-neutral id, the marker the DPA's
Markdown carries at the start of the clause (``{clause:28-3-a}``, the same in every language), the
article and a short title for staff. Publishing a DPA version refuses one that lacks a clause
(``legal.services.version_publish``); staff see the checklist on the version page. Other documents are
not checked.

The front matter of a DPA version may grant the sub-processor authorisation its acceptance records
(GDPR Art. 28(2)): ``authorisation: general`` with ``notice_days: N``, or ``authorisation: specific``
(``notice_days`` optional, else the provider's own minimum). Other documents have no front matter keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from art28.legal.models import DocumentKind
from art28.legal.source import SourceError, clause_markers, read_source
from art28.subprocessors.models import Authorisation
from art28.subprocessors.rules import PROVIDER_MINIMUM_NOTICE_DAYS
from art28.subprocessors.services import MAX_NOTICE_DAYS


@dataclass(frozen=True)
class RequiredClause:
    id: str
    article: str
    title: Promise
    swiss: str = ""  # where nFADP / DSV has the same rule

    @property
    def marker(self) -> str:
        return f"{{clause:{self.id}}}"

    @property
    def label(self) -> str:
        return f"{self.article}: {self.title}"


ART_28_3 = "GDPR Art. 28(3)"
REQUIRED_CLAUSES: tuple[RequiredClause, ...] = (
    RequiredClause("28-3-subject-duration", ART_28_3, _("subject-matter and duration of the processing")),
    RequiredClause("28-3-nature-purpose", ART_28_3, _("nature and purpose of the processing")),
    RequiredClause("28-3-data-types", ART_28_3, _("type of personal data")),
    RequiredClause("28-3-data-subjects", ART_28_3, _("categories of data subjects")),
    RequiredClause("28-3-controller", ART_28_3, _("obligations and rights of the controller")),
    RequiredClause(
        "28-3-a",
        "GDPR Art. 28(3)(a)",
        _(
            "processing only on documented instructions, transfers included; the controller told of a legal "
            "requirement to process before processing"
        ),
        "nFADP Art. 9(1)(a)",
    ),
    RequiredClause(
        "28-3-infringing-instruction",
        "GDPR Art. 28(3), second subparagraph",
        _("the controller told at once of an instruction that in the processor's opinion infringes the law"),
    ),
    RequiredClause("28-3-b", "GDPR Art. 28(3)(b)", _("confidentiality of the persons authorised to process")),
    RequiredClause(
        "28-3-c", "GDPR Art. 28(3)(c)", _("security of processing (Art. 32 measures)"), "nFADP Art. 8, Art. 9(2)"
    ),
    RequiredClause(
        "28-3-d",
        "GDPR Art. 28(3)(d), 28(2) and (4)",
        _(
            "sub-processors: prior authorisation, the same obligations imposed by contract, full liability "
            "to the controller"
        ),
        "nFADP Art. 9(3), DSV Art. 7",
    ),
    RequiredClause(
        "28-3-e",
        "GDPR Art. 28(3)(e)",
        _("assistance with the data subjects' rights (Chapter III)"),
        "nFADP Art. 25 ff.",
    ),
    RequiredClause(
        "28-3-f",
        "GDPR Art. 28(3)(f)",
        _("assistance with Arts. 32 to 36: security, breach notification, impact assessment, prior consultation"),
        "nFADP Art. 24(3) (breaches), Arts. 22-23 (impact assessment)",
    ),
    RequiredClause(
        "28-3-g",
        "GDPR Art. 28(3)(g)",
        _("at the end, deletion or return of the data at the controller's choice, and deletion of copies"),
    ),
    RequiredClause(
        "28-3-h",
        "GDPR Art. 28(3)(h)",
        _("information to demonstrate compliance; audits and inspections by the controller or its auditor"),
    ),
)
CLAUSES_BY_ID = {clause.id: clause for clause in REQUIRED_CLAUSES}

# The front matter keys each kind of document may carry.
FRONT_MATTER_KEYS: dict[str, tuple[str, ...]] = {DocumentKind.DPA: ("authorisation", "notice_days")}


@dataclass(frozen=True)
class AuthorisationGrant:
    """What accepting a DPA version authorises (GDPR Art. 28(2)): general or specific, and the notice."""

    authorisation: str
    notice_days: int


def _grant(fields: dict[str, tuple[str, int]]) -> tuple[AuthorisationGrant | None, list[str]]:
    errors: list[str] = []
    authorisation = fields.get("authorisation")
    notice = fields.get("notice_days")
    days: int | None = None
    if notice is not None:
        value, line = notice
        if not value.isdigit():
            errors.append(f"line {line}: notice_days: {value!r} is not a whole number of days")
        elif not 1 <= int(value) <= MAX_NOTICE_DAYS:
            errors.append(f"line {line}: notice_days: a notice period is between 1 and {MAX_NOTICE_DAYS} days")
        else:
            days = int(value)
    if authorisation is None:
        if notice is not None:
            errors.append(f"line {notice[1]}: notice_days: given without an authorisation (general or specific)")
        return None, errors
    value, line = authorisation
    if value not in Authorisation.values:
        errors.append(f"line {line}: authorisation: {value!r} is neither general nor specific")
    elif value == Authorisation.GENERAL and notice is None:
        errors.append(
            f"line {line}: authorisation: general needs notice_days, the period within which the customer may "
            "object to a change of sub-processors (GDPR Art. 28(2))"
        )
    if errors:
        return None, errors
    return AuthorisationGrant(value, days if days is not None else PROVIDER_MINIMUM_NOTICE_DAYS), []


def source_errors(body: str, kind: str) -> list[str]:
    """Everything wrong with a version's front matter and (for the DPA) its clause markers, each naming
    its line and key; empty when it can be saved."""
    try:
        source = read_source(body)
    except SourceError as exc:
        return [str(exc)]
    allowed = FRONT_MATTER_KEYS.get(kind, ())
    errors = [
        f"line {field.line}: {key}: unknown front matter key"
        + (f" (a {kind} document may have: {', '.join(allowed)})" if allowed else f" (a {kind} document has none)")
        for key, field in source.front_matter.items()
        if key not in allowed
    ]
    if kind == DocumentKind.DPA:
        fields = {key: (field.value, field.line) for key, field in source.front_matter.items() if key in allowed}
        errors += _grant(fields)[1]
        found, stray = clause_markers(body)
        errors += [
            f"line {m.line}: {{clause:{m.clause_id}}} is not a clause of the checklist"
            for m in found
            if m.clause_id not in CLAUSES_BY_ID
        ]
        errors += [
            f"line {m.line}: {m.clause_id} is not a clause marker: a marker {{clause:ID}} starts its paragraph, "
            "heading, list item or table cell"
            for m in stray
        ]
    return errors


def authorisation_grant(body: str) -> AuthorisationGrant | None:
    """The authorisation a DPA version grants, or None when its front matter grants none. The version
    was checked when saved; a malformed one grants nothing."""
    try:
        source = read_source(body)
    except SourceError:
        return None
    fields = {key: (f.value, f.line) for key, f in source.front_matter.items()}
    return _grant(fields)[0]


def front_matter(body: str) -> dict[str, str]:
    """The front matter as written (for staff), or empty."""
    try:
        return {key: f.value for key, f in read_source(body).front_matter.items()}
    except SourceError:
        return {}


@dataclass(frozen=True)
class ClauseCheck:
    clause: RequiredClause
    lines: list[int]

    @property
    def present(self) -> bool:
        return bool(self.lines)


def clause_checklist(body: str) -> list[ClauseCheck]:
    """Each required clause with the lines where the DPA marks it (none: missing)."""
    found, _stray = clause_markers(body)
    return [ClauseCheck(clause, [m.line for m in found if m.clause_id == clause.id]) for clause in REQUIRED_CLAUSES]


def missing_clauses(body: str) -> list[RequiredClause]:
    return [check.clause for check in clause_checklist(body) if not check.present]
