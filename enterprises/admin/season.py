"""Admin page of filing seasons: the bureau sets when the filing of a year opens and closes."""

from django.contrib import admin

from config.admin import ScopedAdmin

from ..models import FilingSeason


@admin.register(FilingSeason)
class FilingSeasonAdmin(ScopedAdmin):
    """Filing seasons by year (a year without one has the default season); they decide the reports' default year."""

    list_display = ["year", "opens", "closes"]
    ordering = ["-year"]
