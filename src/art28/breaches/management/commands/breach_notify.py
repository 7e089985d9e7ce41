"""`art28 breach-notify REF [--kind initial|update|final] [--message-file F | --message-file LANG=F ...]
[--reason TEXT] [--refreeze] [--json]` (S3).

Decides to notify when nobody has decided yet (freezing the affected customers), composes the notice
(the default text in each customer's language, or the body read from ``F``: for every language, or
for one with ``fr=F``), and sends it to exactly the affected customers. Prints the counts.
Without ``--kind``: the first notice if none was sent, else an update.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from art28.breaches.cli import dump, fail
from art28.breaches.decisions import incident_decide_notify, incident_impact_freeze
from art28.breaches.models import Decision, Incident, NoticeKind
from art28.breaches.notices import LANGUAGES, complete_texts, needed_languages
from art28.breaches.selectors import languages_of_affected
from art28.breaches.sending import notice_create, notice_send, notice_texts_update
from art28.core.audit import cli_actor
from art28.core.validation import validation_text


class Command(BaseCommand):
    help = "Freeze the impact if needed, compose the next notice and send it to the affected customers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ref", metavar="REF", help="The incident, e.g. INC-2026-0001.")
        parser.add_argument("--kind", choices=NoticeKind.values, default=None)
        parser.add_argument(
            "--message-file",
            action="append",
            default=[],
            metavar="[LANG=]FILE",
            help="The notice's body (placeholders allowed), for every language or for LANG only. Repeatable.",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="A reason for the decision to notify (needed to reverse an earlier 'no notification').",
        )
        parser.add_argument("--refreeze", action="store_true", help="Freeze the live impact again first.")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, ref: str, **options: Any) -> None:
        incident = Incident.objects.filter(ref=ref).first()
        if incident is None:
            fail(f"no incident {ref!r}")
        actor = cli_actor()
        bodies = self._bodies(options["message_file"])
        try:
            if incident.decision != Decision.NOTIFY:
                incident = incident_decide_notify(actor=actor, incident=incident, reason=options["reason"])
            elif options["refreeze"]:
                incident_impact_freeze(actor=actor, incident=incident)
            kind = options["kind"] or (
                NoticeKind.UPDATE if incident.notices.filter(sent_at__isnull=False).exists() else NoticeKind.INITIAL
            )
            notice = incident.notices.filter(sent_at__isnull=True).first()
            if notice is not None and notice.kind != kind:
                fail(f"notice no. {notice.sequence} ({notice.kind}) is waiting to be sent; send or discard it first")
            if notice is None:
                notice = notice_create(actor=actor, incident=incident, kind=kind)
            if bodies:
                languages = needed_languages(languages_of_affected(incident))
                texts = complete_texts(notice, incident, languages)
                changes = {
                    lang: {"subject": texts[lang]["subject"], "body": bodies.get(lang, bodies.get("*", ""))}
                    for lang in languages
                    if lang in bodies or "*" in bodies
                }
                notice = notice_texts_update(actor=actor, notice=notice, texts=changes)
            notice = notice_send(actor=actor, notice=notice)
        except ValidationError as exc:
            fail(validation_text(exc))
        result = {
            "incident": incident.ref,
            "notice": notice.sequence,
            "kind": notice.kind,
            "customers": notice.recipients,
            "deliveries": notice.deliveries,
        }
        if options["json"]:
            self.stdout.write(dump(result))
            return
        self.stdout.write(
            f"{incident.ref} notice no. {notice.sequence} ({notice.get_kind_display()}) sent to "
            f"{notice.recipients} customers ({notice.deliveries} deliveries queued)."
        )

    def _bodies(self, specs: list[str]) -> dict[str, str]:
        bodies: dict[str, str] = {}
        for spec in specs:
            language, sep, path = spec.partition("=")
            if not sep or language not in LANGUAGES:
                language, path = "*", spec
            try:
                bodies[language] = Path(path).read_text(encoding="utf-8")
            except OSError as exc:
                fail(f"cannot read {path}: {exc.strerror or exc}")
        return bodies
