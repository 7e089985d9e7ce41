from django.contrib import admin
from django.urls import include, path

from art28.api.urls import api
from art28.core import views as core_views
from art28.legal import dpa as legal_dpa
from art28.trust import views as trust_views

# Branded error pages in the visitor's language (JSON under /api/); see art28/core/errors.py.
handler400 = "art28.core.errors.bad_request"
handler403 = "art28.core.errors.permission_denied"
handler404 = "art28.core.errors.page_not_found"
handler500 = "art28.core.errors.server_error"

admin.site.site_header = "art28 administration"
admin.site.has_permission = core_views.admin_site_permission  # type: ignore[method-assign]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/tokens/", core_views.api_tokens, name="api_tokens"),
    path("accounts/tokens/<id:token_id>/revoke/", core_views.api_token_revoke_view, name="api_token_revoke"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("art28.staff.urls")),
    path("staff/inventory/", include("art28.inventory.urls")),
    path("staff/residency/", include("art28.residency.urls")),
    path("staff/breaches/", include("art28.breaches.urls")),
    path("staff/subprocessors/", include("art28.subprocessors.urls")),
    path("staff/records/<path:ref>/dpa.pdf", legal_dpa.staff_dpa_pdf, name="staff_records_dpa"),
    path("staff/records/", include("art28.records.urls")),
    path("staff/dpo/", include("art28.dpo.urls")),
    path("staff/assurance/", include("art28.assurance.urls")),
    path("staff/evidence/", include("art28.evidence.urls")),
    path("staff/patching/", include("art28.patching.urls")),
    path("staff/physical/", include("art28.physical.urls")),
    path("staff/duties/", include("art28.duties.urls")),
    path("staff/legal/", include("art28.legal.urls")),
    path("staff/outbox/", include("art28.notify.urls")),
    path("notify/", include("art28.notify.ack_urls")),
    path("portal/", include("art28.portal.urls")),
    # The public trust center: /trust/… and /fr/trust/… (see art28/trust/urls.py).
    path("", include("art28.trust.urls")),
    path(".well-known/security.txt", trust_views.security_txt_view, name="security_txt"),
    path("api/v1/", api.urls),
]
