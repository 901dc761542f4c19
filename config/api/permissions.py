"""API permission: a signed-in user, whose roles grant the action (scoping itself is in the viewset)."""

from rest_framework.permissions import BasePermission

from access.scoping import VIEW, grants


class ScopedPermission(BasePermission):
    """401 without credentials; 403 where no role of the user grants the action on this kind of record.

    Records outside the user's view scope are never found (404); records seen but not writable are a 403.
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
        return type(obj).objects.restrict(request.user, action).filter(pk=obj.pk).exists()
