"""Filters of the parks API."""

import django_filters
from django.db.models import Q

from config.filters import DivisionCodeFilter

from .choices import DistrictKind, ParkKind
from .models import District, Park, Unit


class DistrictFilterSet(django_filters.FilterSet):
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


class ParkFilterSet(django_filters.FilterSet):
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


class UnitFilterSet(django_filters.FilterSet):
    """Filter units by park, district and building."""

    q = django_filters.CharFilter(method="search", label="Search building or room")
    park = django_filters.ModelMultipleChoiceFilter(queryset=Park.objects.all())
    district = django_filters.ModelMultipleChoiceFilter(field_name="park__district", queryset=District.objects.all())

    class Meta:
        model = Unit
        fields = ["building"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(building__icontains=value) | Q(room__icontains=value))
