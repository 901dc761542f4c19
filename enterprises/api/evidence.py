"""Endpoints of evidence files (docs/evidence.md): list (filtered by declaration, filing or tenancy), upload
(multipart), delete, and the download streamed through the scope check. No storage URL is ever handed out: the
file's only address is its download endpoint. Every write calls enterprises.evidence."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser

from config.api.fields import RecordUrlField, ScopedPrimaryKeyRelatedField
from config.api.schema import CREATE_ERRORS, NO_RECORD, READ_ERRORS, Error
from config.api.serializers import BriefUserSerializer
from config.api.viewsets import ScopedViewMixin
from enterprises import evidence as services
from enterprises.choices import EvidenceKind
from enterprises.evidence_selectors import evidence_file_response
from enterprises.models import AnnualFiling, Declaration, EvidenceFile, Tenancy
from enterprises.models.evidence import OWNERS

# A removal the owner's status no longer allows (a declaration or filing past draft or returned): 400 on its field.
OWNER_LOCKED = Error("400", "The owner no longer takes changes to its evidence (its field says why).")


class EvidenceFileSerializer(serializers.ModelSerializer):
    """An evidence file: its owner (one of declaration, filing, tenancy), kind, the name it was uploaded with, type,
    size, SHA-256, who uploaded it and when, and its download address. Upload: the owner, the kind and `file`."""

    url = RecordUrlField(view_name="api:evidencefile-detail")
    download = RecordUrlField(view_name="api:evidencefile-download")
    declaration = ScopedPrimaryKeyRelatedField(queryset=Declaration.objects.all(), required=False, allow_null=True)
    filing = ScopedPrimaryKeyRelatedField(queryset=AnnualFiling.objects.all(), required=False, allow_null=True)
    tenancy = ScopedPrimaryKeyRelatedField(queryset=Tenancy.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    file = serializers.FileField(write_only=True, allow_empty_file=True, use_url=False,
                                 help_text=_("PDF, PNG, JPEG, DOCX, XLSX, DOC or XLS, within the size limit."))
    uploaded_by = BriefUserSerializer(read_only=True)

    class Meta:
        model = EvidenceFile
        fields = ["id", "url", "download", "declaration", "filing", "tenancy", "kind", "file", "original_name",
                  "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
        read_only_fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]

    def validate(self, attrs):
        """Exactly one owner is named."""
        named = [name for name in OWNERS if attrs.get(name) is not None]
        if len(named) != 1:
            message = _("Name exactly one of declaration, filing or tenancy.")
            raise serializers.ValidationError({name: [message] for name in (named or OWNERS)})
        return attrs

    def create(self, validated_data):
        owner_name = next(name for name in OWNERS if validated_data.get(name) is not None)
        return services.evidence_add(user=self.context["request"].user, owner_name=owner_name,
                                     owner=validated_data[owner_name], kind=validated_data["kind"],
                                     upload=validated_data["file"])


class EvidenceFileViewSet(ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Evidence files of the declarations, filings and tenancies the user sees. Uploading and deleting are for
    whoever may change the owner (the enterprise's users, the park's administrators for a contract scan, the
    bureau), while a declaration or filing is a draft or returned; the download streams the file."""

    error_responses = {**READ_ERRORS, **CREATE_ERRORS, "destroy": (NO_RECORD, OWNER_LOCKED),
                       "download": (NO_RECORD,)}
    queryset = EvidenceFile.objects.select_related("uploaded_by")
    serializer_class = EvidenceFileSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["declaration", "filing", "tenancy", "kind"]
    ordering_fields = ["uploaded_at", "size"]
    ordering = ["uploaded_at"]
    # Every request reads in the VIEW scope (outside it: 404); the services decide a write on the owner (403, 400).

    def initialize_request(self, request, *args, **kwargs):
        """The request with the evidence size limit first among its upload handlers, before anything (the
        authentication's CSRF check included) reads its body: the pages' handler, config.uploads."""
        self.upload_limit = services.evidence_upload_limit(request)
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": EvidenceFileSerializer}, responses={201: EvidenceFileSerializer})
    def create(self, request, *args, **kwargs):
        """Upload an evidence file to a declaration, filing or tenancy (multipart: the owner, `kind`, `file`); a
        file above the size limit is refused on `file` while its body is read, the rest unread."""
        request.data  # noqa: B018 (the body, read through the limit)
        services.evidence_check_received(self.upload_limit)
        return super().create(request, *args, **kwargs)

    def perform_destroy(self, instance):
        """Remove through the service: the owner's CHANGE scope and status decide (403, 400)."""
        services.evidence_remove(user=self.request.user, evidence=instance)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file, as an attachment under the name it was uploaded with.")})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def download(self, request, pk=None):
        """Download the file (streamed as an attachment; 404 outside what you may see)."""
        return evidence_file_response(self.get_object())
