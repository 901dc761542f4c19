"""API permissions until roles land: reads need an authenticated user, writes a staff account."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class StaffWritesAuthenticatedReads(BasePermission):
    """Authenticated users read; only staff create, change or delete."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.is_staff
