"""The end-of-contract cases from the staff pages (docs/duties.md): the list, a case with its items, and the
forms operations and the DPO use. Every staff role reads; the staff writers mark and record; the DPO or an
administrator keeps an item on a legal ground. A refused change is a 400 naming why, and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.access import STAFF
from art28.core.auth import request_user, role_required
from art28.core.models import Organisation
from art28.core.validation import validation_text
from art28.duties.forms import EndOfContractForm, MarkForm, RetainForm, ReturnForm
from art28.duties.models import DeletionItem, EndOfContract
from art28.duties.selectors import case_by_reference, case_progress, cases_all
from art28.duties.services import (
    DELETION_WRITERS,
    RETENTION_DECIDERS,
    deletion_certificate_issue,
    deletion_item_mark,
    deletion_item_retain,
    end_of_contract_request,
    end_of_contract_return_record,
)
from art28.duties.timeline import deletion_timeline
from art28.inventory.models import Service

reader = role_required(*STAFF)
writer = role_required(*DELETION_WRITERS)
decider = role_required(*RETENTION_DECIDERS)


def _service_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Service.objects.values_list("pk", "name")]


@reader
def cases(request: HttpRequest) -> HttpResponse:
    found = list(cases_all()[:500])
    return render(request, "duties/cases.html", {
        "rows": [(case, case_progress(case)) for case in found],
        "can_write": request_user(request).role in DELETION_WRITERS,
    })  # fmt: skip


@writer
def case_new(request: HttpRequest) -> HttpResponse:
    """A request that reached the provider by letter or e-mail, entered for the customer."""
    form = EndOfContractForm(request.POST or None, services=_service_choices())
    status = 200
    if request.method == "POST":
        customer = Organisation.objects.filter(ref=request.POST.get("customer", "").strip()).first()
        if customer is None:
            form.add_error(None, _("No customer has that reference."))
        if form.is_valid() and customer is not None:
            data = form.cleaned_data
            try:
                case = end_of_contract_request(
                    actor=request_user(request), customer=customer, choice=data["choice"],
                    contract_ends_on=data["contract_ends_on"],
                    services=list(Service.objects.filter(pk__in=data["services"])),
                    received_via=request.POST.get("received_via", "").strip() or "letter or e-mail",
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, validation_text(exc))
            else:
                messages.success(request, _("End of contract %(reference)s opened.") % {"reference": case.reference})
                return redirect(case)
        status = 400
    return render(request, "duties/case_new.html", {"form": form}, status=status)


def _case_page(request: HttpRequest, case: EndOfContract, *, error: str = "", status: int = 200) -> HttpResponse:
    role = request_user(request).role
    return render(request, "duties/case.html", {
        "case": case, "items": case.items.all(), "progress": case_progress(case), "error": error,
        "can_write": role in DELETION_WRITERS and case.status != EndOfContract.Status.COMPLETE,
        "can_retain": role in RETENTION_DECIDERS and case.status == EndOfContract.Status.DELETING,
        "today": timezone.localdate(), "return_form": ReturnForm(),
        "timeline": mark_safe(deletion_timeline(case, list(case.items.all()), timezone.localdate())),  # noqa: S308
    }, status=status)  # fmt: skip


@reader
def case(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_page(request, case_by_reference(reference))


def _after(request: HttpRequest, found: EndOfContract, action: object, success: str) -> HttpResponse:
    try:
        action()  # type: ignore[operator]
    except ValidationError as exc:
        return _case_page(request, case_by_reference(found.reference), error=validation_text(exc), status=400)
    messages.success(request, success)
    after = case_by_reference(found.reference)
    if after.status == EndOfContract.Status.COMPLETE and found.status != EndOfContract.Status.COMPLETE:
        messages.success(request, _("Every place is done: the deletion certificate is issued."))
    return redirect(after)


@writer
@require_POST
def case_return(request: HttpRequest, reference: str) -> HttpResponse:
    found = case_by_reference(reference)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _case_page(request, found, error=validation_text(ValidationError(form.errors)), status=400)
    data = form.cleaned_data
    return _after(request, found, lambda: end_of_contract_return_record(
        actor=request_user(request), case=found, returned_on=data["returned_on"], note=data["note"]),
        _("Return recorded: deletion may begin."))  # fmt: skip


def _item(found: EndOfContract, item_id: int) -> DeletionItem:
    return get_object_or_404(DeletionItem, pk=item_id, case=found)


@writer
@require_POST
def item_delete(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    found = case_by_reference(reference)
    item = _item(found, item_id)
    form = MarkForm(request.POST)
    if not form.is_valid():
        return _case_page(request, found, error=validation_text(ValidationError(form.errors)), status=400)
    return _after(request, found, lambda: deletion_item_mark(
        actor=request_user(request), item=item, deleted_on=form.cleaned_data["deleted_on"]),
        _("%(where)s marked deleted.") % {"where": item.where})  # fmt: skip


@decider
@require_POST
def item_retain(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    found = case_by_reference(reference)
    item = _item(found, item_id)
    form = RetainForm(request.POST)
    if not form.is_valid():
        return _case_page(request, found, error=validation_text(ValidationError(form.errors)), status=400)
    data = form.cleaned_data
    return _after(request, found, lambda: deletion_item_retain(
        actor=request_user(request), item=item, ground=data["ground"], until=data["until"]),
        _("%(where)s kept on its legal ground.") % {"where": item.where})  # fmt: skip


@writer
@require_POST
def case_certify(request: HttpRequest, reference: str) -> HttpResponse:
    found = case_by_reference(reference)
    return _after(request, found, lambda: deletion_certificate_issue(actor=request_user(request), case=found),
                  _("The deletion is certified."))  # fmt: skip


@reader
def certificate(request: HttpRequest, reference: str) -> HttpResponse:
    found = case_by_reference(reference)
    return certificate_response(found)


def certificate_response(found: EndOfContract) -> HttpResponse:
    """The signed JSON exactly as issued; 404 before it is."""
    if not found.certificate:
        return HttpResponse(
            _("No certificate yet: the deletion is not complete."), status=404, content_type="text/plain"
        )
    response = HttpResponse(found.certificate.encode(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="deletion-certificate-{found.reference}.json"'
    return response
