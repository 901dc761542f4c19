"""Filters of the registry API."""

import django_filters
from django.db.models import Q

from enterprises.models import Enterprise
from parks.models import District, Park

from .choices import DigitalHumanKind, LabKind, OperatingStatus, PlatformDomain, ProjectField, ProjectStatus
from .models import BenchmarkProject, Lab, PlanTarget, Platform


class PlacedFilterSet(django_filters.FilterSet):
    """Filters shared by records that sit in a park: park, its district, and text on the name."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search name")
    park = django_filters.ModelMultipleChoiceFilter(queryset=Park.objects.all())
    district = django_filters.ModelMultipleChoiceFilter(field_name="park__district", queryset=District.objects.all())


class LabFilterSet(PlacedFilterSet):
    """Filter labs by kind, status, host, park and district."""

    kind = django_filters.MultipleChoiceFilter(choices=LabKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=OperatingStatus.choices)
    host = django_filters.ModelMultipleChoiceFilter(queryset=Enterprise.objects.all())

    class Meta:
        model = Lab
        fields = []


class PlatformFilterSet(PlacedFilterSet):
    """Filter platforms by domain, status, operator, park and district."""

    domain = django_filters.MultipleChoiceFilter(choices=PlatformDomain.choices)
    status = django_filters.MultipleChoiceFilter(choices=OperatingStatus.choices)
    operator = django_filters.ModelMultipleChoiceFilter(queryset=Enterprise.objects.all())

    class Meta:
        model = Platform
        fields = []


class BenchmarkProjectFilterSet(PlacedFilterSet):
    """Filter benchmark projects by field, kind, status, year, enterprise (lead or partner), park and district."""

    field = django_filters.MultipleChoiceFilter(choices=ProjectField.choices)
    dh_kind = django_filters.ChoiceFilter(choices=DigitalHumanKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices)
    enterprise = django_filters.NumberFilter(method="filter_enterprise", label="Lead or partner enterprise (id)")

    class Meta:
        model = BenchmarkProject
        fields = ["year", "lead"]

    def filter_enterprise(self, queryset, name, value):
        return queryset.filter(Q(lead_id=value) | Q(partners__id=value)).distinct()


class PlanTargetFilterSet(django_filters.FilterSet):
    """Filter plan targets by plan, metric and year."""

    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search title")

    class Meta:
        model = PlanTarget
        fields = ["plan", "metric", "year"]
