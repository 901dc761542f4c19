"""OpenAPI generation: every operation documents the error responses it can give (400, 401, 403, 404, ...)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_array_type, build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_MESSAGES = build_array_type(build_basic_type(OpenApiTypes.STR))
_TEXT = build_basic_type(OpenApiTypes.STR)


def error_component() -> ResolvedComponent:
    """Body of every error but a validation error: DRF's {"detail": "..."}."""
    return ResolvedComponent(
        name="Error",
        type=ResolvedComponent.SCHEMA,
        object="config.api.schema.Error",
        schema=build_object_type(
            description="An error: `detail` says what went wrong.",
            properties={"detail": _TEXT},
            required=["detail"],
        ),
    )


def validation_error_component() -> ResolvedComponent:
    """Body of a 400: fields with their messages, the rest under non_field_errors, or `detail` alone."""
    return ResolvedComponent(
        name="ValidationError",
        type=ResolvedComponent.SCHEMA,
        object="config.api.schema.ValidationError",
        schema=build_object_type(
            description=(
                "Refused input: each field or query parameter in error with its messages (the items of a list "
                f"field by index), errors of the whole under `{api_settings.NON_FIELD_ERRORS_KEY}`; `detail` "
                "alone when the body cannot be parsed."
            ),
            # `detail` is a message when the body cannot be parsed, a list when a field called so is refused.
            properties={api_settings.NON_FIELD_ERRORS_KEY: _MESSAGES, "detail": {"anyOf": [_TEXT, _MESSAGES]}},
            additionalProperties={"anyOf": [_MESSAGES, build_object_type(additionalProperties=_MESSAGES)]},
        ),
    )


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema with the project's error responses added to each operation.

    The codes are read off the view: its method, path parameters, filter backends, pagination, query
    parameters, authenticators, permissions and throttles. A response an `@extend_schema` names itself wins.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":  # callbacks describe requests the API sends, not its own answers
            return responses
        for code, reasons in self.error_reasons().items():
            if code not in responses:
                responses[code] = self._error_response(code, reasons)
        return dict(sorted(responses.items()))

    def error_reasons(self) -> dict[str, list[str]]:
        """Each 4xx status code this operation can answer, with why."""
        view, method = self.view, self.method
        reasons: dict[str, list[str]] = {}

        def add(code: str, reason: str) -> None:
            reasons.setdefault(code, []).append(reason)

        detail = "{" in self.path
        listing = method == "GET" and not detail and self._is_list_view()
        paginator = self._get_paginator() if listing else None
        # Lists and detail routes look their records up through the filter backends (get_object filters too).
        filtered = bool(getattr(view, "filter_backends", None)) and (listing or detail)
        query = any(  # query parameters declared one by one, or as a serializer of them
            (isinstance(parameter, OpenApiParameter) and parameter.location == OpenApiParameter.QUERY)
            or isinstance(parameter, Serializer) or (isinstance(parameter, type) and issubclass(parameter, Serializer))
            for parameter in self.get_override_parameters()
        )
        authenticators = view.get_authenticators() if hasattr(view, "get_authenticators") else []
        permissions = view.get_permissions() if hasattr(view, "get_permissions") else []
        open_to_all = all(isinstance(permission, AllowAny) for permission in permissions)

        if method in WRITE_METHODS:
            add("400", "The body is invalid (each field with its messages) or cannot be parsed (`detail`).")
        if filtered:
            add("400", "A query parameter is unknown, or a filter has an invalid value.")
        if paginator is not None and getattr(paginator, "page_size_query_param", None):
            add("400", f"`{paginator.page_size_query_param}` is not a whole number from 1 to "
                       f"{paginator.max_page_size}.")
        if query and not filtered:
            add("400", "A query parameter has an invalid value.")

        if authenticators:
            challenge = authenticators[0].authenticate_header(view.request)
            code = "401" if challenge else "403"
            if open_to_all:
                add(code, "The credentials sent are invalid (the endpoint itself needs none).")
            else:
                add(code, "No credentials were sent, or they are invalid.")
        if method not in SAFE_METHODS:
            # Reading is every signed-in user's right (what they may not see is a 404); writing is the roles'.
            if not open_to_all:
                add("403", "Your roles do not allow this action on this kind of record, or on this record.")
            if any(isinstance(authenticator, SessionAuthentication) for authenticator in authenticators):
                add("403", "A request signed in by session cookie lacks a valid CSRF token.")

        if detail:
            add("404", "No such record, or it is outside what you may see.")
        if paginator is not None:
            add("404", "No such page (past the last, or not a whole number from 1).")
        formats = sorted({renderer.format for renderer in getattr(view, "renderer_classes", [])})
        if method == "GET" and len(formats) > 1:
            add("404", f"The `format` asked for is none of {', '.join(formats)}.")
        if method == "DELETE":
            add("409", "Other records depend on this one (a protected relation).")
        if method in WRITE_METHODS:
            add("415", "The body's media type is not one of those listed for the request body.")

        for throttle in view.get_throttles() if hasattr(view, "get_throttles") else []:
            if isinstance(throttle, ScopedRateThrottle):
                scope = getattr(view, throttle.scope_attr, None)
                if scope:
                    add("429", f"Too many requests (the `{scope}` rate); Retry-After gives the seconds to wait.")
            elif isinstance(throttle, AnonRateThrottle):
                add("429", "Too many requests from anonymous clients; Retry-After gives the seconds to wait.")
            elif getattr(throttle, "scope", None):
                add("429", f"Too many requests (the `{throttle.scope}` rate); Retry-After gives the seconds to wait.")
            else:
                add("429", "Too many requests; Retry-After gives the seconds to wait.")
        return reasons

    def _error_response(self, code: str, reasons: list[str]) -> dict:
        component = validation_error_component() if code == "400" else error_component()
        self.registry.register_on_missing(component)
        response = self._get_response_for_code(component.ref, code)
        response["description"] = " ".join(dict.fromkeys(reasons))
        if code == "401":
            response["headers"] = {"WWW-Authenticate": {
                "schema": _TEXT,
                "description": "The authentication scheme to use (`Token`: `Authorization: Token <key>`).",
            }}
        elif code == "429":
            response["headers"] = {"Retry-After": {
                "schema": build_basic_type(OpenApiTypes.INT), "description": "Seconds to wait before trying again.",
            }}
        return response
