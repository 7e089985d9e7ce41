from typing import Any

from django.http import HttpRequest

from art28.legal.cookies import banner_for


def cookie_banner(request: HttpRequest) -> dict[str, Any]:
    """``cookie_banner`` for base.html: only while a non-essential cookie is in the inventory."""
    return {"cookie_banner": banner_for(request)}
