"""Admin pages of the parks app."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from access.scoping import VIEW, membership_grant_check
from config.admin import ScopedAdmin, ScopedInline

from .models import District, DistrictMembership, Park, ParkMembership, ParkService, Unit
from .selectors import park_list, unit_search


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    """Districts by division code."""

    list_display = ["code", "name", "name_en", "kind", "has_plan_role"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en"]

    @admin.display(boolean=True, description=_("role in the plan"))
    def has_plan_role(self, obj):
        return bool(obj.plan_role)


class UnitInline(ScopedInline):
    """A park's units, edited on the park's page."""

    model = Unit
    extra = 0
    can_delete = False  # a unit counted in earlier reports is closed, not deleted (its own page says which)


@admin.register(Park)
class ParkAdmin(ScopedAdmin):
    """Parks with their leasable area and units."""

    list_display = ["name", "district", "kind", "featured", "leasable_area", "unit_count"]
    list_filter = ["district", "kind", "featured"]
    search_fields = ["name", "address", "operator"]
    inlines = [UnitInline]

    def get_queryset(self, request):
        return park_list().restrict(request.user, VIEW)

    @admin.display(description=_("leasable area (m²)"), ordering="leasable_area")
    def leasable_area(self, obj):
        return obj.leasable_area

    @admin.display(description=_("units"), ordering="unit_count")
    def unit_count(self, obj):
        return obj.unit_count


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    """Leasable units."""

    list_display = ["__str__", "park", "building", "floor", "room", "area", "opened_on", "closed_on"]
    list_filter = ["park__district", "park"]
    search_fields = ["park__name", "building", "room"]
    list_select_related = ["park"]
    autocomplete_fields = ["park"]

    def get_search_results(self, request, queryset, search_term):
        """The admin's search, and the units whose own label building-floor-room holds the text (「C座-5-501」)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | queryset.filter(unit_search(search_term))
        return found, duplicates

    def has_delete_permission(self, request, obj=None):
        """A unit leasable before today is closed (its closing date), not deleted: earlier reports count it."""
        if obj is not None and obj.counted_before_today():
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        """Delete the chosen units never leasable before today; the others are kept, and named."""
        kept = [unit for unit in queryset if unit.counted_before_today()]
        queryset.exclude(pk__in=[unit.pk for unit in kept]).delete()
        if kept:
            self.message_user(request, _("Kept (leasable before today; set a closing date instead): %(units)s") % {
                "units": ", ".join(str(unit) for unit in kept)}, messages.WARNING)


class MembershipAdmin(ScopedAdmin):
    """Base of the membership pages: the user offered are those in the granter's scope (`users_in_scope`, through
    the form's choices), and a membership is refused as the API refuses it (`membership_grant_check`)."""

    def save_model(self, request, obj, form, change):
        """Refuse a membership the granter may not give, then save (and check the scope) as every page does."""
        membership_grant_check(granter=request.user, user=obj.user)
        super().save_model(request, obj, form, change)


@admin.register(ParkMembership)
class ParkMembershipAdmin(MembershipAdmin):
    """Park administrators: who keeps which park."""

    list_display = ["user", "park", "created"]
    list_filter = ["park"]
    search_fields = ["user__username", "park__name"]
    list_select_related = ["user", "park"]
    autocomplete_fields = ["park"]


@admin.register(DistrictMembership)
class DistrictMembershipAdmin(MembershipAdmin):
    """District staff: who works for which district's SME department (given by the bureau)."""

    list_display = ["user", "district", "created"]
    list_filter = ["district"]
    search_fields = ["user__username", "district__name", "district__code"]
    list_select_related = ["user", "district"]


@admin.register(ParkService)
class ParkServiceAdmin(ScopedAdmin):
    """Park services and policies: kind, the days offered, whether the directory shows them."""

    list_display = ["title", "park", "kind", "offered_from", "offered_until", "public"]
    list_filter = ["kind", "public", "park__district", "park"]
    search_fields = ["title", "description", "park__name"]
    list_select_related = ["park"]
    autocomplete_fields = ["park"]
    date_hierarchy = "offered_from"
