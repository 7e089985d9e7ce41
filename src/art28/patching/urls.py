from django.urls import path

from art28.patching import views

app_name = "patching"
urlpatterns = [
    path("", views.fleet, name="fleet"),
    path("hosts/<str:ref>/", views.host, name="host"),
    path("cves/<str:cve>/", views.cve, name="cve"),
]
