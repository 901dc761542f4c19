"""Filters of the enterprises API."""

import django_filters
from django.db.models import Value
from django.db.models.functions import Upper

from config.filters import DivisionCodeFilter, FilterSet, KnownChoicesFilter, YearFilter
from parks.models import District, Park, Unit

from .choices import (
    ACTIVITY_TASKS,
    ActivityKind,
    ChainPosition,
    ComplianceKind,
    DesignationStatus,
    DigitalHumanType,
    EnterpriseStatus,
    FilingStatus,
    GuidedFund,
    IpClass,
    IpType,
    ListingBoard,
    Segment,
    StandardLevel,
    StandardRole,
    StandardStatus,
    Tier,
    activity_kinds_of,
)
from .credit_code import LENGTH, faults, normalise
from .fields import Bigrams
from .models import (
    AnnualFiling,
    ComplianceFiling,
    DigitalHumanIp,
    DigitalHumanRegistration,
    Enterprise,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
    Tenancy,
    TierDesignation,
)
from .selectors import held_on


class EnterpriseFilterSet(FilterSet):
    """Filter enterprises by district, park, chain position, segment, status and text (names, credit code)."""

    q = django_filters.CharFilter(method="search", label="Search names or credit code")
    district = KnownChoicesFilter(queryset=District.objects.all())
    district_code = DivisionCodeFilter(field_name="district__code")
    park = KnownChoicesFilter(queryset=Park.objects.all())
    chain_position = django_filters.MultipleChoiceFilter(choices=ChainPosition.choices)
    segment = django_filters.ChoiceFilter(choices=Segment.choices, method="filter_segment")
    status = django_filters.MultipleChoiceFilter(choices=EnterpriseStatus.choices)
    founded_after = django_filters.DateFilter(field_name="founded", lookup_expr="gte")
    founded_before = django_filters.DateFilter(field_name="founded", lookup_expr="lt")

    class Meta:
        model = Enterprise
        fields = ["credit_code"]

    def search(self, queryset, name, value):
        """Enterprises whose names (Chinese, short or English) or credit code contain the text, in any case (both
        sides upper-cased by PostgreSQL); a whole valid credit code (spaces and full-width characters allowed) is
        looked up as such. Texts of two characters or more are looked up in the bigram index (a Chinese short name
        has two), then kept if they hold the text."""
        text = value.strip()
        code = normalise(text)
        if len(code) == LENGTH and not faults(code):
            return queryset.filter(credit_code=code)
        matches = queryset.filter(search_text__contains=Upper(Value(text)))
        if len(text) < 2:
            return matches
        return matches.alias(search_bigrams=Bigrams("search_text")).filter(
            search_bigrams__contains=Bigrams(Upper(Value(text))))

    def filter_segment(self, queryset, name, value):
        return queryset.filter(segments__contains=[value])


class TenancyFilterSet(FilterSet):
    """Filter tenancies by park, district, unit, enterprise, and those current on a date."""

    park = KnownChoicesFilter(queryset=Park.objects.all())  # keys checked without a query (config.filters)
    district = KnownChoicesFilter(field_name="park__district", queryset=District.objects.all())
    unit = django_filters.ModelMultipleChoiceFilter(queryset=Unit.objects.all())
    enterprise = django_filters.ModelMultipleChoiceFilter(queryset=Enterprise.objects.all())
    current_on = django_filters.DateFilter(method="filter_current_on", label="Holds its unit on this date")
    ends_before = django_filters.DateFilter(field_name="end", lookup_expr="lt")

    class Meta:
        model = Tenancy
        fields = []

    def filter_current_on(self, queryset, name, value):
        return queryset.filter(held_on(on=value))


class AnnualFilingFilterSet(FilterSet):
    """Filter filings by enterprise, year, status, and the park and district they were submitted in."""

    enterprise = django_filters.ModelMultipleChoiceFilter(queryset=Enterprise.objects.all())
    year = YearFilter()
    status = django_filters.MultipleChoiceFilter(choices=FilingStatus.choices)
    park = KnownChoicesFilter(queryset=Park.objects.all())  # keys checked without a query (config.filters)
    district = KnownChoicesFilter(queryset=District.objects.all())

    class Meta:
        model = AnnualFiling
        fields = []


class TierDesignationFilterSet(FilterSet):
    """Filter designations by enterprise, tier, year granted, today's status, and the enterprise's district and park."""

    enterprise = django_filters.ModelMultipleChoiceFilter(queryset=Enterprise.objects.all())
    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices)
    year = YearFilter()
    status = django_filters.MultipleChoiceFilter(choices=DesignationStatus.choices)
    district = django_filters.ModelMultipleChoiceFilter(
        field_name="enterprise__district", queryset=District.objects.all(),
    )
    park = django_filters.ModelMultipleChoiceFilter(field_name="enterprise__park", queryset=Park.objects.all())

    class Meta:
        model = TierDesignation
        fields = []


class RegisterFilterSet(FilterSet):
    """Filters every register of an enterprise takes: the enterprise, and its district and park."""

    enterprise = django_filters.ModelMultipleChoiceFilter(queryset=Enterprise.objects.all())
    district = django_filters.ModelMultipleChoiceFilter(field_name="enterprise__district",
                                                        queryset=District.objects.all())
    park = django_filters.ModelMultipleChoiceFilter(field_name="enterprise__park", queryset=Park.objects.all())


class StandardFilterSet(RegisterFilterSet):
    """Filter standards by enterprise, level, role, status and the year published."""

    level = django_filters.MultipleChoiceFilter(choices=StandardLevel.choices)
    role = django_filters.MultipleChoiceFilter(choices=StandardRole.choices)
    status = django_filters.MultipleChoiceFilter(choices=StandardStatus.choices)
    published_year = YearFilter(field_name="published_on__year")

    class Meta:
        model = Standard
        fields = ["number"]


class IntellectualPropertyFilterSet(RegisterFilterSet):
    """Filter IP items by enterprise, type, class, the year granted and the year they are in force."""

    type = django_filters.MultipleChoiceFilter(choices=IpType.choices)
    ip_class = django_filters.MultipleChoiceFilter(choices=IpClass.choices)
    granted_year = YearFilter(field_name="granted_on__year")
    valid_in = YearFilter(method="filter_valid_in", label="In force on some day of this year")

    class Meta:
        model = IntellectualProperty
        fields = ["number"]

    def filter_valid_in(self, queryset, name, value):
        return queryset.valid_in(value)


class DigitalHumanIpFilterSet(RegisterFilterSet):
    """Filter virtual characters by enterprise and type, and the year one of their registrations was made."""

    dh_type = django_filters.MultipleChoiceFilter(choices=DigitalHumanType.choices)
    registered_year = YearFilter(method="filter_registered_year", label="Registered in this year")

    class Meta:
        model = DigitalHumanIp
        fields = []

    def filter_registered_year(self, queryset, name, value):
        return queryset.filter(pk__in=DigitalHumanRegistration.objects.filter(
            registered_on__year=value).values("character"))


class FinancingRoundFilterSet(RegisterFilterSet):
    """Filter financing rounds by enterprise, the year closed, equity, and the guided fund."""

    year = YearFilter(field_name="closed_on__year")
    guided_fund = django_filters.MultipleChoiceFilter(choices=GuidedFund.choices)
    guided = django_filters.BooleanFilter(field_name="guided_fund", method="filter_guided",
                                          label="A government-guided fund took part")

    class Meta:
        model = FinancingRound
        fields = ["equity"]

    def filter_guided(self, queryset, name, value):
        return queryset.exclude(guided_fund="") if value else queryset.filter(guided_fund="")


class ListingFilterSet(RegisterFilterSet):
    """Filter listings by enterprise, board and the year listed."""

    board = django_filters.MultipleChoiceFilter(choices=ListingBoard.choices)
    year = YearFilter(field_name="listed_on__year")

    class Meta:
        model = Listing
        fields = []


# --- compliance filings (branch compliance) ---------------------------------------------------------------------
class ComplianceFilingFilterSet(RegisterFilterSet):
    """Filter compliance filings by enterprise, kind, the year filed and those in force on a date."""

    kind = django_filters.MultipleChoiceFilter(choices=ComplianceKind.choices)
    year = YearFilter(field_name="filed_on__year")
    in_force_on = django_filters.DateFilter(method="filter_in_force_on", label="In force on this date")

    class Meta:
        model = ComplianceFiling
        fields = ["number"]

    def filter_in_force_on(self, queryset, name, value):
        return queryset.in_force(value)


class IndustryActivityFilterSet(RegisterFilterSet):
    """Filter industry activities by enterprise, kind, the plan task their kind counts for, and the year held."""

    kind = django_filters.MultipleChoiceFilter(choices=ActivityKind.choices)
    task = django_filters.TypedChoiceFilter(choices=[(n, n) for n in sorted(set(ACTIVITY_TASKS.values()))],
                                            coerce=int, method="filter_task",
                                            label="The plan task the activity's kind counts for")
    year = YearFilter(field_name="held_on__year")

    class Meta:
        model = IndustryActivity
        fields = []

    def filter_task(self, queryset, name, value: int):
        return queryset.filter(kind__in=activity_kinds_of(value))
