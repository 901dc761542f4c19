"""Endpoints of the park report: a page of parks with their figures (every park in CSV and XLSX, with their
lists), and each park's lists behind their own paged endpoints: the tenancies ending within 90 days and the
tenants that have not filed for the year."""

import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.api.decimals import DecimalField
from config.api.fields import RecordUrlField, ReportDateField, ReportYearField
from config.api.pagination import CountedPagePaginator
from config.api.schema import NO_RECORD, PAGED, QUERY
from config.api.serializers import plain_converter
from enterprises.selectors import reporting_year
from registry.selectors import (
    park_figures,
    park_report,
    report_basis,
    tenancies_ending,
    tenants_not_filed_list,
)
from registry.selectors.parks import ReportParks, ending_row, report_park

from .overview import ComputedReportView, ReportQuery, envelope
from .report_responses import report_response
from .reports import ReportPagination, ReportView

TABLE_FORMATS = ("csv", "xlsx")  # the downloads: every park, with its lists


class ParkReportQuery(ReportQuery):
    """The date of occupancy and the ending windows (default today), the period of the area-days (default the
    date's year up to the date, both ends included) and the filing year of the tenants not filed (default the
    reporting year on the date: the latest year whose filing season had closed by then)."""

    as_of = ReportDateField(required=False)
    start = ReportDateField(required=False)
    end = ReportDateField(required=False)
    year = ReportYearField(required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        on = attrs.setdefault("as_of", timezone.localdate())
        attrs.setdefault("year", reporting_year(on=on))
        attrs.setdefault("start", datetime.date(on.year, 1, 1))
        attrs.setdefault("end", on)
        if attrs["end"] < attrs["start"]:
            raise ValidationError({"end": [_("The end of the period cannot be before its start.")]})
        return attrs


class ParkListQuery(ReportQuery):
    """The date of a park's list (default today) and the filing year of its tenants not filed (default the reporting
    year on the date), as the park report takes them."""

    as_of = ReportDateField(required=False)
    year = ReportYearField(required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        on = attrs.setdefault("as_of", timezone.localdate())
        attrs.setdefault("year", reporting_year(on=on))
        return attrs


class EndingTenancySerializer(serializers.Serializer):
    """A tenancy ending within 90 days of the report's date."""

    tenancy = serializers.IntegerField()
    enterprise = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    label = serializers.CharField()


class NotFiledSerializer(serializers.Serializer):
    """A tenant that has not filed for the year."""

    enterprise = serializers.IntegerField()
    name = serializers.CharField()


def park_list_url(*, request, name: str, park: int, query: dict) -> str:
    """The address of one of a park's lists, with the report's date (and filing year)."""
    return request.build_absolute_uri(f"{reverse(name, args=[park])}?{urlencode(query)}")


class ParkRowSerializer(serializers.Serializer):
    """One park: units, leasable and let area (m²), occupancy (%) and tenants on the date; let area-days and
    occupancy over the period; tenancies ending within 30 / 60 / 90 days and the address of their list; tenants that
    have not filed (how many, and the address of their list)."""

    park_id = serializers.IntegerField()
    park_name = serializers.CharField()
    district_name = serializers.CharField()
    units = serializers.IntegerField()
    leasable_area = DecimalField(max_digits=16, decimal_places=2)
    let_area = DecimalField(max_digits=16, decimal_places=2)
    occupancy = DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    tenants = serializers.IntegerField()
    area_days = DecimalField(max_digits=22, decimal_places=2)
    leasable_area_days = DecimalField(max_digits=22, decimal_places=2)
    period_occupancy = DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    ending_30 = serializers.IntegerField()
    ending_60 = serializers.IntegerField()
    ending_90 = serializers.IntegerField()
    ending_url = serializers.SerializerMethodField()
    not_filed_year = serializers.IntegerField()
    not_filed_count = serializers.IntegerField()
    not_filed_url = serializers.SerializerMethodField()

    def get_ending_url(self, row) -> str:
        """Address of the park's tenancies ending within 90 days of the date (paged)."""
        return self._list_address("api:report-park-tenancies-ending", row["park_id"],
                                  {"as_of": self.context["as_of"].isoformat()})

    def get_not_filed_url(self, row) -> str:
        """Address of the park's tenants that have not filed for the year (paged)."""
        return self._list_address("api:report-park-tenants-not-filed", row["park_id"],
                                  {"as_of": self.context["as_of"].isoformat(), "year": self.context["year"]})

    def _list_address(self, name: str, park: int, query: dict) -> str:
        """`park_list_url` of the park: the address is built once per serializer (the rows of a page share it) with
        the placeholder key of the records' addresses (`RecordUrlField.PLACEHOLDER`), then the park's id is put in
        its place."""
        parts = self.__dict__.setdefault("_list_parts", {})
        if name not in parts:
            url = park_list_url(request=self.context["request"], name=name, park=RecordUrlField.PLACEHOLDER,
                                query=query)
            parts[name] = url.split(str(RecordUrlField.PLACEHOLDER))
        prefix, suffix = parts[name]
        return f"{prefix}{park}{suffix}"

    def to_representation(self, row):
        """The row as DRF's Serializer.to_representation gives it (tests/test_park_report_rows.py compares the two
        on varied rows), each field's conversion looked up once per serializer instead of DRF's calls per field."""
        steps = self.__dict__.get("_steps")
        if steps is None:
            steps = self.__dict__["_steps"] = [
                (field.field_name, field.source, getattr(self, field.method_name)
                 if isinstance(field, serializers.SerializerMethodField) else plain_converter(field))
                for field in self._readable_fields]
        answer = {}
        for name, source, convert in steps:
            value = row if source == "*" else row[source]
            answer[name] = None if value is None else convert(value)
        return answer


class ParkTableRowSerializer(ParkRowSerializer):
    """One park of the download: its figures and both its lists in full."""

    ending = EndingTenancySerializer(many=True)
    not_filed = NotFiledSerializer(many=True)


def paged_envelope(name: str, query, row) -> type[serializers.Serializer]:
    """The schema of a paged computed report's answer: its basis, its query's values, the row count, the addresses
    of the next and previous pages and the page's rows."""
    return type(name, (envelope(f"{name}Envelope", query, row),), {
        "next": serializers.URLField(allow_null=True), "previous": serializers.URLField(allow_null=True),
        "__doc__": f"{name}: the basis, the query, the number of rows, the pages around and the page's rows.",
    })


class ParkReportPagination(ReportPagination):
    """The park report's pages: each read with the number of parks in one query (`ReportParks`)."""

    django_paginator_class = CountedPagePaginator


class ParkReportView(ComputedReportView):
    """The park report: units, tenants and occupancy on a date and over a period (area-days), tenancies ending in
    the next 30 / 60 / 90 days, and tenants that have not filed for the year (default the reporting year). JSON
    answers a page of parks (`page`, `page_size`, default 50, by name), each with the addresses of its lists; CSV
    and XLSX hold every park with its lists."""

    query_serializer = ParkReportQuery
    row_serializer = ParkRowSerializer
    error_responses = {"get": (QUERY, PAGED)}
    report_name = "park-report"
    report_title = "园区报表"
    report_columns = [
        ("park_name", "园区", "text"), ("district_name", "区", "text"), ("units", "单元数", "int"),
        ("leasable_area", "可租面积（平方米）", "decimal"), ("let_area", "已租面积（平方米）", "decimal"),
        ("occupancy", "出租率（%）", "decimal"), ("tenants", "入驻企业数", "int"),
        ("area_days", "期间已租面积天数（平方米·天）", "decimal"),
        ("leasable_area_days", "期间可租面积天数（平方米·天）", "decimal"),
        ("period_occupancy", "期间出租率（%）", "decimal"), ("ending_30", "30天内到期租约数", "int"),
        ("ending_60", "60天内到期租约数", "int"), ("ending_90", "90天内到期租约数", "int"),
        ("ending", "90天内到期租约", "text"), ("not_filed_year", "年报年度", "int"),
        ("not_filed_count", "未报年报入驻企业数", "int"), ("not_filed", "未报年报入驻企业", "text"),
    ]

    @extend_schema(parameters=[ParkReportQuery], responses=paged_envelope("ParkReport", ParkReportQuery,
                                                                          ParkRowSerializer))
    @report_response
    def get(self, request):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        basis = report_basis(year=asked["year"], default="year" not in request.query_params, as_of=asked["as_of"])
        figures = {"user": request.user, "on": asked["as_of"], "start": asked["start"], "end": asked["end"],
                   "year": asked["year"]}
        context = {"request": request, **asked}
        if request.accepted_renderer.format in TABLE_FORMATS:
            rows = ParkTableRowSerializer(park_report(**figures), many=True, context=context).data
            return Response({"basis": basis, **query.data, "count": len(rows), "results": rows})
        paginator = ParkReportPagination()
        page = paginator.paginate_queryset(ReportParks(user=request.user, on=asked["as_of"]), request, view=self)
        rows = self.row_serializer(park_figures(parks=page, **figures), many=True, context=context).data
        paged = paginator.get_paginated_response(rows).data
        return Response({"basis": basis, **query.data, **paged})


class ParkListView(ReportView):
    """Base of a park's lists in the park report: the park (one the user may see that existed on the date, else
    404), the date and filing year (ParkListQuery), paged."""

    error_responses = {"get": (QUERY, PAGED, NO_RECORD)}
    filter_backends = []

    def park_and_query(self) -> tuple:
        """The park named in the address and the validated query; the basis set."""
        query = ParkListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        park = report_park(user=self.request.user, on=asked["as_of"], park=self.kwargs["park"])
        if park is None:
            raise Http404
        self.basis = report_basis(year=asked["year"], as_of=asked["as_of"],
                                  default="year" not in self.request.query_params)
        self.park = park
        return park, asked

    def list(self, request, *args, **kwargs):
        """The park's rows under the basis, with the park: {basis, park, park_name, count, next, previous,
        results}."""
        response = super().list(request, *args, **kwargs)
        basis = response.data.pop("basis")
        response.data = {"basis": basis, "park": self.park.pk, "park_name": self.park.name, **response.data}
        return response


class ParkTenanciesEndingView(ParkListView):
    """A park's tenancies ending within 90 days of the date (default today), soonest first."""

    serializer_class = EndingTenancySerializer
    report_name = "park-tenancies-ending"
    report_title = "园区90天内到期租约"
    report_columns = [("name", "企业", "text"), ("unit", "单元", "text"), ("end", "到期日", "text"),
                      ("days", "剩余天数", "int")]

    def get_queryset(self):
        park, asked = self.park_and_query()
        self.on = asked["as_of"]
        return tenancies_ending(user=self.request.user, park=park.pk, on=asked["as_of"])

    def get_serializer(self, *args, **kwargs):
        """Rows of the tenancies (ending_row) for the serializer."""
        if args:
            args = ([ending_row(tenancy, on=self.on) for tenancy in args[0]], *args[1:])
        return super().get_serializer(*args, **kwargs)

    @extend_schema(parameters=[ParkListQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ParkTenantsNotFiledView(ParkListView):
    """A park's tenants that have not filed for the year (registered with it and active, or renting in it at any
    time during the year; default the reporting year on the date), by name."""

    serializer_class = NotFiledSerializer
    report_name = "park-tenants-not-filed"
    report_title = "园区未报年报入驻企业"
    report_columns = [("enterprise", "企业编号", "int"), ("name", "企业", "text")]

    def get_queryset(self):
        park, asked = self.park_and_query()
        return tenants_not_filed_list(user=self.request.user, park=park.pk, year=asked["year"])

    @extend_schema(parameters=[ParkListQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
