"""The records as CSV, JSON (streamed, one controller at a time) and PDF (WeasyPrint, one controller or
the provider's own record). A PDF of every controller is refused on purpose: at 2,000-10,000 customers it
would be a document nobody reads and a long blocking render; CSV and JSON carry the same fields.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation

from art28.records.generation import ControllerRecord, ForeignState, processor
from art28.records.models import ProcessingActivity
from art28.records.services import ACTIVITY_FIELDS

FORMATS = ("csv", "json", "pdf")
BULK_FORMATS = ("csv", "json")
PDF_OF_ALL_REFUSED = (
    "A PDF of every controller's record takes minutes, too long for a web request: run "
    "`art28 records-export --format pdf --output records.zip` (one PDF per controller in a ZIP), "
    "or use CSV or JSON for all controllers, or the PDF of one controller."
)
CONTROLLER_COLUMNS = (
    "customer_ref",
    "customer_name",
    "customer_country",
    "customer_contact",
    "processor_name",
    "processor_address",
    "dpo_name",
    "dpo_email",
    "services",
    "data_categories",
    "subprocessors",
    "foreign_states",
    "measures",
    "generated_on",
)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}


class _Echo:
    def write(self, value: str) -> str:
        return value


def foreign_state_text(state: ForeignState) -> str:
    """``US: subprocessor Inboxly [gdpr safeguard: SCC …; nfadp safeguard: SCC …]`` for one state."""
    places = ", ".join(
        f"{p.kind} {p.name} [gdpr {p.gdpr.kind}{': ' + p.gdpr.basis if p.gdpr.basis else ''}; "
        f"nfadp {p.nfadp.kind}{': ' + p.nfadp.basis if p.nfadp.basis else ''}]"
        for p in state.places
    )
    return f"{state.country}: {places}"


def controller_row(record: ControllerRecord) -> list[str]:
    return [
        record.ref,
        record.name,
        record.country,
        record.contact,
        record.processor.name,
        record.processor.address,
        record.processor.dpo_name,
        record.processor.dpo_email,
        "; ".join(record.services),
        "; ".join(record.data_categories),
        "; ".join(f"{sp.name} ({','.join(sp.countries)})" for sp in record.subprocessors),
        " | ".join(foreign_state_text(state) for state in record.foreign_states),
        "; ".join(f"({m.area}) {m.title}" for m in record.measures),
        record.generated_on.isoformat(),
    ]


def controllers_csv(records: Iterable[ControllerRecord]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CONTROLLER_COLUMNS)
    for record in records:
        yield writer.writerow(controller_row(record))


def controllers_json(records: Iterable[ControllerRecord]) -> Iterator[str]:
    """``{"processor": …, "generated_on": …, "controllers": [...]}``, written one controller at a time."""
    head = {"format": "art28-records-30-2/2", "generated_on": timezone.localdate().isoformat()}
    yield json.dumps(head, cls=DjangoJSONEncoder)[:-1] + ', "controllers": ['
    for index, record in enumerate(records):
        yield ("," if index else "") + "\n" + json.dumps(record.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "\n]}\n"


def controller_json(record: ControllerRecord) -> str:
    return json.dumps(record.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _pdf(template: str, context: dict[str, Any], language: str = "en") -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is wanted

    with translation.override(language or "en"):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def controller_pdf(record: ControllerRecord, *, language: str = "en") -> bytes:
    return _pdf("records/record_pdf.html", {"record": record}, language)


# ----------------------------------------------------------------------------------------------------
# The provider's own record (Art. 30(1))


def activity_dict(activity: ProcessingActivity) -> dict[str, Any]:
    return {name: getattr(activity, name) for name in ACTIVITY_FIELDS if name != "position"}


def own_record_dict(activities: Iterable[ProcessingActivity]) -> dict[str, Any]:
    the_processor = processor()
    return {
        "format": "art28-records-30-1/1",
        "controller": {"name": the_processor.name, "address": the_processor.address},
        "dpo": {"name": the_processor.dpo_name, "email": the_processor.dpo_email},
        "generated_on": timezone.localdate().isoformat(),
        "activities": [activity_dict(a) for a in activities],
    }


def own_record_csv(activities: Iterable[ProcessingActivity]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    columns = [name for name in ACTIVITY_FIELDS if name != "position"]
    yield writer.writerow(columns)
    for activity in activities:
        yield writer.writerow([getattr(activity, name) for name in columns])


def own_record_json(activities: Iterable[ProcessingActivity]) -> str:
    return json.dumps(own_record_dict(activities), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def own_record_pdf(activities: Iterable[ProcessingActivity], *, language: str = "en") -> bytes:
    rows = list(activities)
    return _pdf("records/own_record_pdf.html", {"record": own_record_dict(rows), "activities": rows}, language)
