"""Who may do what. Staff belong to the provider; customer users to exactly one organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DPO = "dpo", _("Data protection officer")
    SECURITY = "security", _("Security")
    OPERATIONS = "operations", _("Operations")
    AUDITOR = "auditor", _("Auditor (read-only)")
    CUSTOMER_ADMIN = "customer_admin", _("Customer administrator")
    CUSTOMER_VIEWER = "customer_viewer", _("Customer viewer")


STAFF_ROLES = frozenset({Role.ADMIN, Role.DPO, Role.SECURITY, Role.OPERATIONS, Role.AUDITOR})
CUSTOMER_ROLES = frozenset({Role.CUSTOMER_ADMIN, Role.CUSTOMER_VIEWER})
# Staff who may change things; the auditor only reads.
STAFF_WRITERS = STAFF_ROLES - {Role.AUDITOR}
# Who renews /.well-known/security.txt (RFC 9116 §2.5.5): the people answering for its Contact.
SECURITY_TXT_RENEWERS = frozenset({Role.ADMIN, Role.DPO, Role.SECURITY})
# Who edits what the trust center claims about the provider (its profile, logo and certifications).
TRUST_CENTER_EDITORS = frozenset({Role.ADMIN, Role.DPO})
