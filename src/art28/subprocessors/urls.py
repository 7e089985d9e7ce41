from django.urls import path

from art28.subprocessors import change_views, views

app_name = "subprocessors"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.create, name="create"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/<path:ref>/", views.contract, name="contract"),
    path("changes/", change_views.change_list, name="changes"),
    path("changes/new/", change_views.change_create, name="change_create"),
    path("changes/<id:change_id>/", change_views.change_page, name="change"),
    path("changes/<id:change_id>/edit/", change_views.change_edit, name="change_edit"),
    path("changes/<id:change_id>/announce/", change_views.change_announce_view, name="change_announce"),
    path("changes/<id:change_id>/withdraw/", change_views.change_withdraw_view, name="change_withdraw"),
    path("changes/<id:change_id>/discard/", change_views.change_discard_view, name="change_discard"),
    path(
        "changes/<id:change_id>/resolve/<id:organisation_id>/",
        change_views.change_resolve_view,
        name="change_resolve",
    ),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/agreements/", views.agreement_record, name="agreement_record"),
    path(
        "<slug:slug>/agreements/<id:agreement_id>/document/",
        views.agreement_document,
        name="agreement_document",
    ),
]
