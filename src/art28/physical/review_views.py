"""Access reviews from the staff pages (docs/physical.md, "Access reviews"): the list with a form to start
one, a review's items with keep / revoke for each. Every staff role reads; security, operations and
administrators review. A refused decision (one's own access, one approved) is a 400 naming why."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.access import PHYSICAL_READERS, PHYSICAL_WRITERS
from art28.core.auth import request_user, role_required
from art28.core.validation import validation_text
from art28.physical.forms import DecideForm, ReviewStartForm
from art28.physical.models import AccessReview, Decision, ReviewItem
from art28.physical.reviews import access_review_start, review_item_decide, zone_review_states

reader = role_required(*PHYSICAL_READERS)
writer = role_required(*PHYSICAL_WRITERS)


@reader
def reviews(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ReviewStartForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if user.role not in PHYSICAL_WRITERS:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = access_review_start(actor=user, site=data["site_obj"], zone=data["zone_obj"],
                                             due_on=data["due_on"])  # fmt: skip
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Review started: decide each authorisation."))
                return redirect(review)
        status = 400
    today = timezone.localdate()
    return render(request, "physical/reviews.html", {
        "form": form, "can_review": user.role in PHYSICAL_WRITERS, "today": today,
        "reviews": AccessReview.objects.select_related("site", "zone", "started_by")[:200],
        "states": sorted(zone_review_states(today), key=lambda s: (s.next_due, s.zone.site.code, s.zone.name)),
        "current": "reviews",
    }, status=status)  # fmt: skip


def _review_page(request: HttpRequest, found: AccessReview, *, error: str = "", status: int = 200) -> HttpResponse:
    items = found.items.select_related("authorisation__person", "authorisation__zone", "authorisation__approved_by",
                                       "decided_by")  # fmt: skip
    pending = sum(1 for i in items if i.decision == Decision.PENDING)
    return render(request, "physical/review.html", {
        "review": found, "items": items, "pending": pending, "form": DecideForm(), "error": error,
        "can_review": request_user(request).role in PHYSICAL_WRITERS and found.completed_at is None,
        "current": "reviews",
    }, status=status)  # fmt: skip


@reader
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, get_object_or_404(AccessReview.objects.select_related("site", "zone"), pk=pk))


@writer
@require_POST
def decide(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    found = get_object_or_404(ReviewItem.objects.select_related("review"), pk=item, review_id=pk)
    form = DecideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        review_item_decide(actor=request_user(request), item=found, decision=form.cleaned_data["decision"],
                           note=form.cleaned_data["note"])  # fmt: skip
    except ValidationError as exc:  # e.g. one's own access: the page again, the reason on top, nothing changed
        return _review_page(request, found.review, error=validation_text(exc), status=400)
    return redirect(found.review)
