from django.urls import path

from art28.assurance import views

app_name = "assurance"
urlpatterns = [
    path("trust-center/", views.profile, name="profile"),
    path("certifications/", views.certification_list, name="certifications"),
    path("certifications/new/", views.certification_new, name="certification_new"),
    path("certifications/<int:pk>/", views.certification_edit, name="certification_edit"),
    path("certifications/<int:pk>/delete", views.certification_delete_view, name="certification_delete"),
    path("certifications/<int:pk>/certificate.pdf", views.certification_file, name="certification_file"),
]
