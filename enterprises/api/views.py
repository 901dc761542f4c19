"""Endpoints of the enterprises API, and occupancy of parks and districts."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from access.scoping import ADD, CHANGE, FULL_VIEW, PUBLIC, REVIEW, VIEW
from config.api.fields import AsOfQuery, ReportDateField
from config.api.rows import RowListMixin, RowWriter
from config.api.schema import ACTION_ON_RECORD, MODEL_ERRORS, NO_RECORD, POST_ERRORS, QUERY
from config.api.viewsets import DirectoryViewSet, ScopedModelViewSet, ScopedViewMixin
from enterprises.basis import report_basis
from enterprises.filtersets import (
    AnnualFilingFilterSet,
    EnterpriseFilterSet,
    TenancyFilterSet,
    TierDesignationFilterSet,
)
from enterprises.invitations import MailNotSent, invitation_create
from enterprises.models import (
    AnnualFiling,
    Enterprise,
    EnterpriseMembership,
    FilingSeason,
    Tenancy,
    TierDesignation,
)
from enterprises.register_selectors import register_figures
from enterprises.selectors import (
    enterprise_assessment,
    occupancy,
    reporting_year,
    tier_reference_date,
    units_in_district,
)
from enterprises.services import filing_approve, filing_delete, filing_return, filing_revise, filing_submit
from enterprises.tiers import get_rule_set
from parks.api.views import MembershipViewSet
from parks.models import District, Park, Unit

from .serializers import (
    AnnualFilingSerializer,
    AssessmentQuerySerializer,
    AssessmentSerializer,
    EnterpriseMembershipSerializer,
    EnterpriseSerializer,
    FilingRegistersSerializer,
    FilingReturnSerializer,
    FilingSeasonSerializer,
    InvitationResultSerializer,
    InvitationSerializer,
    OccupancySerializer,
    PublicEnterpriseSerializer,
    TenancySerializer,
    TenantEnterpriseSerializer,
    TierDesignationSerializer,
)


class EnterpriseViewSet(ScopedModelViewSet):
    """Digital-human enterprises registered in Beijing."""

    error_responses = {**MODEL_ERRORS, "assessment": (QUERY, NO_RECORD)}

    queryset = Enterprise.objects.select_related("district", "park")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name", "credit_code", "founded", "district__code", "park__name", "created"]
    read_action = PUBLIC  # a park's current and future tenants registered elsewhere: their public face

    def list(self, request, *args, **kwargs):
        """The page of enterprises, written from `.values()` rows (config.api.rows): each as EnterpriseSerializer
        represents it, or its public face (TenantEnterpriseSerializer) where the user sees only that."""
        full = RowWriter(EnterpriseSerializer, request=request, format=self.format_kwarg)
        tenant = RowWriter(TenantEnterpriseSerializer, request=request, format=self.format_kwarg)
        columns = dict.fromkeys([*full.columns, *tenant.columns, FULL_VIEW])
        queryset = self.filter_queryset(self.get_queryset()).values(*columns)
        page = self.paginate_queryset(queryset)
        rows = [(full if row[FULL_VIEW] else tenant).write(row) for row in (queryset if page is None else page)]
        return Response(rows) if page is None else self.get_paginated_response(rows)

    def get_queryset(self):
        """Lists and reads: the enterprises the user sees whole, and the public face of their park's tenants (each
        record flagged, FULL_VIEW); anything else (writes, history, assessment): only those seen whole."""
        queryset = super().get_queryset()
        if self.action in ("list", "retrieve"):
            return queryset
        if self.action == "assessment":  # reads the enterprise's key only: not its columns, district or park
            queryset = queryset.select_related(None).only("pk")
        return queryset.filter(**{FULL_VIEW: True})

    @extend_schema(parameters=[AssessmentQuerySerializer], responses=AssessmentSerializer, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def assessment(self, request, pk=None):
        """The enterprise's tier assessment: each tier's criteria with figure, threshold, pass or fail, the
        scores, the highest tier met and obtainable now, and the gaps to the next tier."""
        enterprise = self.get_object()
        query = AssessmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        code = query.validated_data.get("rule_set")
        year = query.validated_data.get("year") or reporting_year()
        on = query.validated_data.get("as_of") or tier_reference_date(year)
        assessment, filing = enterprise_assessment(
            enterprise=enterprise, year=year, rule_set=get_rule_set(code) if code else None, user=request.user, on=on,
        )
        answer = assessment.as_dict()
        basis = report_basis(year=year, as_of=on, default="year" not in query.validated_data,
                             rule_set=answer["rule_set"])
        # Already JSON-ready: AssessmentSerializer documents it (a test checks it gives the same), and running it
        # over the result again took a third of the request.
        basis["as_of"] = on.isoformat()
        return Response({"basis": basis, **answer, "filing": filing.pk if filing else None})


class PublicEnterpriseViewSet(DirectoryViewSet):
    """Public directory of enterprises: public fields only."""

    queryset = Enterprise.objects.select_related("district", "park")
    serializer_class = PublicEnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name", "credit_code", "founded", "district__code"]


class TenancyViewSet(RowListMixin, ScopedModelViewSet):
    """Tenancies of park units by enterprises; a unit is never let twice over overlapping dates (the list written
    from rows, config.api.rows)."""

    queryset = Tenancy.objects.select_related("unit__park", "park", "enterprise")
    serializer_class = TenancySerializer
    filterset_class = TenancyFilterSet
    ordering_fields = ["start", "end", "park__name", "enterprise__name"]


class EnterpriseMembershipViewSet(MembershipViewSet):
    """Enterprise users (user x enterprise): bureau staff, and park administrators for their tenants."""

    queryset = EnterpriseMembership.objects.select_related("user", "enterprise")
    serializer_class = EnterpriseMembershipSerializer
    filterset_fields = ["enterprise", "user"]
    ordering_fields = ["created", "enterprise__name"]


class MailUnavailable(APIException):
    """503: the mail server did not take the invitation's mail (nothing was kept)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The mail server did not take the invitation; nothing was saved. Try again later.")
    default_code = "mail_unavailable"


class InvitationView(GenericAPIView):
    """Invite a user into a park or enterprise membership in your scope. A new account gets a link by mail, to the
    invited address only, to set its password; an existing account only gains the membership."""

    error_responses = POST_ERRORS

    serializer_class = InvitationSerializer
    permission_classes = [IsAuthenticated]
    throttle_scope = "invitations"

    @extend_schema(responses={201: InvitationResultSerializer})
    def post(self, request):
        query = self.get_serializer(data=request.data)
        query.is_valid(raise_exception=True)
        try:
            invitation = invitation_create(inviter=request.user, **query.validated_data)
        except MailNotSent as error:
            raise MailUnavailable() from error
        return Response(InvitationResultSerializer(invitation).data, status=status.HTTP_201_CREATED)


class OnDateSerializer(AsOfQuery):
    """Query of an occupancy request: the date `as_of` (as in every report; `date`, its name before, still read),
    today if not given."""

    deprecated_date = "date"
    as_of = ReportDateField(required=False)


DATE_PARAMETER = OpenApiParameter("as_of", datetime.date, description="Date of the figure (default: today).")


class OccupancyView(ScopedViewMixin, GenericAPIView):
    """Base of the occupancy endpoints: let and leasable area of a place on a date, over the units one may see."""

    error_responses = {"get": (QUERY, NO_RECORD)}

    serializer_class = OccupancySerializer
    pagination_class = None
    filter_backends = []

    def units(self):
        """The units this user may see."""
        return Unit.objects.restrict(self.request.user, VIEW)

    def on_date(self, request) -> datetime.date:
        query = OnDateSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data.get("as_of") or timezone.localdate()


class ParkOccupancyView(OccupancyView):
    """Occupancy of a park on a date."""

    queryset = Park.objects.all()

    @extend_schema(parameters=[DATE_PARAMETER])
    def get(self, request, pk):
        park = get_object_or_404(self.get_queryset(), pk=pk)
        occ = occupancy(units=self.units().filter(park=park), on=self.on_date(request))
        return Response(OccupancySerializer(occ).data)


class DistrictOccupancyView(OccupancyView):
    """Occupancy of all parks of a district on a date."""

    queryset = District.objects.all()

    @extend_schema(parameters=[DATE_PARAMETER])
    def get(self, request, pk):
        district = get_object_or_404(self.get_queryset(), pk=pk)
        on = self.on_date(request)
        occ = occupancy(units=units_in_district(self.units(), district=district, on=on), on=on)
        return Response(OccupancySerializer(occ).data)


class AnnualFilingViewSet(RowListMixin, ScopedModelViewSet):
    """Annual filings: the enterprise drafts and submits; its park (the bureau everywhere) approves or returns (the
    list written from rows, config.api.rows)."""

    error_responses = {**MODEL_ERRORS, **dict.fromkeys(("submit", "approve", "return_filing", "revise"),
                                                       ACTION_ON_RECORD), "registers": (NO_RECORD,)}

    queryset = AnnualFiling.objects.select_related(
        "enterprise", "park", "district", "submitted_by", "reviewed_by",
    )
    serializer_class = AnnualFilingSerializer
    filterset_class = AnnualFilingFilterSet
    ordering_fields = ["year", "status", "submitted_at", "enterprise__name"]
    ordering = ["-year", "enterprise__name", "-revision"]
    extra_scope_actions = {"submit": CHANGE, "revise": ADD, "approve": REVIEW, "return_filing": REVIEW}

    def perform_destroy(self, instance):
        filing_delete(filing=instance)

    def _answer(self, filing, status_code=status.HTTP_200_OK):
        """The filing as the API shows it after a workflow step."""
        fresh = self.get_queryset().get(pk=filing.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(request=None, responses=AnnualFilingSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """Submit a draft or returned filing for review (every required figure filled)."""
        return self._answer(filing_submit(filing=self.get_object(), user=request.user))

    @extend_schema(request=None, responses=AnnualFilingSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        """Approve a submitted filing: its figures freeze and it replaces the year's earlier approved revision."""
        return self._answer(filing_approve(filing=self.get_object(), user=request.user))

    @extend_schema(request=FilingReturnSerializer, responses=AnnualFilingSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_filing(self, request, pk=None):
        """Return a submitted filing to its enterprise with the reason."""
        filing = self.get_object()
        body = FilingReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(filing_return(filing=filing, user=request.user, reason=body.validated_data["reason"]))

    @extend_schema(request=None, responses={201: AnnualFilingSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def revise(self, request, pk=None):
        """Correct an approved filing: a new draft revision with its figures, to be reviewed again."""
        return self._answer(filing_revise(filing=self.get_object()), status.HTTP_201_CREATED)

    @extend_schema(responses=FilingRegistersSerializer, filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def registers(self, request, pk=None):
        """The figures the enterprise's registers give for the filing's year (IP counts, standards, equity
        financing) over the records the user may see, each with its note, and the filing's figures that differ from
        them (a warning, never a refusal)."""
        filing = self.get_object()
        offered = register_figures(user=request.user, enterprise_id=filing.enterprise_id, year=filing.year)
        return Response(FilingRegistersSerializer(offered, context={"filing": filing}).data)


class TierDesignationViewSet(ScopedModelViewSet):
    """Official tier designations, recorded by bureau staff; status follows from the dates."""

    queryset = TierDesignation.objects.with_status().select_related("enterprise")
    serializer_class = TierDesignationSerializer
    filterset_class = TierDesignationFilterSet
    ordering_fields = ["granted_on", "valid_until", "year", "tier", "enterprise__name"]
    ordering = ["-granted_on"]


class FilingSeasonViewSet(ScopedModelViewSet):
    """Filing seasons: when the filing of a year's figures opens and closes (a year without one has the default
    season); the bureau sets them, every signed-in user reads them. They decide the reports' default year."""

    queryset = FilingSeason.objects.all()
    serializer_class = FilingSeasonSerializer
    filterset_fields = ["year"]
    ordering_fields = ["year"]
    ordering = ["-year"]
