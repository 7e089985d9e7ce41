"""The HTTP API: each app's ninja router, assembled under /api/v1/ with one OpenAPI document."""

from functools import partial
from typing import Any

from django.http import Http404
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import ValidationError

from art28 import __version__
from art28.api.errors import document_errors, not_found, validation_error
from art28.api.guards import guarded
from art28.assurance.api import router as assurance_router
from art28.breaches.api import router as breaches_router
from art28.core.auth import StaffMfaSessionAuth, TokenAuth
from art28.dpo.api import router as dpo_router
from art28.duties.api import router as duties_router
from art28.evidence.api import router as evidence_router
from art28.legal.api import router as legal_router
from art28.patching.api import router as patching_router
from art28.records.api import router as records_router
from art28.residency.api import router as residency_router
from art28.subprocessors.api import router as subprocessors_router


class Art28Api(NinjaAPI):
    """The NinjaAPI whose every operation first refuses NUL characters and over-nested JSON (400)."""

    @property
    def urls(self) -> tuple[list[URLPattern | URLResolver], str, str]:
        # The public ``urls`` (what ``include`` receives), not ninja's private helpers: each operation's
        # view is wrapped once, where Django reads the patterns.
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = guarded(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(**kwargs))


api = Art28Api(
    title="art28 API",
    version=__version__,
    description="Processor commitments, run and proven. Authenticate with `Authorization: Bearer <token>`.",
    auth=[TokenAuth(), StaffMfaSessionAuth()],
    urls_namespace="api",
)

api.add_exception_handler(ValidationError, partial(validation_error, api=api))
api.add_exception_handler(Http404, partial(not_found, api=api))

# Each app's router, under its own prefix (DESIGN.md: one router per app, assembled here).
api.add_router("/residency/", residency_router)
api.add_router("/breaches/", breaches_router)
api.add_router("/subprocessors/", subprocessors_router)
api.add_router("/records/", records_router)
api.add_router("/legal/", legal_router)
api.add_router("/dpo/", dpo_router)
api.add_router("/duties/", duties_router)
api.add_router("/patching/", patching_router)
api.add_router("/assurance/", assurance_router)
api.add_router("/evidence/", evidence_router)
