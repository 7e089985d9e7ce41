from django.urls import path

from art28.legal import cookie_views, views

app_name = "legal"
urlpatterns = [
    path("", views.document_list, name="documents"),
    path("new/", views.document_new, name="document_new"),
    path("cookies/", cookie_views.cookies, name="cookies"),
    path("cookies/<id:cookie_id>/delete/", cookie_views.cookie_delete_view, name="cookie_delete"),
    path("consents/", cookie_views.consents, name="consents"),
    path("consents.csv", cookie_views.consents_csv, name="consents_csv"),
    path("<slug:slug>/", views.document_page, name="document"),
    path("<slug:slug>/versions/", views.version_new, name="version_new"),
    path("<slug:slug>/title/", views.document_title, name="document_title"),
    path("<slug:slug>/acceptances/", views.acceptance_report, name="acceptances"),
    path("<slug:slug>/v<int:number>/", views.version_page, name="version"),
    path("<slug:slug>/v<int:number>/edit/", views.version_edit, name="version_edit"),
    path("<slug:slug>/v<int:number>/publish/", views.version_publish_view, name="version_publish"),
    path("<slug:slug>/v<int:number>/discard/", views.version_discard_view, name="version_discard"),
]
