"""The demo's DPIA packs (GDPR Art. 28(3)(f); docs/dpia.md): the demo customer's pack of each service its
data is on, generated from everything loaded before (last, after the evidence: the measures' statuses are
the collected ones), and one JSON download by its administrator, so that the portal shows a version and
the staff page who downloaded it."""

from __future__ import annotations

from art28.core.audit import SystemActor
from art28.core.models import User
from art28.demo.logins import CUSTOMER_EMAILS
from art28.duties.dpia_selectors import dpia_services_for_organisation
from art28.duties.dpia_services import dpia_pack_download_record, dpia_pack_generate


def load_demo_dpia(actor: SystemActor) -> str:
    admin = User.objects.filter(email=CUSTOMER_EMAILS[0]).select_related("organisation").first()
    if admin is None or admin.organisation is None:
        return "DPIA packs: skipped (the demo customer is needed)"
    organisation = admin.organisation
    packs = [
        dpia_pack_generate(actor=actor, organisation=organisation, service=service)
        for service, _latest in dpia_services_for_organisation(organisation)
    ]
    if packs:
        dpia_pack_download_record(actor=admin, pack=packs[0], format="json")
    return f"DPIA packs: {len(packs)} generated for {organisation.ref}, one downloaded by its administrator"
