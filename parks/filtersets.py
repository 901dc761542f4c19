"""Filters of the parks API."""

import django_filters
from django.db.models import Q

from config.as_of import as_of
from config.filters import DivisionCodeFilter, FilterSet

from .choices import DistrictKind, ParkKind, ParkServiceKind
from .models import District, Park, ParkService, Unit
from .selectors import unit_search


class DistrictFilterSet(FilterSet):
    """Filter districts by division code (one or several), kind, whether the plan gives them a role, and text."""

    q = django_filters.CharFilter(method="search", label="Search name or code")
    code = DivisionCodeFilter(field_name="code")
    kind = django_filters.ChoiceFilter(choices=DistrictKind.choices)
    in_plan = django_filters.BooleanFilter(method="filter_in_plan", label="Has a role in the plan")

    class Meta:
        model = District
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__startswith=value))

    def filter_in_plan(self, queryset, name, value):
        return queryset.exclude(plan_role="") if value else queryset.filter(plan_role="")


class ParkFilterSet(FilterSet):
    """Filter parks by district (or its division codes), kind, featured flag and text."""

    q = django_filters.CharFilter(method="search", label="Search name, address or operator")
    district = django_filters.ModelMultipleChoiceFilter(queryset=District.objects.all())
    district_code = DivisionCodeFilter(field_name="district__code")
    kind = django_filters.MultipleChoiceFilter(choices=ParkKind.choices)

    class Meta:
        model = Park
        fields = ["featured"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(operator__icontains=value)
        )


class UnitFilterSet(FilterSet):
    """Filter units by park, district and building."""

    q = django_filters.CharFilter(method="search", label="Search building, room or label (C座-5-501)")
    park = django_filters.ModelMultipleChoiceFilter(queryset=Park.objects.all())
    district = django_filters.ModelMultipleChoiceFilter(field_name="park__district", queryset=District.objects.all())

    class Meta:
        model = Unit
        fields = ["building"]

    def search(self, queryset, name, value):
        """Units whose building or room holds the text, or whose label building-floor-room does."""
        return queryset.filter(unit_search(value))


class ParkServiceFilterSet(FilterSet):
    """Filter park services by park, district, kind, publicity, the day they are offered on and text."""

    q = django_filters.CharFilter(method="search", label="Search title or description")
    park = django_filters.ModelMultipleChoiceFilter(queryset=Park.objects.all())
    district = django_filters.ModelMultipleChoiceFilter(field_name="park__district", queryset=District.objects.all())
    kind = django_filters.MultipleChoiceFilter(choices=ParkServiceKind.choices)
    offered_on = django_filters.DateFilter(method="filter_offered_on", label="Offered on this date")

    class Meta:
        model = ParkService
        fields = ["public"]

    def search(self, queryset, name, value):
        """Services whose title or description holds the text."""
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_offered_on(self, queryset, name, value):
        """Services offered on the date: started by then, not ended by then."""
        return as_of(queryset, on=value)
