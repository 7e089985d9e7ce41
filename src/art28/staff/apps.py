from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "art28.staff"
    label = "staff"
    verbose_name = "Provider back office"
