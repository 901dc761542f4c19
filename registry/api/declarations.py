"""The declaration pipeline report: per round and district, the declarations that reached each stage of review and
those returned, rejected or withdrawn now, in JSON, CSV and XLSX (docs/reports-declarations.md)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from config.api.fields import ReportYearField
from enterprises.choices import LADDER, Tier
from enterprises.models import DeclarationRound
from parks.models import District
from registry.selectors.declarations import declaration_pipeline

from .overview import ComputedReportView, ReportQuery, envelope

# The columns' Chinese headers, after the round and district (the stages reached, then where they stand now).
STAGE_HEADERS = [
    ("declared", "已申报（件）"), ("recommended", "区县已推荐（件）"), ("approved", "市级已审核通过（件）"),
    ("published", "已公示（件）"), ("designated", "已认定（件）"), ("in_review", "审核或公示中（件）"),
    ("returned", "退回修改（件）"), ("rejected", "未通过（件）"), ("withdrawn", "异议成立撤销（件）"),
]


class DeclarationPipelineQuery(ReportQuery):
    """The year of the rounds (default this year, or the round's year when a round is named), and optionally one
    tier, round or district; the counts are as the declarations stand today (no date is taken)."""

    deprecated_date = ""
    year = ReportYearField(required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)  # the tiers' one enum in the schema
    round = serializers.PrimaryKeyRelatedField(queryset=DeclarationRound.objects.all(), required=False)
    district = serializers.PrimaryKeyRelatedField(queryset=District.objects.all(), required=False)

    def validate_tier(self, value: str) -> str:
        """A tier rounds are opened for (the ladder's; a single champion is not declared here)."""
        if value not in LADDER:
            raise serializers.ValidationError(_("No declaration round is opened for this tier."))
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        today = timezone.localdate()
        declaration_round = attrs.get("round")
        attrs.setdefault("year", declaration_round.opens.year if declaration_round else today.year)
        attrs["as_of"] = today
        if declaration_round is not None and declaration_round.opens.year != attrs["year"]:
            raise serializers.ValidationError({"round": [_("This round does not open in the year asked for.")]})
        return attrs


class DeclarationPipelineRowSerializer(serializers.Serializer):
    """One round in one district: the round, its tier and rule set, the district, and the declarations counted in
    each column (docs/reports-declarations.md defines them)."""

    round = serializers.IntegerField()
    round_name = serializers.CharField()
    tier = serializers.CharField()
    tier_name = serializers.SerializerMethodField()
    rule_set = serializers.CharField()
    district = serializers.IntegerField()
    district_code = serializers.CharField()
    district_name = serializers.CharField()
    declared = serializers.IntegerField(help_text="Submitted at least once (drafts are not counted).")
    recommended = serializers.IntegerField(help_text="Ever recommended by the district, whatever happened later.")
    approved = serializers.IntegerField(help_text="Approved by the city (put on the publicity list).")
    published = serializers.IntegerField(help_text="Approved, and the round's publicity has started.")
    designated = serializers.IntegerField(help_text="Designated.")
    in_review = serializers.IntegerField(help_text="Now in district review, city review or publicity.")
    returned = serializers.IntegerField(help_text="Now returned for changes.")
    rejected = serializers.IntegerField(help_text="Rejected (final).")
    withdrawn = serializers.IntegerField(help_text="Withdrawn after an objection was upheld (final).")

    def get_tier_name(self, row) -> str:
        """The tier's name."""
        return str(Tier(row["tier"]).label)


class DeclarationPipelineReportView(ComputedReportView):
    """The declaration pipeline of a year's rounds, per round and district, over the declarations the user may see
    (the bureau all, district staff their district's, park administrators their park's enterprises', enterprise
    users their own)."""

    query_serializer = DeclarationPipelineQuery
    row_serializer = DeclarationPipelineRowSerializer
    report_name = "declaration-pipeline"
    report_title = "梯度申报进度"
    report_columns = [
        ("round_name", "申报批次", "text"), ("tier_name", "梯度", "text"), ("rule_set", "认定标准", "text"),
        ("district_code", "区划代码", "text"), ("district_name", "区", "text"),
        *[(stage, header, "int") for stage, header in STAGE_HEADERS],
    ]

    def rows(self, *, user, year, as_of, tier=None, round=None, district=None):  # noqa: A002 (the query's name)
        return declaration_pipeline(user=user, year=year, on=as_of, tier=tier or None,
                                    round_id=round.pk if round else None, district=district.pk if district else None)

    @extend_schema(parameters=[DeclarationPipelineQuery], responses=envelope(
        "DeclarationPipelineReport", DeclarationPipelineQuery, DeclarationPipelineRowSerializer,
        optional=("tier", "round", "district")))
    def get(self, request):
        """The declaration pipeline: {basis, year, [tier, round, district,] count, results} or the rows as CSV or
        XLSX."""
        return super().get(request)
