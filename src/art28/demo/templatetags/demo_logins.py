"""``{% demo_logins as logins %}``: the demo's logins on the login page, in demo mode only (``ART28_DEMO``)."""

from django import template
from django.conf import settings

from art28.demo.logins import DEMO_PASSWORD, DemoLogin, demo_logins

register = template.Library()


@register.simple_tag
def demo_login_list() -> list[DemoLogin]:
    """Empty outside demo mode, so no template can leak the demo's logins in production."""
    return demo_logins() if settings.ART28_DEMO else []


@register.simple_tag
def demo_password() -> str:
    return DEMO_PASSWORD if settings.ART28_DEMO else ""
