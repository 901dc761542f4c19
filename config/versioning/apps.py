"""App config of the data version: it owns the version's table and triggers, and declares the auth table it reads."""

from django.apps import AppConfig


class VersioningConfig(AppConfig):
    """The data version (config.data_version): its migrations, and the bureau role's table among the versioned."""

    name = "config.versioning"
    label = "versioning"
    verbose_name = "Data version"

    # The models whose writes move the data version on (config.data_version.versioned_tables), as every app
    # declares its own: here the user's groups (the bureau role, which every report reads).
    versioned_models = ("auth.User.groups",)
