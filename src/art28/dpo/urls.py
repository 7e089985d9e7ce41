from django.urls import path

from art28.dpo import views

app_name = "dpo"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("profile/", views.profile_view, name="profile"),
    path("requests.csv", views.request_list_csv, name="requests_csv"),
    path("<str:reference>/", views.request_detail, name="request"),
    path("<str:reference>/assign", views.assign_view, name="assign"),
    path("<str:reference>/note", views.note_view, name="note"),
    path("<str:reference>/reply", views.reply_view, name="reply"),
    path("<str:reference>/extend", views.extend_view, name="extend"),
    path("<str:reference>/classify", views.classify_view, name="classify"),
    path("<str:reference>/forward", views.forward_view, name="forward"),
    path("<str:reference>/close", views.close_view, name="close"),
]
