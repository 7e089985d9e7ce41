from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "art28.evidence"
    label = "evidence"
    verbose_name = "Controls' evidence, its age and the auditor's pack"
