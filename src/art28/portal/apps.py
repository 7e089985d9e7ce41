from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "art28.portal"
    label = "portal"
    verbose_name = "Customer portal"
