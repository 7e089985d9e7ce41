from django.urls import path

from art28.inventory import views

app_name = "inventory"
urlpatterns = [path("", views.site_list, name="sites")]
