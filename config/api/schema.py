"""OpenAPI generation: every operation documents the error responses it can give, as its view declares them.

A view declares `error_responses`: for each of its actions (a viewset's `list`, `retrieve`, `create`, an extra
action's name) or HTTP methods (a plain view's `get`, `post`), the errors of its own that it can answer (`Error`s
below: an invalid body, an unknown filter, no such record, a protected relation...). The base classes declare
those of their actions (MODEL_ERRORS, READ_ERRORS); a view adds its extra actions. The errors every view shares
follow from what the view is built of, not from its path: the authenticators' 401 or 403, the permissions' 403 on
a write, the paginator's page errors on a paged list, the renderers' 404 for an unknown `format`, the throttles'
429, and a 503 (with Retry-After) on every operation, since an outage of PostgreSQL, the broker or Redis answers
so anywhere (config.outages). A response an `@extend_schema` names itself wins. An operation whose view declares
nothing for it is a schema warning, which the schema test fails on.
"""

from typing import NamedTuple

from drf_spectacular.drainage import warn
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_array_type, build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from config.outages import RETRY_AFTER

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_MESSAGES = build_array_type(build_basic_type(OpenApiTypes.STR))
_TEXT = build_basic_type(OpenApiTypes.STR)


class Error(NamedTuple):
    """An error response a view declares: its status code and why it is answered."""

    code: str
    reason: str


BODY = Error("400", "The body is invalid (each field with its messages) or cannot be parsed (`detail`).")
FILTER = Error("400", "A query parameter is unknown, or a filter has an invalid value.")
QUERY = Error("400", "A query parameter has an invalid value.")
NO_RECORD = Error("404", "No such record, or it is outside what you may see.")
NO_SUCH_KIND = Error("404", "The path names no such kind of record.")
PAGED = Error("404", "No such page (past the last, or not a whole number from 1).")  # with the page size's 400
PROTECTED = Error("409", "Other records depend on this one (a protected relation).")
MEDIA_TYPE = Error("415", "The body's media type is not one of those listed for the request body.")

# The declarations of the base classes: a model's viewset (config.api.viewsets) and a read-only one.
READ_ERRORS = {"list": (FILTER, PAGED), "retrieve": (FILTER, NO_RECORD)}
WRITE_ON_RECORD = (BODY, FILTER, NO_RECORD, MEDIA_TYPE)  # update, partial update
MODEL_ERRORS = {
    **READ_ERRORS, "create": (BODY, MEDIA_TYPE), "update": WRITE_ON_RECORD, "partial_update": WRITE_ON_RECORD,
    "destroy": (FILTER, NO_RECORD, PROTECTED), "history": (NO_RECORD,),
}
ACTION_ON_RECORD = (BODY, NO_RECORD, MEDIA_TYPE)  # an extra POST action on one record (a filing's submit, ...)
CREATE_ERRORS = {"create": (BODY, MEDIA_TYPE)}
POST_ERRORS = {"post": (BODY, MEDIA_TYPE)}


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


def auth_errors(view, method: str) -> list[Error]:
    """The authenticators' 401 (or 403 where they send no challenge) and, on a write, the permissions' and the
    CSRF check's 403."""
    authenticators = view.get_authenticators()
    open_to_all = all(isinstance(permission, AllowAny) for permission in view.get_permissions())
    errors = []
    if authenticators:
        code = "401" if authenticators[0].authenticate_header(view.request) else "403"
        errors.append(Error(code, "The credentials sent are invalid (the endpoint itself needs none)." if open_to_all
                            else "No credentials were sent, or they are invalid."))
    if method not in SAFE_METHODS:
        # Reading is every signed-in user's right (what they may not see is a 404); writing is the roles'.
        if not open_to_all:
            errors.append(Error("403", "Your roles do not allow this action on this kind of record, or on this "
                                       "record."))
        if any(isinstance(authenticator, SessionAuthentication) for authenticator in authenticators):
            errors.append(Error("403", "A request signed in by session cookie lacks a valid CSRF token."))
    return errors


def page_size_error(paginator) -> Error:
    """A paged list's 400 for a page size out of bounds (its 404, no such page, is PAGED)."""
    return Error("400", f"`{paginator.page_size_query_param}` is not a whole number from 1 to "
                        f"{paginator.max_page_size}.")


def format_errors(view, method: str) -> list[Error]:
    """A read with a choice of formats (its renderers): 400 for a `format` none of them is, naming them."""
    formats = sorted({renderer.format for renderer in view.renderer_classes})
    if method == "GET" and len(formats) > 1:
        return [Error("400", f"The `format` asked for is none of {', '.join(formats)} (`format` names them).")]
    return []


def throttle_errors(view) -> list[Error]:
    """The throttles' 429, each with its rate."""
    errors = []
    for throttle in view.get_throttles():
        if isinstance(throttle, ScopedRateThrottle):
            scope = getattr(view, throttle.scope_attr, None)
            if not scope:  # a scoped throttle without a scope on this view does not throttle it
                continue
            which = f" (the `{scope}` rate)"
        elif isinstance(throttle, AnonRateThrottle):
            which = " from anonymous clients"
        else:
            which = f" (the `{throttle.scope}` rate)" if getattr(throttle, "scope", None) else ""
        errors.append(Error("429", f"Too many requests{which}; Retry-After gives the seconds to wait."))
    return errors


OUTAGE = Error("503", "PostgreSQL, the job queue (broker) or Redis cannot be reached; Retry-After gives the seconds "
                      f"to wait ({RETRY_AFTER}).")


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema with each operation's error responses: those its view declares, and those of
    what the view is built of (authenticators, permissions, paginator, renderers, throttles, outages)."""

    def get_tags(self) -> list[str]:
        """The operation's tags: its view's `schema_tags`, else its resource (the path's first segment under
        /api/v1/, each described in SPECTACULAR_SETTINGS["TAGS"])."""
        declared = getattr(self.view, "schema_tags", None)
        if declared:
            return list(declared)
        return super().get_tags()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":  # callbacks describe requests the API sends, not its own answers
            return responses
        for code, reasons in self.error_reasons().items():
            if code not in responses:
                responses[code] = self._error_response(code, reasons)
        return dict(sorted(responses.items()))

    def declared_errors(self) -> tuple[Error, ...]:
        """The errors the view declares for this operation (its action's, or its method's on a plain view)."""
        declared = getattr(self.view, "error_responses", {})
        key = getattr(self.view, "action", None) or self.method.lower()
        if key not in declared:
            warn(f"{type(self.view).__name__} declares no error_responses for {key!r}")
        return declared.get(key, ())

    def error_reasons(self) -> dict[str, list[str]]:
        """Each error status code this operation can answer, with why."""
        view, method = self.view, self.method
        declared = list(self.declared_errors())
        if PAGED in declared:  # a paged list: the page size's 400 too, or neither where the view pages nothing
            paginator = self._get_paginator()
            declared += [page_size_error(paginator)] if paginator else []
            declared = declared if paginator else [error for error in declared if error != PAGED]
        errors = [*declared, *auth_errors(view, method), *format_errors(view, method), *throttle_errors(view), OUTAGE]
        reasons: dict[str, list[str]] = {}
        for error in sorted(errors, key=lambda error: error.code):
            reasons.setdefault(error.code, []).append(error.reason)
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
        elif code in {"429", "503"}:
            response["headers"] = {"Retry-After": {
                "schema": build_basic_type(OpenApiTypes.INT), "description": "Seconds to wait before trying again.",
            }}
        return response
