"""Template context: `scope`, the signed-in user's roles (bureau, parks, enterprises), read when a page first asks
(the navigation shows each role its own pages)."""

from django.utils.functional import SimpleLazyObject

from .scoping import user_scope


def scope(request) -> dict:
    """The request user's `UserScope` as `scope` in every template."""
    return {"scope": SimpleLazyObject(lambda: user_scope(request.user))}
