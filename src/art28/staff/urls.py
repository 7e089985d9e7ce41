from django.urls import path

from art28.staff import customers, glossary, search, security_txt, views

app_name = "staff"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", search.search, name="search"),
    path("security-txt/", security_txt.security_txt_page, name="security_txt"),
    path("glossary/", glossary.glossary, name="glossary"),
    path("glossary/new/", glossary.glossary_new, name="glossary_new"),
    path("glossary/<id:pk>/", glossary.glossary_edit, name="glossary_edit"),
    path("glossary/<id:pk>/delete/", glossary.glossary_delete, name="glossary_delete"),
    # Served before art28.inventory.urls (mounted at staff/inventory/), see staff/customers.py.
    path("inventory/customers/", customers.customer_list, name="customers"),
    path("inventory/customers/<path:ref>/", customers.customer_detail, name="customer"),
]
