from django.urls import path

from art28.staff import customers, search, security_txt, views

app_name = "staff"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", search.search, name="search"),
    path("security-txt/", security_txt.security_txt_page, name="security_txt"),
    # Served before art28.inventory.urls (mounted at staff/inventory/), see staff/customers.py.
    path("inventory/customers/", customers.customer_list, name="customers"),
    path("inventory/customers/<path:ref>/", customers.customer_detail, name="customer"),
]
