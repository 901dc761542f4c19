"""Endpoints of the plan board (each key task of the plan with its indicators of a year) and of the support-fund
report (awards by policy, district, park or plan task), in JSON, CSV and XLSX with the same figures."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from config.api.decimals import DecimalField, ExactDecimalField
from config.api.fields import ReportYearField
from enterprises.selectors import reporting_year
from registry.choices import FundGrouping
from registry.selectors.plan_board import plan_board
from registry.selectors.support_funds import support_fund_rows

from .overview import ComputedReportView, ReportQuery, YearQuery, envelope

NO_INDICATOR = "暂无指标"  # the table's cell of a task without indicators (the page translates its own)


class PlanBoardQuery(YearQuery):
    """The board of a year (default the reporting year), its dated figures and funds as of a date (default the year's
    end, or today while it runs)."""


class FigureSerializer(serializers.Serializer):
    """One indicator's figure: its code, title, exact value, unit, basis year and date, and the addresses of its
    records (the API's) and of the report page showing them, where there are."""

    code = serializers.CharField(source="indicator.code")
    title = serializers.CharField(source="indicator.title")
    value = ExactDecimalField()
    unit = serializers.CharField(source="indicator.unit")
    unit_name = serializers.CharField(source="indicator.unit_name")
    basis_year = serializers.SerializerMethodField()
    as_of = serializers.SerializerMethodField()
    records_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    def get_basis_year(self, figure) -> int:
        """The year the figure is of."""
        return self.context["year"]

    def get_as_of(self, figure) -> str:
        """The date its dated records are read on."""
        return self.context["as_of"].isoformat()

    def get_records_url(self, figure) -> str | None:
        """Absolute address of the records behind the figure, None where there is none."""
        return self.context["request"].build_absolute_uri(figure.records_url) if figure.records_url else None

    def get_page_url(self, figure) -> str | None:
        """Absolute address of the report centre's page showing those records, None where there is none."""
        return self.context["request"].build_absolute_uri(figure.page_url) if figure.page_url else None


class PlanBoardRowSerializer(serializers.Serializer):
    """One key task: number, title, description, its indicators (empty: none yet), and the support funds of its
    policies of the year: policies and budget, awards granted and the amounts approved and paid (万元)."""

    number = serializers.IntegerField(source="task.number")
    title = serializers.CharField(source="task.title")
    description = serializers.CharField(source="task.description")
    indicators = FigureSerializer(source="figures", many=True)
    policies = serializers.IntegerField()
    budget = DecimalField(max_digits=18, decimal_places=2)
    awards = serializers.IntegerField()
    approved = DecimalField(max_digits=18, decimal_places=2)
    paid = DecimalField(max_digits=18, decimal_places=2)


class PlanBoardReportView(ComputedReportView):
    """The plan board: for each key task of the plan, its indicators of the year over the records the user may see
    (the bureau all, district staff their district, park administrators their parks) and the support funds granted
    under its policies; a task without indicators has an empty list. Tables: one row per indicator."""

    query_serializer = PlanBoardQuery
    row_serializer = PlanBoardRowSerializer
    report_name = "plan-board"
    report_title = "行动计划重点任务进展"
    report_columns = [
        ("number", "任务序号", "int"), ("title", "重点任务", "text"), ("indicator", "指标", "text"),
        ("value", "数值", "decimal"), ("unit_name", "单位", "text"), ("basis_year", "年度", "int"),
        ("as_of", "截至日期", "text"), ("policies", "支持政策数", "int"), ("budget", "政策预算（万元）", "decimal"),
        ("awards", "获支持企业次数", "int"), ("approved", "核定金额（万元）", "decimal"),
        ("paid", "已拨付金额（万元）", "decimal"), ("records_url", "依据记录", "text"),
    ]

    def rows(self, *, user, year, as_of):
        return plan_board(user=user, year=year, on=as_of)

    def table_rows(self, results: list) -> list:
        """One row per indicator (a task without one: a row saying 暂无指标); the task's funds on its first row."""
        table = []
        for task in results:
            funds = {key: task[key] for key in ("policies", "budget", "awards", "approved", "paid")}
            for position, figure in enumerate(task["indicators"] or [None]):
                row = {"number": task["number"], "title": task["title"], **(funds if position == 0 else {})}
                if figure is None:
                    row["indicator"] = NO_INDICATOR
                else:
                    row.update(indicator=figure["title"], value=figure["value"], unit_name=figure["unit_name"],
                               basis_year=figure["basis_year"], as_of=figure["as_of"],
                               records_url=figure["records_url"])
                table.append(row)
        return table

    @extend_schema(parameters=[PlanBoardQuery], responses=envelope("PlanBoardReport", PlanBoardQuery,
                                                                   PlanBoardRowSerializer))
    def get(self, request):
        return super().get(request)


class SupportFundQuery(ReportQuery):
    """The awards under the policies of a year (default the reporting year), grouped by policy (default), district,
    park or plan task; statuses and amounts as recorded today (no date parameter: `on` and `as_of` are refused)."""

    deprecated_date = ""
    year = ReportYearField(required=False)
    by = serializers.ChoiceField(choices=FundGrouping.choices, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs.setdefault("year", reporting_year())
        attrs.setdefault("by", FundGrouping.POLICY)
        attrs["as_of"] = timezone.localdate()
        return attrs


class SupportFundRowSerializer(serializers.Serializer):
    """One group: its key and name (null: no park, or no plan task), the awards granted, applied and cancelled, the
    amounts approved, paid and outstanding (万元), and the address of its awards."""

    key = serializers.IntegerField(allow_null=True)
    name = serializers.SerializerMethodField()
    awards = serializers.IntegerField()
    applied = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    approved = DecimalField(max_digits=18, decimal_places=2)
    paid = DecimalField(max_digits=18, decimal_places=2)
    outstanding = DecimalField(max_digits=18, decimal_places=2)
    records_url = serializers.SerializerMethodField()

    def get_name(self, row) -> str:
        """The group's name; for an award without a park or a plan task, says so."""
        if row["name"] is None:
            return str(_("No park") if row["param"] == "park" else _("No plan task"))
        return str(row["name"])

    def get_records_url(self, row) -> str | None:
        """Address of the group's awards in the awards list (None for the awards without a park or task)."""
        if row["key"] is None:
            return None
        path = self.context["request"].build_absolute_uri(reverse("api:supportaward-list"))
        return f"{path}?year={self.context['year']}&{row['param']}={row['key']}"


class SupportFundReportView(ComputedReportView):
    """The support-fund report: the awards of a year's policies the user may see (the bureau all, district staff
    their district's, park administrators their enterprises', an enterprise its own) grouped by policy, district,
    park or plan task, with counts and amounts (万元)."""

    query_serializer = SupportFundQuery
    row_serializer = SupportFundRowSerializer
    report_name = "support-funds"
    report_title = "资金支持兑现情况"
    report_columns = [
        ("key", "编号", "int"), ("name", "名称", "text"), ("awards", "获支持企业次数", "int"),
        ("applied", "申请中", "int"), ("cancelled", "已撤销", "int"), ("approved", "核定金额（万元）", "decimal"),
        ("paid", "已拨付金额（万元）", "decimal"), ("outstanding", "待拨付金额（万元）", "decimal"),
        ("records_url", "明细", "text"),
    ]

    def rows(self, *, user, year, by, as_of):
        return support_fund_rows(user=user, by=by, year=year)

    @extend_schema(parameters=[SupportFundQuery], responses=envelope("SupportFundReport", SupportFundQuery,
                                                                     SupportFundRowSerializer))
    def get(self, request):
        return super().get(request)
