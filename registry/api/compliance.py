"""The compliance-gaps report (plan task 15): the enterprises in the user's scope without a compliance filing of a
kind in force on a date, paged by name, in JSON, CSV and XLSX (docs/registers-compliance.md)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from config.api.fields import ReportDateField, ReportYearField
from config.api.schema import PAGED, QUERY
from enterprises.choices import ComplianceKind
from enterprises.compliance_selectors import compliance_gaps
from enterprises.selectors import tier_reference_date
from parks.models import District, Park
from registry.selectors import report_basis

from .overview import ReportQuery
from .reports import ReportView


class ComplianceGapQuery(ReportQuery):
    """The kind of filing (required; repeated, any of the kinds counts: `kind=deep_synthesis&kind=generative_ai`
    lists those holding neither algorithm filing) and the date it must be in force on, `as_of`: default today, or
    the year's last day when only `year` is given (today while the year runs); the year defaults to the date's.
    Optionally `district` or `park` (ids): only the enterprises registered there."""

    kind = serializers.MultipleChoiceField(choices=ComplianceKind.choices, allow_empty=False)
    as_of = ReportDateField(required=False)
    year = ReportYearField(required=False)
    district = serializers.PrimaryKeyRelatedField(queryset=District.objects.all(), required=False)
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all(), required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "as_of" not in attrs:
            attrs["as_of"] = tier_reference_date(attrs["year"]) if "year" in attrs else timezone.localdate()
        attrs.setdefault("year", attrs["as_of"].year)
        return attrs


class ComplianceGapSerializer(serializers.Serializer):
    """An enterprise without an in-force filing of the kind: its id, credit code, name, district and park (none
    when it is registered with no park)."""

    enterprise = serializers.IntegerField(source="pk")
    credit_code = serializers.CharField()
    name = serializers.CharField()
    district_name = serializers.CharField(source="district.name")
    park_name = serializers.CharField(source="park.name", allow_null=True)  # null: registered with no park


class ComplianceGapReportView(ReportView):
    """The enterprises in the user's scope, active on the date, that hold no filing of the kind(s) in force on it
    (deep-synthesis or generative-AI algorithm filing, content- or data-security record), by name; `count` is how
    many lack it."""

    error_responses = {"get": (QUERY, PAGED)}
    filter_backends = []
    serializer_class = ComplianceGapSerializer
    report_name = "compliance-gaps"
    report_title = "缺少合规备案企业"
    report_columns = [("credit_code", "统一社会信用代码", "text"), ("name", "企业名称", "text"),
                      ("district_name", "区", "text"), ("park_name", "园区", "text")]

    def get_queryset(self):
        query = ComplianceGapQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        self.basis = report_basis(year=asked["year"], as_of=asked["as_of"],
                                  default="year" not in self.request.query_params)
        place = {key: asked[key].pk for key in ("district", "park") if key in asked}
        return compliance_gaps(user=self.request.user, kinds=sorted(asked["kind"]), on=asked["as_of"],
                               **place).select_related("district", "park")

    @extend_schema(parameters=[ComplianceGapQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
