"""Endpoints of the bureau's overview reports: plan progress (with the records behind each figure) and the district
overview, in JSON, CSV and XLSX with the same figures (the park report: registry.api.park_report)."""

import functools

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from access.scoping import VIEW
from config.api.decimals import DecimalField, ExactDecimalField
from config.api.fields import AsOfQuery, ReportDateField, ReportYearField
from config.api.filters import COMMON_PARAMETERS
from config.api.permissions import ScopedPermission
from config.api.renderers import REPORT_RENDERERS
from config.api.schema import NO_RECORD, QUERY
from config.api.serializers import plain_converter
from enterprises.selectors import reporting_year, tier_reference_date
from registry.choices import TargetUnit
from registry.models import PlanTarget
from registry.selectors import district_overview, plan_progress, report_basis, target_records
from registry.selectors.plan_progress import METRICS, record_row
from registry.targets import unit_name

from .report_responses import report_dispatch, report_response
from .reports import ReportBasisSerializer, ReportView

# The tiers' one names in Chinese (Tier's labels; tests/test_tier_names.py keeps them equal).
TIER_HEADERS = [("innovative", "科技和创新型中小企业"), ("specialised", "专精特新中小企业"),
                ("little_giant", "专精特新“小巨人”企业"), ("single_champion", "制造业单项冠军企业")]


class ReportQuery(AsOfQuery):
    """Base of a report's query parameters: the date named `as_of` (`on`, its name before, still read), unknown
    parameters refused with a message each (`ordering` too: a computed report has its own order)."""

    deprecated_date = "on"

    def validate(self, attrs):
        known = set(self.fields) | (COMMON_PARAMETERS - {api_settings.ORDERING_PARAM}) | {self.deprecated_date}
        unknown = sorted(set(self.initial_data) - known)
        if unknown:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
        return attrs


class YearQuery(ReportQuery):
    """The year of the figures (default the reporting year: the latest year whose filing season has closed) and the
    date of the dated ones, `as_of` (default the year's end, or today while it runs)."""

    year = ReportYearField(required=False)
    as_of = ReportDateField(required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "year" not in attrs:
            attrs["year"] = reporting_year()
        attrs.setdefault("as_of", tier_reference_date(attrs["year"]))
        return attrs


class PlanProgressQuery(YearQuery):
    """Plan progress of a year as of a date (labs, platforms), optionally of one plan."""

    plan = serializers.CharField(required=False, max_length=128)


class DistrictOverviewQuery(YearQuery):
    """The district overview of a year, with tenancies, tiers and occupancy as of a date."""


@method_decorator(report_dispatch, name="dispatch")  # reads in a snapshot of its own, not the request transaction
class ComputedReportView(APIView):
    """Base of the reports computed per request: query parameters validated by `query_serializer`, rows from
    `rows(user, **query)`, answered as {basis, <query>, count, results} in JSON, or the rows as CSV or XLSX under
    a header block of the basis (enterprises.basis)."""

    error_responses = {"get": (QUERY,)}

    permission_classes = [ScopedPermission]
    scope_action = VIEW
    renderer_classes = REPORT_RENDERERS
    query_serializer: type[ReportQuery]
    row_serializer: type[serializers.Serializer]
    report_columns: list[tuple[str, str, str]] = []
    report_name = "report"
    report_title = "报表"  # the Chinese name of the sheet and the file

    def rows(self, *, user, **query) -> list:
        """The report's rows for the user and the validated query."""
        raise NotImplementedError

    def table_rows(self, results: list) -> list:
        """The rows a CSV or XLSX table shows (default: the JSON's results)."""
        return results

    @report_response
    def get(self, request):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = self.rows(user=request.user, **query.validated_data)
        results = self.row_serializer(rows, many=True, context={"request": request, **query.validated_data}).data
        if request.accepted_renderer.format in ("csv", "xlsx"):
            results = self.table_rows(results)
        basis = report_basis(year=query.validated_data["year"], default="year" not in request.query_params,
                             as_of=query.validated_data["as_of"])
        return Response({"basis": basis, **query.data, "count": len(results), "results": results})


def envelope(name: str, query: type[ReportQuery], row: type[serializers.Serializer],
             optional: tuple[str, ...] = ("plan",)) -> type[serializers.Serializer]:
    """The schema of a computed report's answer: its basis, its query's values (those named `optional` only when
    asked for), the row count and the rows."""
    fields = {field_name: type(field)(**{**field._kwargs, "required": field_name not in optional})
              for field_name, field in query().fields.items()}
    return type(name, (serializers.Serializer,), {
        "basis": ReportBasisSerializer(), **fields, "count": serializers.IntegerField(), "results": row(many=True),
        "__doc__": f"{name}: the basis, the query, the number of rows and the rows.",
    })


class BreakdownSerializer(serializers.Serializer):
    """Records counted per category (platform domain, project field, lab kind)."""

    key = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    label = serializers.SerializerMethodField()

    def get_label(self, item) -> str:
        return f"{item['name']} {item['count']}"

    def to_representation(self, instance):
        """The category (a dict of plan progress's breakdown) as DRF's fields would give it, built directly."""
        return {"key": str(instance["key"]), "name": str(instance["name"]), "count": int(instance["count"]),
                "label": self.get_label(instance)}


class RecordSerializer(serializers.Serializer):
    """A record behind a figure: its kind (filing, lab, platform, benchmark_project, park), id, name, and the
    figure it contributes with its unit (for filings: yuan_10k, 万元)."""

    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    value = DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    value_unit = serializers.CharField(allow_null=True)
    value_unit_name = serializers.SerializerMethodField()

    def get_value_unit_name(self, record) -> str | None:
        """The name of the value's unit (万元), None where the record has no figure; each unit's name translated
        once per serializer (the request's language)."""
        unit = record["value_unit"]
        if not unit:
            return None
        names = self.__dict__.setdefault("_unit_names", {})
        if unit not in names:
            names[unit] = str(TargetUnit(unit).label)
        return names[unit]

    def to_representation(self, instance):
        """The record (a dict of `record_row`) as DRF's fields would give it, built directly: a plan-progress
        answer holds up to 50 records per target, and DRF's walk of six fields per record was most of its
        serialising. The value is converted by the class's declared field (the same rounding), not a copy of it
        made per serializer."""
        value, unit = instance["value"], instance["value_unit"]
        return {"kind": str(instance["kind"]), "id": int(instance["id"]), "name": str(instance["name"]),
                "value": None if value is None else self._declared_fields["value"].to_representation(value),
                "value_unit": None if unit is None else str(unit),
                "value_unit_name": self.get_value_unit_name(instance)}


class PlanProgressRowSerializer(serializers.Serializer):
    """One target: goal (and upper goal) and how it is compared, the actual in the target's unit (rounded half up
    for display, and exact; null where hidden), share met in %, whether met (on the exact actual), the records
    counted, missing categories, the breakdown, the first records and the address of all of them."""

    code = serializers.CharField(source="target.code")
    plan = serializers.CharField(source="target.plan")
    title = serializers.CharField(source="target.title")
    metric = serializers.CharField(source="target.metric")
    metric_name = serializers.CharField(source="target.get_metric_display")
    unit = serializers.CharField(source="target.unit")
    unit_name = serializers.SerializerMethodField()
    comparison = serializers.CharField(source="target.comparison")
    comparison_name = serializers.CharField(source="target.get_comparison_display")
    deadline = serializers.IntegerField(source="target.year")
    threshold = DecimalField(source="target.threshold", max_digits=14, decimal_places=2, allow_null=True)
    goal = DecimalField(source="target.goal", max_digits=14, decimal_places=2)
    goal_upper = DecimalField(source="target.goal_upper", max_digits=14, decimal_places=2, allow_null=True)
    actual = DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    actual_exact = ExactDecimalField(source="actual", allow_null=True)
    share = DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    counted = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())
    missing_required = serializers.ListField(
        source="required_missing", child=serializers.CharField(),
        help_text="Categories without a record that the target requires: it is not met while any is missing.")
    breakdown = BreakdownSerializer(many=True)
    records = RecordSerializer(many=True)
    records_url = serializers.SerializerMethodField()

    def get_unit_name(self, row) -> str:
        """The unit's name: 亿元 or 万元, or the plan's measure word of what is counted (家, 个)."""
        return unit_name(unit=row.target.unit, metric=row.target.metric)

    def get_records_url(self, row) -> str:
        """Address of every record behind the figure (the drill-down)."""
        path = reverse("api:report-plan-progress-records", args=[row.target.code])
        query = urlencode({"year": self.context["year"], "as_of": self.context["as_of"].isoformat()})
        return self.context["request"].build_absolute_uri(f"{path}?{query}")

    def to_representation(self, instance):
        """The target's row as DRF's Serializer.to_representation gives it (tests/test_plan_progress_rows.py
        compares the two), without DRF's copy of the fields per serializer and its calls per field: each field's
        path and conversion are read off the class's declared fields once per process (`_plain_steps`), a nested
        list written by one serializer of its kind per serializer."""
        answer = {}
        for name, path, convert, nested in _plain_steps(type(self)):
            if convert is None:  # a method field
                answer[name] = getattr(self, path)(instance)
                continue
            value = instance
            for attribute in path:
                value = getattr(value, attribute)
            if callable(value):
                value = value()
            if value is None:
                answer[name] = None
            elif nested is not None:
                child = self.__dict__.get(f"_child_{name}")
                if child is None:
                    child = self.__dict__[f"_child_{name}"] = nested(context=self.context)
                answer[name] = [child.to_representation(item) for item in value]
            else:
                answer[name] = convert(value)
        return answer


_STEPS: dict[type, list[tuple]] = {}


def _plain_steps(serializer_class) -> list[tuple]:
    """(name, path, conversion, nested serializer class) of each of a serializer class's declared fields, built
    once per process: a method field's path is its method's name and its conversion None; a nested list (many=True)
    is converted by its child's class; any other field by its plain conversion (config.api.serializers)."""
    steps = _STEPS.get(serializer_class)
    if steps is None:
        steps = []
        for name, field in serializer_class._declared_fields.items():
            if isinstance(field, serializers.SerializerMethodField):
                steps.append((name, field.method_name or f"get_{name}", None, None))
            elif isinstance(field, serializers.ListSerializer):
                steps.append((name, tuple((field.source or name).split(".")), list, type(field.child)))
            else:
                steps.append((name, tuple((field.source or name).split(".")), plain_converter(field), None))
        _STEPS[serializer_class] = steps
    return steps


class PlanProgressReportView(ComputedReportView):
    """Plan progress: for each plan target, the goal, the actual from the records (approved filings of the year;
    labs, platforms and projects as of a date), the share met, and the records behind the figure."""

    query_serializer = PlanProgressQuery
    row_serializer = PlanProgressRowSerializer
    report_name = "plan-progress"
    report_title = "规划进度"
    report_columns = [
        ("code", "目标编码", "text"), ("title", "目标", "text"), ("metric_name", "指标", "text"),
        ("deadline", "目标年份", "int"), ("goal", "目标值", "decimal"), ("goal_upper", "目标上限", "decimal"),
        ("unit_name", "单位", "text"), ("comparison_name", "比较方式", "text"), ("actual", "实际值", "decimal"),
        ("actual_exact", "实际值（未修约）", "decimal"), ("share", "完成比例（%）", "decimal"),
        ("met", "是否达成", "bool"), ("counted", "依据记录数", "int"), ("missing", "尚缺领域", "text"),
        ("missing_required", "尚缺的必需领域", "text"),
        ("breakdown", "分布", "text"), ("records", "依据记录（前50条）", "text"),
        ("records_url", "全部依据记录", "text"),
    ]

    def rows(self, *, user, year, as_of, plan=None):
        return plan_progress(user=user, year=year, on=as_of, plan=plan)

    @extend_schema(parameters=[PlanProgressQuery], responses=envelope("PlanProgressReport", PlanProgressQuery,
                                                                      PlanProgressRowSerializer))
    def get(self, request):
        return super().get(request)


class TargetRecordSerializer(RecordSerializer):
    """A record behind a plan target's figure."""

    def to_representation(self, instance):
        return super().to_representation(record_row(metric=self.context["metric"], record=instance))


class PlanTargetRecordsView(ReportView):
    """Every record behind a plan target's figure for a year and date (the drill-down of plan progress)."""

    error_responses = {"get": (QUERY, NO_RECORD)}

    serializer_class = TargetRecordSerializer
    filter_backends = []
    report_name = "plan-target-records"
    report_title = "规划指标依据记录"
    report_columns = [("kind", "类型", "text"), ("id", "编号", "int"), ("name", "名称", "text"),
                      ("value", "数值（万元）", "decimal")]

    def get_queryset(self):
        query = PlanProgressQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        target = get_object_or_404(PlanTarget.objects.restrict(self.request.user, VIEW), code=self.kwargs["code"])
        self.metric = METRICS[target.metric]
        self.basis = report_basis(year=query.validated_data["year"], as_of=query.validated_data["as_of"],
                                  default="year" not in self.request.query_params)
        return target_records(target=target, user=self.request.user, year=query.validated_data["year"],
                              on=query.validated_data["as_of"])

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "metric": getattr(self, "metric", None)}

    @extend_schema(parameters=[PlanProgressQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DistrictRowSerializer(serializers.Serializer):
    """One district: parks, enterprises, tenants, the year's approved revenue (万元; null where hidden), tiers held,
    labs, platforms, projects, leasable and let area (m²) and occupancy (%)."""

    district = serializers.IntegerField()
    district_code = serializers.CharField()
    district_name = serializers.CharField()
    parks = serializers.IntegerField()
    enterprises = serializers.IntegerField()
    tenants = serializers.IntegerField()
    filed = serializers.IntegerField()
    revenue = DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    digital_human_revenue = DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    designated_innovative = serializers.IntegerField()
    designated_specialised = serializers.IntegerField()
    designated_little_giant = serializers.IntegerField()
    designated_single_champion = serializers.IntegerField()
    labs = serializers.IntegerField()
    platforms = serializers.IntegerField()
    projects = serializers.IntegerField()
    leasable_area = DecimalField(max_digits=16, decimal_places=2)
    let_area = DecimalField(max_digits=16, decimal_places=2)
    occupancy = DecimalField(max_digits=7, decimal_places=2, allow_null=True)

    def to_representation(self, instance):
        """The row (a dict of `district_overview`) as DRF's fields would give it, built directly (DRF's walk of 21
        fields a row was most of the answer's serialising): None stays None, as DRF leaves it; an integer or a text
        is converted as its field converts it, a decimal by its own field (its rounding)."""
        return {name: None if instance[name] is None else convert(instance[name])
                for name, convert in _converters(type(self))}


@functools.cache
def _converters(serializer: type[serializers.Serializer]) -> tuple:
    """Each declared field's name and its conversion of a value that is not None (`plain_converter`), made once per
    serializer class: a serializer's bound fields are deep copies made per instance, for each request, and a plain
    conversion or a decimal's reads only the field's own settings."""
    return tuple((name, plain_converter(field)) for name, field in serializer._declared_fields.items())


class DistrictOverviewReportView(ComputedReportView):
    """The district overview: per district, enterprises, tenants, revenue, tiers, labs, platforms, projects, parks
    and occupancy, over the records the user may see."""

    query_serializer = DistrictOverviewQuery
    row_serializer = DistrictRowSerializer
    report_name = "district-overview"
    report_title = "区县概览"
    report_columns = [
        ("district_code", "区划代码", "text"), ("district_name", "区", "text"), ("parks", "园区数", "int"),
        ("enterprises", "企业数", "int"), ("tenants", "入驻企业数", "int"), ("filed", "已审核年报企业数", "int"),
        ("revenue", "营业收入（万元）", "decimal"), ("digital_human_revenue", "数字人业务收入（万元）", "decimal"),
        *[(f"designated_{tier}", f"{name}（家）", "int") for tier, name in TIER_HEADERS],
        ("labs", "实验室和创新中心数", "int"), ("platforms", "共性技术平台数", "int"),
        ("projects", "应用标杆项目数", "int"),
        ("leasable_area", "可租面积（平方米）", "decimal"), ("let_area", "已租面积（平方米）", "decimal"),
        ("occupancy", "出租率（%）", "decimal"),
    ]

    def rows(self, *, user, year, as_of):
        return district_overview(user=user, year=year, on=as_of)

    @extend_schema(parameters=[DistrictOverviewQuery], responses=envelope("DistrictOverviewReport",
                                                                          DistrictOverviewQuery, DistrictRowSerializer))
    def get(self, request):
        return super().get(request)
