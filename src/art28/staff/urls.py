from django.urls import path

from art28.staff import views

app_name = "staff"
urlpatterns = [path("", views.dashboard, name="dashboard")]
