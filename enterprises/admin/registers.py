"""Admin pages of the enterprise's own registers: standards, IP, virtual characters (their registrations inline),
financing rounds, listings and industry activities, each scoped as its API (the enterprise its own, the park and
district read)."""

from django.contrib import admin

from config.admin import ScopedAdmin, ScopedInline

from ..models import (
    DigitalHumanIp,
    DigitalHumanRegistration,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
)


class RegisterAdmin(ScopedAdmin):
    """What every register's page shares: its enterprise picked by autocomplete, searched by name and credit code."""

    autocomplete_fields = ["enterprise"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]


@admin.register(Standard)
class StandardAdmin(RegisterAdmin):
    """Standards the enterprises lead or take part in drafting."""

    list_display = ["title", "number", "enterprise", "level", "role", "status", "published_on"]
    list_filter = ["level", "role", "status"]
    search_fields = [*RegisterAdmin.search_fields, "title", "number"]
    date_hierarchy = "published_on"


@admin.register(IntellectualProperty)
class IntellectualPropertyAdmin(RegisterAdmin):
    """Patents, software copyrights and other IP items, with their class."""

    list_display = ["number", "title", "enterprise", "type", "ip_class", "granted_on", "expires_on"]
    list_filter = ["type", "ip_class"]
    search_fields = [*RegisterAdmin.search_fields, "title", "number"]
    date_hierarchy = "granted_on"


class DigitalHumanRegistrationInline(ScopedInline):
    """A character's registrations."""

    model = DigitalHumanRegistration
    extra = 0


@admin.register(DigitalHumanIp)
class DigitalHumanIpAdmin(RegisterAdmin):
    """Virtual characters, service or performance type, with their registrations."""

    list_display = ["name", "enterprise", "dh_type", "launched_on"]
    list_filter = ["dh_type"]
    search_fields = [*RegisterAdmin.search_fields, "name"]
    inlines = [DigitalHumanRegistrationInline]


@admin.register(FinancingRound)
class FinancingRoundAdmin(RegisterAdmin):
    """Financing rounds, with the government-guided funds."""

    list_display = ["enterprise", "closed_on", "round_name", "amount", "lead_investor", "equity", "guided_fund"]
    list_filter = ["equity", "guided_fund"]
    search_fields = [*RegisterAdmin.search_fields, "lead_investor"]
    date_hierarchy = "closed_on"


@admin.register(Listing)
class ListingAdmin(RegisterAdmin):
    """Listings and quotations."""

    list_display = ["enterprise", "board", "stock_code", "listed_on", "delisted_on"]
    list_filter = ["board"]
    search_fields = [*RegisterAdmin.search_fields, "stock_code"]


@admin.register(IndustryActivity)
class IndustryActivityAdmin(RegisterAdmin):
    """Talent, events and cooperation the enterprises report (counts, never personal data)."""

    list_display = ["title", "enterprise", "kind", "partner", "held_on", "people"]
    list_filter = ["kind"]
    search_fields = [*RegisterAdmin.search_fields, "title", "partner"]
    date_hierarchy = "held_on"
