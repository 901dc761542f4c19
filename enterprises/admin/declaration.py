"""Admin pages of the declaration process: the bureau keeps the rounds here; declarations and objections are read
here with every step, and move only through their services (the API's step actions and the pages)."""

from django.contrib import admin

from config.admin import ReadOnlyAdminMixin, ScopedAdmin

from ..models import Declaration, DeclarationRound, DeclarationStep, Objection


@admin.register(DeclarationRound)
class DeclarationRoundAdmin(ScopedAdmin):
    """Declaration rounds: tier, rule set, window, review and publicity dates (the bureau's)."""

    list_display = ["name", "tier", "rule_set", "cadence", "opens", "closes", "review_starts", "publicity_starts",
                    "publicity_ends", "closed_at"]
    list_filter = ["tier", "cadence", "rule_set"]
    search_fields = ["name"]
    date_hierarchy = "opens"


class DeclarationStepInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The steps of a declaration, oldest first."""

    model = DeclarationStep
    extra = 0
    fields = ["at", "action", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Declarations with where each stands and every step taken (read-only: each step is a service's)."""

    list_display = ["enterprise", "round", "kind", "district", "status", "submitted_at", "city_score"]
    list_filter = ["status", "kind", "round", "district"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "round__name"]
    list_select_related = ["enterprise", "round", "district"]
    inlines = [DeclarationStepInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Objections received during publicity, and their decisions (confidential: the bureau and the district)."""

    list_display = ["declaration", "received_on", "objector", "upheld", "decided_at"]
    list_filter = ["upheld"]
    search_fields = ["declaration__enterprise__name", "objector"]
    list_select_related = ["declaration__enterprise", "declaration__round"]
