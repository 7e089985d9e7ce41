"""The customer's DPO requests (S11): the requests of its data subjects that the provider's DPO forwarded
to it, as its processor (GDPR Art. 28(3)(e)), and its answer: handled, or not about its data.

Only the organisation's own forwarded requests are shown; another's is a 404, exactly like one that does
not exist. Customer administrators answer; viewers read.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import customer_required, request_user
from art28.core.roles import Role
from art28.dpo.models import CustomerAnswer, Request
from art28.dpo.selectors import request_for_organisation, requests_for_organisation
from art28.dpo.services import request_customer_answer
from art28.portal.views import _organisation


@customer_required
def requests_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    return render(
        request,
        "portal/requests.html",
        {"organisation": organisation, "rows": list(requests_for_organisation(organisation)[:500])},
    )


def _own(request: HttpRequest, public_id: UUID) -> Request:
    try:
        return request_for_organisation(_organisation(request), public_id=public_id)
    except Request.DoesNotExist as exc:
        raise Http404("No such request.") from exc


@customer_required
def request_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    dpo_request = _own(request, public_id)
    return render(
        request,
        "portal/request.html",
        {
            "r": dpo_request,
            "answers": CustomerAnswer.choices,
            "can_answer": request_user(request).role == Role.CUSTOMER_ADMIN and dpo_request.answered_at is None,
        },
    )


@customer_required
@require_POST
def answer_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    dpo_request = _own(request, public_id)
    try:
        request_customer_answer(
            actor=request_user(request),
            request=dpo_request,
            organisation=_organisation(request),
            answer=request.POST.get("answer", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
    else:
        messages.success(request, _("Thank you: your answer was sent to the provider's data protection officer."))
    return redirect("portal:request", public_id=public_id)
