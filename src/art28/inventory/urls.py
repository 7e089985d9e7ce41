from django.urls import path

from art28.inventory import views

# The customer pages under /staff/inventory/customers/ live in art28.staff (they show residency,
# which the inventory app may not import); see art28/staff/urls.py.
app_name = "inventory"
urlpatterns = [
    path("", views.site_list, name="sites"),
    path("syncs/", views.sync_list, name="syncs"),
    path("assets/", views.asset_list, name="assets"),
    path("assets/<path:ref>/", views.asset_page, name="asset"),
]
