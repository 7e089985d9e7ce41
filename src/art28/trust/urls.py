from django.urls import path

from art28.trust import views

app_name = "trust"
urlpatterns = [path("", views.index, name="index")]
