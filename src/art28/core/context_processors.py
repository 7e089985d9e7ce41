from typing import Any

from django.conf import settings
from django.http import HttpRequest


def art28(request: HttpRequest) -> dict[str, Any]:
    return {"provider_name": settings.ART28_PROVIDER_NAME}
