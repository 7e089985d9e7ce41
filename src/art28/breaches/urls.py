from django.urls import path

from art28.breaches import notice_views, views

app_name = "breaches"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("declare/", views.incident_declare_view, name="declare"),
    path("register/", notice_views.register_page, name="register"),
    path("register.pdf", notice_views.register_pdf_view, name="register_pdf"),
    path("<str:ref>/", views.incident_page, name="incident"),
    path("<str:ref>/facts/", views.incident_edit, name="edit"),
    path("<str:ref>/scope/", views.incident_scope, name="scope"),
    path("<str:ref>/decision/", views.incident_decide, name="decide"),
    path("<str:ref>/freeze/", views.incident_freeze, name="freeze"),
    path("<str:ref>/phase/", views.incident_phase, name="phase"),
    path("<str:ref>/severity/", views.incident_assess, name="assess"),
    path("<str:ref>/lessons/", views.incident_lessons, name="lessons"),
    path("<str:ref>/notices/", notice_views.notice_create_view, name="notice_create"),
    path("<str:ref>/notices/<int:sequence>/", notice_views.notice_page, name="notice"),
    path("<str:ref>/notices/<int:sequence>/preview/", notice_views.notice_preview, name="notice_preview"),
    path("<str:ref>/notices/<int:sequence>/send/", notice_views.notice_send_view, name="notice_send"),
    path("<str:ref>/notices/<int:sequence>/delete/", notice_views.notice_delete_view, name="notice_delete"),
]
