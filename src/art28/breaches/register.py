"""The breach register (GDPR Art. 33(5), DSV Art. 15(4)): every incident with its facts, effects,
decisions, notices and remedial action, as rows for the page, a streamed CSV and a PDF.

Effects are the impact frozen at the decision (AffectedCustomer rows); an undecided incident shows
none yet, its live impact is on its page.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from art28.breaches.models import Incident, Nature
from art28.breaches.selectors import register_incidents

COLUMNS = (
    "ref",
    "title",
    "phase",
    "nature",
    "declared_at",
    "declared_by",
    "aware_at",
    "started_at",
    "ended_at",
    "description",
    "scope_assets",
    "scope_sites",
    "scope_services",
    "window_from",
    "window_to",
    "severity_score",
    "severity_level",
    "decision",
    "decision_reason",
    "decided_at",
    "decided_by",
    "decisions",
    "affected_customers",
    "subjects",
    "records",
    "provider_commitment_due",
    "notices",
    "likely_consequences",
    "measures",
    "remedial_action",
    "closed_at",
    # Added after the others, so that existing spreadsheets keep their columns.
    "data_categories",
    "subject_categories",
)


def _time(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def decision_lines(incident: Incident) -> list[str]:
    return [
        f"{_time(d.decided_at)} {d.decision} by {d.decided_by_label}"
        + (f" ({d.customers} customers)" if d.customers else "")
        + (f": {d.reason}" if d.reason else "")
        for d in incident.decisions.all()
    ]


def notice_lines(incident: Incident) -> list[str]:
    lines = []
    for n in incident.notices.all():
        ack = getattr(n, "ack", {"messages": 0, "acknowledged": 0})
        if n.sent_at:
            lines.append(
                f"no. {n.sequence} {n.kind} sent {_time(n.sent_at)} by {n.sent_by_label} to {n.recipients} customers, "
                f"{ack['acknowledged']} acknowledged"
            )
        else:
            lines.append(f"no. {n.sequence} {n.kind} not sent")
    return lines


def register_row(incident: Incident) -> dict[str, Any]:
    """One incident as the register's flat record (the CSV row; the page and PDF show the same)."""
    score = getattr(incident, "severity_score", None)
    return {
        "ref": incident.ref,
        "title": incident.title,
        "phase": incident.phase,
        "nature": ";".join(incident.natures),
        "declared_at": _time(incident.declared_at),
        "declared_by": incident.declared_by_label,
        "aware_at": _time(incident.aware_at),
        "started_at": _time(incident.started_at),
        "ended_at": _time(incident.ended_at) or "ongoing",
        "description": incident.description,
        "scope_assets": ";".join(sorted(a.ref for a in incident.assets.all())),
        "scope_sites": ";".join(sorted(s.code for s in incident.sites.all())),
        "scope_services": ";".join(sorted(s.name for s in incident.services.all())),
        "window_from": _time(incident.window_from),
        "window_to": _time(incident.window_to),
        "severity_score": f"{score:.2f}" if score is not None else "",
        "severity_level": getattr(incident, "severity_level", None) or "",
        "decision": incident.decision,
        "decision_reason": incident.decision_reason,
        "decided_at": _time(incident.decided_at),
        "decided_by": incident.decided_by_label,
        "decisions": "\n".join(decision_lines(incident)),
        "affected_customers": getattr(incident, "frozen_customers", 0),
        "subjects": getattr(incident, "frozen_subjects", 0),
        "records": getattr(incident, "frozen_records", 0),
        "provider_commitment_due": _time(incident.notice_due_at),
        "notices": "\n".join(notice_lines(incident)),
        "likely_consequences": incident.consequences,
        "measures": incident.measures,
        "remedial_action": incident.remedial_action,
        "closed_at": _time(incident.closed_at),
        # GDPR Art. 33(3)(a), DSV Art. 15(1)(c),(d): over every frozen affected customer (register_incidents).
        "data_categories": ";".join(getattr(incident, "frozen_data_categories", [])),
        "subject_categories": ";".join(getattr(incident, "frozen_subject_categories", [])),
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(incidents: Iterable[Incident] | None = None, **filters: Any) -> Iterator[str]:
    """The register as CSV, one row per incident, written as it goes (a StreamingHttpResponse body)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for incident in register_incidents(**filters) if incidents is None else incidents:
        row = register_row(incident)
        yield writer.writerow([row[name] for name in COLUMNS])


def register_pdf(**filters: Any) -> bytes:
    """The register as PDF (WeasyPrint, from the same rows)."""
    from weasyprint import HTML  # heavy import, only when a PDF is wanted

    rows = [(incident, register_row(incident)) for incident in register_incidents(**filters)]
    html = render_to_string(
        "breaches/register_pdf.html",
        {
            "rows": rows,
            "generated_at": timezone.now(),
            "provider_name": settings.ART28_PROVIDER_NAME,
            "natures": dict(Nature.choices),
        },
    )
    return HTML(string=html).write_pdf()
