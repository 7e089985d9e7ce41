"""End of contract in the portal (GDPR Art. 28(3)(g); docs/duties.md): a customer administrator asks for
return or deletion; every user of the customer follows each place its data is until the signed
certificate, which they download. Only the user's own organisation's cases (another's is a 404)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.access import CUSTOMER_ADMINS
from art28.core.auth import customer_required, request_user, role_required
from art28.core.roles import Role
from art28.core.translated import localized
from art28.core.validation import validation_text
from art28.duties.forms import EndOfContractForm
from art28.duties.models import EndOfContract
from art28.duties.selectors import case_for_organisation, case_progress, cases_for_organisation
from art28.duties.services import end_of_contract_request
from art28.duties.timeline import deletion_timeline
from art28.duties.views import certificate_response
from art28.inventory.models import Service
from art28.inventory.selectors import organisation_service_ids
from art28.portal.views import _organisation


def _services(organisation: object) -> list[tuple[str, str]]:
    used = Service.objects.filter(pk__in=organisation_service_ids(organisation))  # type: ignore[arg-type]
    return [(str(s.pk), localized(s, "name").text) for s in used]


def _page(request: HttpRequest, form: EndOfContractForm | None = None, status: int = 200) -> HttpResponse:
    organisation = _organisation(request)
    cases = list(cases_for_organisation(organisation))
    under_way = any(case.status != EndOfContract.Status.COMPLETE for case in cases)
    is_admin = request_user(request).role == Role.CUSTOMER_ADMIN
    if form is None and is_admin and not under_way:
        form = EndOfContractForm(services=_services(organisation))
    return render(request, "portal/end_of_contract.html", {
        "organisation": organisation, "rows": [(case, case_progress(case)) for case in cases],
        "form": form if is_admin and not under_way else None, "is_admin": is_admin, "under_way": under_way,
    }, status=status)  # fmt: skip


@customer_required
def end_of_contract_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@role_required(*CUSTOMER_ADMINS)
@require_POST
def end_of_contract_request_view(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    user = request_user(request)
    form = EndOfContractForm(request.POST, services=_services(organisation))
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = end_of_contract_request(
                actor=user, customer=organisation, choice=data["choice"], contract_ends_on=data["contract_ends_on"],
                services=list(Service.objects.filter(pk__in=data["services"])), received_via="portal",
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, validation_text(exc))
        else:
            messages.success(request, _("Your request %(reference)s is recorded.") % {"reference": case.reference})
            return redirect(reverse("portal:end_of_contract_case", kwargs={"public_id": case.public_id}))
    return _page(request, form, status=400)


@customer_required
def end_of_contract_case(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = case_for_organisation(_organisation(request), public_id)
    return render(request, "portal/end_of_contract_case.html", {
        "case": case, "items": case.items.all(), "progress": case_progress(case), "today": timezone.localdate(),
        "timeline": mark_safe(deletion_timeline(case, list(case.items.all()), timezone.localdate())),  # noqa: S308
    })  # fmt: skip


@customer_required
def deletion_certificate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return certificate_response(case_for_organisation(_organisation(request), public_id))
