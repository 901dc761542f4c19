"""Admin page of evidence files: their metadata read-only (name, kind, type, size, checksum, uploader, time, owner),
each downloaded through the scope-checked download view, never from the storage; files are added and removed on
their owner's evidence panel (enterprises.evidence). Who sees which files is the model's scope rule, as everywhere
in the admin: the bureau all, a park's administrators those of their park's records, district staff their
district's."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.admin import ReadOnlyAdminMixin, ScopedAdmin

from ..models import EvidenceFile

OWNER_ADMIN = {"declaration": "admin:enterprises_declaration_change", "filing": "admin:enterprises_annualfiling_change",
               "tenancy": "admin:enterprises_tenancy_change"}


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Evidence files with what was recorded of each upload, and its download (read-only)."""

    list_display = ["original_name", "kind", "content_type", "size_shown", "owner_shown", "uploaded_by",
                    "uploaded_at", "download"]
    list_filter = ["kind", "content_type"]
    search_fields = ["original_name", "sha256", "declaration__enterprise__name", "filing__enterprise__name",
                     "tenancy__enterprise__name"]
    list_select_related = ["uploaded_by", "declaration__enterprise", "declaration__round", "filing__enterprise",
                           "tenancy__enterprise", "tenancy__unit__park"]
    date_hierarchy = "uploaded_at"
    # Never the file field itself: it would show the storage's URL.
    fields = ["original_name", "kind", "content_type", "size", "sha256", "uploaded_by", "uploaded_at", "owner_shown",
              "download"]
    readonly_fields = fields

    @admin.display(description=_("size"), ordering="size")
    def size_shown(self, obj):
        """The size as a person reads it (the bytes are on the file's page)."""
        return filesizeformat(obj.size)

    @admin.display(description=_("belongs to"))
    def owner_shown(self, obj):
        """The declaration, filing or tenancy the file belongs to, linked to its admin page."""
        owner = obj.owner
        return format_html('<a href="{}">{}: {}</a>', reverse(OWNER_ADMIN[obj.owner_name], args=[owner.pk]),
                           type(owner)._meta.verbose_name, owner)

    @admin.display(description=_("download"))
    def download(self, obj):
        """The scope-checked download of the file."""
        return format_html('<a class="evidence-download" href="{}">{}</a>',
                           reverse("evidence-download", args=[obj.pk]), _("Download"))
