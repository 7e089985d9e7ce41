"""Staff pages of the auditor's packs (``/staff/evidence/packs/…``; S2, docs/evidence.md): ask for the
pack of a period (the task worker writes it), follow its progress, download it when ready. For those who
may export packs (core.access.EVIDENCE_PACKERS): the pack carries the audit trail, which names customers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from art28.core.access import EVIDENCE_PACKERS
from art28.core.auth import request_user, role_required
from art28.evidence.forms import PackForm
from art28.evidence.models import EvidencePack, PackStatus
from art28.evidence.packs import pack_path, pack_request

packer = role_required(*EVIDENCE_PACKERS)


@packer
def packs(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PackForm(request.POST or None, initial={"date_from": today.replace(year=today.year - 1), "date_to": today})
    if request.method == "POST" and form.is_valid():
        try:
            pack = pack_request(actor=request_user(request), date_from=form.cleaned_data["date_from"],
                                date_to=form.cleaned_data["date_to"])  # fmt: skip
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The pack is being written by the task worker."))
            return redirect("evidence:pack", pk=pack.pk)
    listed = EvidencePack.objects.select_related("requested_by")[:50]
    status = 400 if request.method == "POST" else 200
    return render(request, "evidence/packs.html", {"form": form, "packs": listed, "current": "packs"}, status=status)


@packer
def pack(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(EvidencePack.objects.select_related("requested_by"), pk=pk)
    percent = round(100 * found.done / found.total) if found.total else 0
    waiting = found.status in (PackStatus.QUEUED, PackStatus.RUNNING)
    return render(request, "evidence/pack.html", {"pack": found, "percent": percent, "waiting": waiting,
                                                  "current": "packs"})  # fmt: skip


@packer
def pack_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = get_object_or_404(EvidencePack, pk=pk, status=PackStatus.DONE)
    path = pack_path(found)
    if not path.is_file():
        raise Http404("The pack's file is gone")
    return FileResponse(path.open("rb"), as_attachment=True, filename=found.file_name, content_type="application/zip")
