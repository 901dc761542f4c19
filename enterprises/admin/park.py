"""The park list with its occupancy today.

The parks app knows nothing of tenancies (it is the base layer), so its park page gains the occupancy
column here, where tenancies are defined: this app re-registers the parks app's page as a subclass. It stays so
(docs/design-declared.md): Django's admin has one page per model and no way to add a column from another app
but re-registering, and the parks app registering it would have to import enterprises, against the layering.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parks.admin import ParkAdmin as BaseParkAdmin
from parks.models import Park

from ..selectors import parks_with_occupancy, percent

admin.site.unregister(Park)


@admin.register(Park)
class ParkAdmin(BaseParkAdmin):
    """Parks with their leasable area, units and occupancy today."""

    list_display = [*BaseParkAdmin.list_display, "occupancy"]

    def get_queryset(self, request):
        """The parks the user may see, with the area let today."""
        return parks_with_occupancy(super().get_queryset(request), on=timezone.localdate())

    @admin.display(description=_("occupancy today (%)"))
    def occupancy(self, obj):
        """Let area as a percentage of leasable area today (empty where nothing is leasable)."""
        return percent(obj.let_area, obj.leasable_area)
