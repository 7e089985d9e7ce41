from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "art28.legal"
    label = "legal"
    verbose_name = "Legal documents: versions, publication, acceptance, the DPA, cookies and consent"
