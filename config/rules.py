"""Rules every write path applies (the API's serializers and viewsets, the admin, the table import), with their
messages, defined once here so that each path refuses the same write with the same words."""

from django.utils.translation import gettext_lazy as _

# A write that would leave the record outside the writer's scope (refused after the write, which rolls back).
OUTSIDE_SCOPE = _("This change would put the record outside what you may manage.")
# A field of a model's `bureau_fields` sent by anyone else with a value other than the record's.
BUREAU_ONLY = _("Only the bureau may set this field.")


def bureau_only(*, model, names, bureau: bool) -> list[str]:
    """The names among these a user may not set on the model: its `bureau_fields`, unless the user is the bureau."""
    if bureau:
        return []
    return [name for name in names if name in getattr(model, "bureau_fields", ())]
