"""Admin pages of the enterprises app."""

from django.contrib import admin
from django.db import models

from config.admin import ScopedAdmin, ScopedInline

from .models import Enterprise, EnterpriseMembership, Tenancy


class TenancyInline(ScopedInline):
    """An enterprise's tenancies, read on its page."""

    model = Tenancy
    extra = 0
    fields = ["unit", "start", "end", "rent"]
    autocomplete_fields = ["unit"]


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    """Enterprises, searchable by names and credit code."""

    list_display = ["name", "short_name", "credit_code", "district", "park", "chain_position", "status"]
    list_filter = ["district", "park", "chain_position", "status"]
    search_fields = ["name", "short_name", "name_en", "credit_code"]
    list_select_related = ["district", "park"]
    autocomplete_fields = ["park"]
    date_hierarchy = "founded"
    inlines = [TenancyInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Tenancy)
class TenancyAdmin(ScopedAdmin):
    """Tenancies; the model refuses overlapping dates on a unit and names the tenancy in the way."""

    list_display = ["enterprise", "unit", "park", "start", "end", "rent"]
    list_filter = ["park__district", "park"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "unit__building", "unit__room"]
    list_select_related = ["enterprise", "unit__park", "park"]
    autocomplete_fields = ["enterprise", "unit"]
    date_hierarchy = "start"


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(ScopedAdmin):
    """Enterprise users: who files for which enterprise."""

    list_display = ["user", "enterprise", "created"]
    search_fields = ["user__username", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["user", "enterprise"]
    autocomplete_fields = ["enterprise"]
