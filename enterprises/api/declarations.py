"""Endpoints of the declaration process: rounds (the bureau's), declarations with a POST action per step, the
confidential objections, and the public publicity list (拟认定名单). Every write calls enterprises.declarations."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from access.scoping import ADD, CHANGE, REVIEW, VIEW
from config.api.fields import BriefRelatedField, RecordUrlField, ScopedPrimaryKeyRelatedField
from config.api.renderers import PDFFileRenderer
from config.api.schema import ACTION_ON_RECORD, CREATE_ERRORS, MODEL_ERRORS, NO_RECORD, READ_ERRORS
from config.api.serializers import BriefUserSerializer
from config.api.viewsets import DirectoryViewSet, ScopedViewMixin
from enterprises import declarations as services
from enterprises.choices import DeclarationStatus
from enterprises.declaration_print import declaration_pdf_response
from enterprises.declaration_selectors import printable_declaration
from enterprises.models import AnnualFiling, Declaration, DeclarationRound, DeclarationStep, Enterprise, Objection
from parks.api.serializers import BriefDistrictSerializer

from .serializers import BriefEnterpriseSerializer

# The scope action of the bureau's own steps (approve, designate): no membership role holds it, so only the bureau
# passes ScopedPermission; anyone else is refused (403) whether or not they see the declaration.
BUREAU_STEP = "bureau_step"
ROUND_FIELDS = ["name", "tier", "rule_set", "cadence", "opens", "closes", "review_starts", "publicity_starts",
                "publicity_ends"]


class DeclarationRoundSerializer(serializers.ModelSerializer):
    """A declaration round: its tier and rule set, window, review and publicity dates, and whether it is open."""

    url = RecordUrlField(view_name="api:declarationround-detail")
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = DeclarationRound
        fields = ["id", "url", *ROUND_FIELDS, "closed_at", "is_open", "created"]
        read_only_fields = ["closed_at", "created"]

    def get_is_open(self, obj) -> bool:
        return obj.is_open()

    def create(self, validated_data):
        return services.round_open(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.round_update(user=self.context["request"].user, declaration_round=instance,
                                     **validated_data)


class DeclarationStepSerializer(serializers.ModelSerializer):
    """A step of a declaration's review: the action, the statuses, who and when, and why."""

    actor = BriefUserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DeclarationStep
        fields = ["action", "from_status", "to_status", "actor", "at", "reason"]


class DeclarationSerializer(serializers.ModelSerializer):
    """A declaration: its round and enterprise, the approved filing it rests on, its answers, the commitment, where
    it stands, and every step taken."""

    url = RecordUrlField(view_name="api:declaration-detail")
    round = serializers.PrimaryKeyRelatedField(queryset=DeclarationRound.objects.all())
    enterprise = BriefRelatedField(BriefEnterpriseSerializer, queryset=Enterprise.objects.all())
    filing = ScopedPrimaryKeyRelatedField(queryset=AnnualFiling.objects.all(), required=False, allow_null=True)
    district = BriefDistrictSerializer(read_only=True)
    commitment_signed_by = BriefUserSerializer(read_only=True, allow_null=True)
    steps = DeclarationStepSerializer(many=True, read_only=True)

    class Meta:
        model = Declaration
        fields = ["id", "url", "round", "enterprise", "kind", "district", "filing", "answers",
                  "commitment_signed_by", "commitment_signed_at", "status", "submitted_at", "city_score",
                  "city_opinion", "designation", "steps", "created", "updated"]
        read_only_fields = ["kind", "commitment_signed_at", "status", "submitted_at", "city_score", "city_opinion",
                            "designation", "created", "updated"]

    def validate(self, attrs):
        """The round and enterprise are fixed once declared."""
        if self.instance is not None:
            for name in ("round", "enterprise"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("Cannot be changed once declared.")]})
        return attrs

    def create(self, validated_data):
        return services.declaration_create(
            user=self.context["request"].user, declaration_round=validated_data["round"],
            enterprise=validated_data["enterprise"], filing=validated_data.get("filing"),
            answers=validated_data.get("answers"))

    def update(self, instance, validated_data):
        return services.declaration_update(user=self.context["request"].user, declaration=instance,
                                           filing=validated_data.get("filing"),
                                           answers=validated_data.get("answers"))


class ReasonSerializer(serializers.Serializer):
    """Why a declaration is returned or rejected (or the district's note on a recommendation)."""

    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ApprovalSerializer(serializers.Serializer):
    """The expert review's score (0-100) and opinion."""

    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    opinion = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


class DesignationSerializer(serializers.Serializer):
    """The certificate number of the designation, and its grant date (default today)."""

    certificate_number = serializers.CharField(max_length=64)
    granted_on = serializers.DateField(required=False)


class ObjectionSerializer(serializers.ModelSerializer):
    """A written, signed objection to a declaration in publicity, and the bureau's decision on it."""

    declaration = ScopedPrimaryKeyRelatedField(queryset=Declaration.objects.all())
    decided_by = BriefUserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Objection
        fields = ["id", "declaration", "received_on", "objector", "text", "upheld", "decision_reason",
                  "decided_by", "decided_at"]
        read_only_fields = ["upheld", "decision_reason", "decided_by", "decided_at"]

    def create(self, validated_data):
        return services.objection_record(user=self.context["request"].user, **validated_data)


class DecisionSerializer(serializers.Serializer):
    """The bureau's decision on an objection: upheld or not, and why."""

    upheld = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000)


class PublicityEntrySerializer(serializers.ModelSerializer):
    """An enterprise on a round's publicity list: its name, district and the tier it is to be recognised in."""

    enterprise = serializers.CharField(source="enterprise.name")
    district = serializers.CharField(source="district.name")
    round = serializers.CharField(source="round.name")
    tier = serializers.CharField(source="tier_label")
    publicity_starts = serializers.DateField(source="round.publicity_starts")
    publicity_ends = serializers.DateField(source="round.publicity_ends")

    class Meta:
        model = Declaration
        fields = ["id", "round", "tier", "enterprise", "district", "publicity_starts", "publicity_ends"]


class DeclarationRoundViewSet(ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Declaration rounds: every signed-in user reads them; the bureau opens, changes and closes them."""

    error_responses = {**{name: errors for name, errors in MODEL_ERRORS.items() if name != "destroy"},
                       "close": ACTION_ON_RECORD}
    queryset = DeclarationRound.objects.all()
    serializer_class = DeclarationRoundSerializer
    filterset_fields = ["tier", "cadence"]
    ordering_fields = ["opens", "name"]
    ordering = ["-opens"]

    @property
    def scope_action(self) -> str:
        """Reading is VIEW; every write (open, change, close) is the bureau's CHANGE of reference data."""
        return VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else CHANGE

    @extend_schema(request=None, responses=DeclarationRoundSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        """Close the round's window before its last day."""
        closed = services.round_close(user=request.user, declaration_round=self.get_object())
        return Response(self.get_serializer(closed).data)


class DeclarationViewSet(ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Tier declarations: the enterprise drafts, signs and submits; its district recommends, returns or rejects;
    the bureau approves (to publicity), returns, rejects and designates. One POST action per step."""

    steps = ("sign", "submit", "recommend", "return_declaration", "reject", "approve", "designate")
    error_responses = {**READ_ERRORS, **CREATE_ERRORS, "update": MODEL_ERRORS["update"],
                       "partial_update": MODEL_ERRORS["partial_update"], **dict.fromkeys(steps, ACTION_ON_RECORD),
                       "pdf": (NO_RECORD,)}
    queryset = Declaration.objects.select_related("round", "enterprise", "district", "commitment_signed_by") \
        .prefetch_related(Prefetch("steps", DeclarationStep.objects.select_related("actor")))
    serializer_class = DeclarationSerializer
    filterset_fields = ["round", "status", "district", "enterprise", "kind"]
    ordering_fields = ["submitted_at", "status", "enterprise__name"]
    ordering = ["round", "enterprise__name"]

    @property
    def scope_action(self) -> str:
        """The scope each request takes: reading VIEW, drafting ADD/CHANGE, a review step REVIEW (the service
        checks whose review it is), the bureau's own steps BUREAU_STEP; a role granting none of it is refused (403)
        before the record is looked up."""
        return {"create": ADD, "update": CHANGE, "partial_update": CHANGE, "sign": CHANGE, "submit": CHANGE,
                "recommend": REVIEW, "return_declaration": REVIEW, "reject": REVIEW, "approve": BUREAU_STEP,
                "designate": BUREAU_STEP}.get(self.action, VIEW)

    def _answer(self, declaration):
        return Response(self.get_serializer(self.get_queryset().get(pk=declaration.pk)).data)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The printable declaration (申报书), an attachment under its Chinese name.")})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None,
            renderer_classes=[JSONRenderer, PDFFileRenderer])  # a client may ask for application/pdf; errors JSON
    def pdf(self, request, pk=None):
        """The printable declaration (申报书) as a PDF: figures, criteria, answers, commitment, evidence, steps and
        the signatures block; the page's selector and scope (the detail's), 404 outside it."""
        try:
            declaration = printable_declaration(user=request.user, pk=pk)
        except (Declaration.DoesNotExist, ValueError):  # not one the user sees, or not an id
            raise NotFound from None
        return declaration_pdf_response(user=request.user, declaration=declaration)

    @extend_schema(request=None, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def sign(self, request, pk=None):
        """Sign the commitment (承诺书) as one of the enterprise's users."""
        return self._answer(services.declaration_sign(user=request.user, declaration=self.get_object()))

    @extend_schema(request=None, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """Submit the declaration to its district (filing, answers and commitment required)."""
        return self._answer(services.declaration_submit(user=request.user, declaration=self.get_object()))

    @extend_schema(request=ReasonSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def recommend(self, request, pk=None):
        """The district recommends the declaration to the city."""
        declaration = self.get_object()
        return self._answer(services.declaration_recommend(user=request.user, declaration=declaration,
                                                           reason=self._body(ReasonSerializer)["reason"]))

    @extend_schema(request=ReasonSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_declaration(self, request, pk=None):
        """Return the declaration under review to the enterprise, with the reason."""
        declaration = self.get_object()
        return self._answer(services.declaration_return(user=request.user, declaration=declaration,
                                                        reason=self._body(ReasonSerializer)["reason"]))

    @extend_schema(request=ReasonSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        """Reject the declaration under review, with the reason."""
        declaration = self.get_object()
        return self._answer(services.declaration_reject(user=request.user, declaration=declaration,
                                                        reason=self._body(ReasonSerializer)["reason"]))

    @extend_schema(request=ApprovalSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        """The city approves the declaration after expert review: to the publicity list."""
        declaration, body = self.get_object(), self._body(ApprovalSerializer)
        return self._answer(services.declaration_approve(user=request.user, declaration=declaration, **body))

    @extend_schema(request=DesignationSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def designate(self, request, pk=None):
        """Designate the enterprise after publicity: the designation is written from the declaration."""
        declaration, body = self.get_object(), self._body(DesignationSerializer)
        return self._answer(services.declaration_designate(user=request.user, declaration=declaration, **body))


class ObjectionViewSet(ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Objections to declarations in publicity: confidential (the bureau and the declaration's district staff);
    the bureau records and decides them."""

    error_responses = {**READ_ERRORS, **CREATE_ERRORS, "decide": ACTION_ON_RECORD}
    queryset = Objection.objects.select_related("declaration", "decided_by")
    serializer_class = ObjectionSerializer
    filterset_fields = ["declaration", "upheld"]
    ordering = ["received_on"]

    @property
    def scope_action(self) -> str:
        return VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else CHANGE

    @extend_schema(request=DecisionSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        """Decide the objection: an upheld one withdraws the declaration."""
        objection = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = services.objection_decide(user=request.user, objection=objection, **body.validated_data)
        return Response(self.get_serializer(decided).data, status=status.HTTP_200_OK)


class PublicityViewSet(DirectoryViewSet):
    """The public list of enterprises to be recognised (拟认定名单): the declarations in publicity today, with the
    round's publicity dates. Anyone may read it."""

    queryset = Declaration.objects.select_related("round", "enterprise", "district")
    serializer_class = PublicityEntrySerializer
    ordering = ["round", "district__code", "enterprise__name"]

    def get_queryset(self):
        today = timezone.localdate()
        return super().get_queryset().filter(status=DeclarationStatus.PUBLICITY, round__publicity_starts__lte=today,
                                             round__publicity_ends__gte=today)
