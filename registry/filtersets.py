"""Filters of the registry API."""

import django_filters
from django import forms
from django.db.models import Q

from config.filters import FilterSet, YearFilter
from enterprises.choices import LADDER, Tier
from enterprises.models import Enterprise
from parks.models import District, Park

from .choices import (
    ALL_TIERS,
    AwardStatus,
    DigitalHumanKind,
    LabKind,
    OperatingStatus,
    PlatformDomain,
    ProjectField,
    ProjectStatus,
    SummaryLevel,
)
from .models import BenchmarkProject, Lab, PlanTarget, PlanTask, Platform, SupportAward, SupportPolicy, TierSummary
from .plan_models import TASKS_MAX


class PlacedFilterSet(FilterSet):
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
    year = YearFilter()

    class Meta:
        model = BenchmarkProject
        fields = ["year", "lead"]

    def filter_enterprise(self, queryset, name, value):
        return queryset.filter(Q(lead_id=value) | Q(partners__id=value)).distinct()


class PlanTargetFilterSet(FilterSet):
    """Filter plan targets by plan, metric and year."""

    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search title")
    year = YearFilter()

    class Meta:
        model = PlanTarget
        fields = ["plan", "metric", "year"]


class TierSummaryFilterSet(FilterSet):
    """Filter a tier-summary snapshot by year, level, district, park and tier."""

    year = YearFilter()
    level = django_filters.MultipleChoiceFilter(choices=SummaryLevel.choices)
    district = django_filters.ModelMultipleChoiceFilter(queryset=District.objects.all())
    park = django_filters.ModelMultipleChoiceFilter(queryset=Park.objects.all())
    tier = django_filters.MultipleChoiceFilter(choices=[(ALL_TIERS, ALL_TIERS), *Tier.choices])

    class Meta:
        model = TierSummary
        fields = []


class TierCandidateFilterSet(FilterSet):
    """Filter tier candidates by year (of the figures), district and park (where they filed) and tier."""

    year = YearFilter(method="keep", label="Year of the filing")
    district = django_filters.ModelMultipleChoiceFilter(
        field_name="place_district", queryset=District.objects.all(), method="filter_place",
    )
    park = django_filters.ModelMultipleChoiceFilter(
        field_name="place_park", queryset=Park.objects.all(), method="filter_place",
    )
    tier = django_filters.ChoiceFilter(choices=[(t.value, t.label) for t in LADDER], method="keep")

    class Meta:
        model = Enterprise
        fields = []

    def keep(self, queryset, name, value):
        """Read by the view, which builds the population of that year and tier."""
        return queryset

    def filter_place(self, queryset, name, value):
        """Keep the enterprises placed (by their filing, else now) in one of the districts or parks."""
        return queryset.filter(**{f"{name}__in": [place.pk for place in value]}) if value else queryset


class TaskNumberFilter(django_filters.NumberFilter):
    """A plan task's number: a whole number 1-15, else a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", TASKS_MAX)
        kwargs.setdefault("label", "Plan task (its number, 1-15)")
        super().__init__(*args, **kwargs)


class PlanTaskFilterSet(FilterSet):
    """Filter plan tasks by plan and number, and text on the title."""

    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Search title")
    number = TaskNumberFilter()

    class Meta:
        model = PlanTask
        fields = ["plan"]


class SupportPolicyFilterSet(FilterSet):
    """Filter support policies by year, plan task (its number) and issuing body, and text on the name."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search name")
    year = YearFilter()
    task = TaskNumberFilter(field_name="task__number")
    issuer = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = SupportPolicy
        fields = []


class SupportAwardFilterSet(FilterSet):
    """Filter awards by policy, its year and plan task, status, enterprise, and the enterprise's district and park."""

    policy = django_filters.ModelMultipleChoiceFilter(queryset=SupportPolicy.objects.all())
    year = YearFilter(field_name="policy__year")
    task = TaskNumberFilter(field_name="policy__task__number")
    status = django_filters.MultipleChoiceFilter(choices=AwardStatus.choices)
    enterprise = django_filters.ModelMultipleChoiceFilter(queryset=Enterprise.objects.all())
    district = django_filters.ModelMultipleChoiceFilter(field_name="enterprise__district",
                                                        queryset=District.objects.all())
    park = django_filters.ModelMultipleChoiceFilter(field_name="enterprise__park", queryset=Park.objects.all())

    class Meta:
        model = SupportAward
        fields = []
