"""App config for access: the roles and scopes mechanism, an app without models."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Roles and scopes: loaded before the domain apps, which register their memberships and scope paths with it."""

    name = "access"
    verbose_name = "Access"  # shown nowhere: the app has no models or pages
