"""API permission: a signed-in user, whose roles grant the action (scoping itself is in the viewset)."""

from rest_framework.permissions import BasePermission

from access.scoping import FULL_VIEW, VIEW, grants, view_implies


class ScopedPermission(BasePermission):
    """401 without credentials; 403 where no role of the user grants the action on this kind of record.

    Records outside the user's view scope are never found (404); records seen but not writable are a 403. A record
    the view read as one the user sees whole (`seen_whole`) is not looked up again where seeing it whole grants the
    action (`access.scoping.view_implies`).
    """

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        action = view.scope_action
        return action == VIEW or grants(user=request.user, model=view.queryset.model, action=action)

    def has_object_permission(self, request, view, obj):
        action = view.scope_action
        if action == VIEW:
            return True
        if seen_whole(view, obj) and view_implies(user=request.user, model=type(obj), action=action):
            return True
        return type(obj).objects.restrict(request.user, action).filter(pk=obj.pk).exists()


def seen_whole(view, obj) -> bool:
    """Whether a record a scoped view read (its `get_queryset()`, restricted to `read_action`) is one the user sees
    whole (VIEW): every record of a view reading VIEW, a record of a view reading PUBLIC flagged FULL_VIEW."""
    read_action = getattr(view, "read_action", None)
    return read_action == VIEW or (read_action is not None and getattr(obj, FULL_VIEW, None) is True)
