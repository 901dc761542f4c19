"""The support awards' import endpoints (registry.fund_imports): the blank template, and a file of awards imported
in the request, all rows or none (a dry run checks every row and writes nothing)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from access.scoping import ADD, VIEW
from config.api.renderers import FILE_RENDERERS
from config.tables import file_name
from enterprises.imports import file_format, read_table, table_import, template
from enterprises.imports.tables import SUBJECT_TITLES
from registry.fund_imports import AWARDS

from .transfers import FILE_RESPONSES, ImportReportSerializer, attachment


class AwardUploadSerializer(serializers.Serializer):
    """An awards file (XLSX or CSV, the template's Chinese headers) and whether to check only (dry run)."""

    file = serializers.FileField(help_text="An .xlsx or .csv file: the header row, then one award per row.")
    dry_run = serializers.BooleanField(default=False)

    def validate_file(self, upload):
        """Refuse a file too large or of another format."""
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise serializers.ValidationError(_("The file is larger than %(size)d MB; split it.") % {
                "size": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
        file_format(upload.name)
        return upload


class AwardImportReportSerializer(ImportReportSerializer):
    """What an awards import did: rows read, awards created, updated and unchanged, every refused row and field,
    and whether anything was written."""

    kind = serializers.CharField()


REFUSED = {"anyOf": [{"$ref": "#/components/schemas/AwardImportReport"},
                     {"$ref": "#/components/schemas/ValidationError"}]}


class SupportAwardImportMixin:
    """The awards viewset's import actions: `import/` (POST a file, the bureau's) and `import-template/` (GET)."""

    extra_scope_actions = {"import_file": ADD, "import_template": VIEW}

    @extend_schema(request={"multipart/form-data": AwardUploadSerializer}, responses={
        200: AwardImportReportSerializer,
        400: OpenApiResponse(REFUSED, description=(
            "Refused rows (the report: every refused row and field; nothing written), or a file that cannot be "
            "read (fields with their messages).")),
    })
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser],
            filter_backends=[], pagination_class=None)
    def import_file(self, request):
        """Import a file of awards, all rows or none (200 with the report, or 400 with every refused row)."""
        body = AwardUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        table = read_table(kind=AWARDS, content=upload.read(), file_name=upload.name)
        report = table_import(table=table, user=request.user, dry_run=body.validated_data["dry_run"])
        return Response(AwardImportReportSerializer(report.as_dict()).data,
                        status=status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK)

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["xlsx", "csv"],
                                                description="File format (default xlsx).")],
                   responses=FILE_RESPONSES)
    @action(detail=False, methods=["get"], url_path="import-template", renderer_classes=FILE_RENDERERS,
            filter_backends=[], pagination_class=None)
    def import_template(self, request):
        """The blank awards table: the Chinese header row and a notes row (skipped on import)."""
        fmt = request.accepted_renderer.format
        when = timezone.localtime().replace(tzinfo=None, microsecond=0)
        return attachment(template(kind=AWARDS, fmt=fmt, user=request.user, when=when), fmt=fmt,
                          name=file_name(SUBJECT_TITLES[AWARDS] + "导入模板", fmt, year=when.year),
                          fallback=f"{AWARDS}-template.{fmt}")
