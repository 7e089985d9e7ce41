"""The demo's logins: the one place that defines them (``art28 load-demo`` creates and prints them, the
login page shows them in demo mode, ``ART28_DEMO``)."""

from __future__ import annotations

from dataclasses import dataclass

from art28.core.models import User
from art28.core.roles import Role

DEMO_PASSWORD = "art28-demo-password"  # noqa: S105 - printed for the local demo on purpose
STAFF = [
    ("admin@example-hosting.ch", Role.ADMIN, "Ada Admin"),
    ("dpo@example-hosting.ch", Role.DPO, "Daniel DPO"),
    ("security@example-hosting.ch", Role.SECURITY, "Sara Security"),
    ("ops@example-hosting.ch", Role.OPERATIONS, "Oscar Operations"),
    ("auditor@example-hosting.ch", Role.AUDITOR, "Aurelia Auditor"),
]
CUSTOMER_EMAILS = ["customer@example.org", "viewer@example.org", "compliant@example.org"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str  # the role's label, in the active language
    organisation: str  # "Name (REF)" for customer users, "" for staff

    @property
    def is_staff(self) -> bool:
        return not self.organisation


def demo_logins() -> list[DemoLogin]:
    """The demo users that exist: staff first, then customer users, each by e-mail."""
    staff = User.objects.filter(email__in=[email for email, _role, _name in STAFF]).order_by("email")
    customers = User.objects.filter(email__in=CUSTOMER_EMAILS).select_related("organisation").order_by("email")
    logins = [DemoLogin(user.email, str(user.get_role_display()), "") for user in staff]
    for user in customers:
        org = user.organisation
        label = f"{org.name} ({org.ref})" if org is not None else ""
        logins.append(DemoLogin(user.email, str(user.get_role_display()), label))
    return logins


def demo_logins_text() -> str:
    """The logins as ``art28 load-demo --print-logins`` (and so ``make demo``) prints them."""
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD})"]
    for login in demo_logins():
        if login.is_staff:
            lines.append(f"  staff     {login.email:34} {login.role}")
        else:
            lines.append(f"  customer  {login.email:34} {login.role} of {login.organisation}")
    return "\n".join(lines)
