"""`art28 load-demo`: a fictional Swiss provider with ~2,000 customers and ~50,000 placements."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.core.services import security_txt_renew, user_create
from art28.demo.generator import DemoShape, write_demo_inventory
from art28.demo.logins import CUSTOMER_EMAILS, DEMO_PASSWORD, STAFF, demo_logins_text
from art28.inventory.importers import import_inventory
from art28.residency.engine import FLOW_OUTSIDE, run_audit


class Command(BaseCommand):
    help = "Load the demo provider (sites in Geneva, Zurich and a Frankfurt colocation), customers and users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if organisations already exist.")
        parser.add_argument("--print-logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument(
            "--no-logins", action="store_true", help="Do not print the logins after loading (`make demo` prints them)."
        )
        parser.add_argument("--customers", type=int, default=DemoShape.customers)

    def handle(
        self, *args: Any, if_empty: bool, print_logins: bool, no_logins: bool, customers: int, **options: Any
    ) -> None:
        if print_logins:
            self._print_logins()
            return
        if if_empty and Organisation.objects.exists():
            self.stdout.write("demo data already loaded (organisations exist); nothing to do")
            return
        actor = SystemActor("load-demo")
        loaded_since = timezone.now()
        from art28.demo.glossary import load_demo_glossary

        self.stdout.write(load_demo_glossary(actor))  # first: the import maps categories to it
        with tempfile.TemporaryDirectory() as folder:
            counts = write_demo_inventory(Path(folder), DemoShape(customers=customers))
            self.stdout.write(f"generated {counts}")
            report = import_inventory(Path(folder), format="csv", actor=actor)
        for entity, figures in report.counts.items():
            self.stdout.write(f"  {entity}: {figures}")
        self._create_users(actor)
        from art28.demo.dpo import load_demo_dpo, load_demo_dpo_profile

        load_demo_dpo_profile(actor)  # first: every notice and document sent below names the DPO
        self._declare_demo_incident(actor)
        from art28.demo.legal import load_demo_legal
        from art28.demo.records import load_demo_records
        from art28.demo.subprocessors import announce_demo_change, load_demo_authorisations, load_demo_subprocessors

        self.stdout.write(load_demo_subprocessors(actor))
        self.stdout.write(load_demo_legal(actor))
        self.stdout.write(load_demo_records(actor))
        from art28.demo.evidence import load_demo_controls

        self.stdout.write(load_demo_controls(actor))  # before any DPA is accepted: the DPA annexes them
        self.stdout.write(load_demo_dpo(actor))
        # After all the DPA shows (the countersigned PDF is the portal's), before the change is announced
        # (each customer is told under the authorisation recorded for it, GDPR Art. 28(2)).
        self.stdout.write(load_demo_authorisations(actor))
        self.stdout.write(announce_demo_change(actor))
        self._renew_security_txt(actor)
        from art28.demo.assurance import load_demo_assurance

        self.stdout.write(load_demo_assurance(actor))
        from art28.demo.patching import load_demo_patching

        self.stdout.write(load_demo_patching(actor))
        from art28.demo.pentests import load_demo_pentests

        self.stdout.write(load_demo_pentests(actor))
        from art28.demo.isolation import load_demo_isolation

        self.stdout.write(load_demo_isolation(actor))  # it serves the demo's own data over HTTP
        from art28.demo.physical import load_demo_physical

        self.stdout.write(load_demo_physical(actor))  # a year of badge events; the Frankfurt cage's among them
        from art28.demo.evidence import load_demo_evidence
        from art28.demo.history import backdate_demo_history

        # The inventory held for the past year, so that the collectors find a year of weekly audits.
        self.stdout.write(backdate_demo_history(actor, loaded_since=loaded_since))
        from art28.demo.duties import load_demo_duties

        self.stdout.write(load_demo_duties(actor))  # after the history: the deletions end rows of the present
        self.stdout.write(load_demo_evidence(actor))  # it collects the evidence of all the above
        from art28.demo.dpia import load_demo_dpia

        self.stdout.write(load_demo_dpia(actor))  # last: the packs read everything, the evidence's statuses too
        if not no_logins:
            self._print_logins()

    def _renew_security_txt(self, actor: SystemActor) -> None:
        """RFC 9116 §2.5.5: the demo's security.txt is published, valid for half a year (staff renew it)."""
        record = security_txt_renew(actor=actor, expires_at=timezone.now() + timedelta(days=180))
        self.stdout.write(f"security.txt published, expires {record.expires_at:%Y-%m-%d}")

    def _declare_demo_incident(self, actor: SystemActor) -> None:
        """A breach at the Frankfurt cage, notified: the demo customer finds the notice in its inbox."""
        from decimal import Decimal

        from art28.breaches.decisions import incident_decide_notify
        from art28.breaches.sending import notice_create, notice_send
        from art28.breaches.services import incident_declare, severity_assess
        from art28.breaches.severity import SeverityInput

        now = timezone.now()
        incident = incident_declare(
            actor=actor,
            title="Unauthorised access to the Frankfurt colocation cage",
            description=(
                "The colocation operator reported that a contractor's badge opened our cage in Frankfurt. "
                "The cage holds a backup set that Zurich backups were copied to by mistake."
            ),
            aware_at=now - timedelta(hours=5),
            started_at=now - timedelta(hours=30),
            ended_at=now - timedelta(hours=29),
            natures=["confidentiality"],
            sites=["FRA1"],
            consequences="Backup copies may have been read; we have no sign that they were copied.",
            measures="Badge revoked, disks of the backup set wiped and the copy to Frankfurt stopped.",
        )
        severity_assess(
            actor=actor,
            incident=incident,
            values=SeverityInput(
                dpc_base=1, ease_of_identification=Decimal("0.75"), cb_confidentiality=Decimal("0.25")
            ),
            notes="Encrypted at rest, but the key custody is being checked.",
        )
        incident_decide_notify(actor=actor, incident=incident, reason="Customer data copied to the cage.")
        notice_send(actor=actor, notice=notice_create(actor=actor, incident=incident, kind="initial"))
        self.stdout.write(f"declared and notified demo incident {incident.ref}")

    def _create_users(self, actor: SystemActor) -> None:
        affected = sorted({v.customer for v in run_audit() if v.reason == FLOW_OUTSIDE})
        clean = Organisation.objects.exclude(ref__in=affected).order_by("ref").first()
        with transaction.atomic():
            for email, role, name in STAFF:
                if not User.objects.filter(email=email).exists():
                    user_create(actor=actor, email=email, role=role, password=DEMO_PASSWORD, name=name)
            customer_users = []
            if affected:
                org = Organisation.objects.get(ref=affected[0])
                customer_users += [
                    (CUSTOMER_EMAILS[0], Role.CUSTOMER_ADMIN, org),
                    (CUSTOMER_EMAILS[1], Role.CUSTOMER_VIEWER, org),
                ]
            if clean is not None:
                customer_users.append((CUSTOMER_EMAILS[2], Role.CUSTOMER_ADMIN, clean))
            for email, role, org in customer_users:
                if not User.objects.filter(email=email).exists():
                    user_create(actor=actor, email=email, role=role, password=DEMO_PASSWORD, organisation=org)

    def _print_logins(self) -> None:
        self.stdout.write(f"\n{demo_logins_text()}\n")
