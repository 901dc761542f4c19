"""Endpoints of imports and exports: XLSX or CSV files of every kind of enterprises.imports (enterprises,
tenancies, annual filings, the enterprise's registers, support awards...).

Imports: a file of up to IMPORT_SYNC_MAX_ROWS rows is imported in the request (200 with the report, or 400 with
every refused row and nothing written); a larger one becomes a file job run by Celery (202 with its address,
polled for its progress and report). Exports: a register streamed as CSV in the request, or written to an XLSX
(or CSV) file by a file job. Every row is scoped by restrict(): what a user may not see is neither imported
over nor exported, and another user's job does not exist (404).
"""

import itertools

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from access.scoping import VIEW
from config.api.fields import RecordUrlField
from config.api.renderers import FILE_RENDERERS, CSVFileRenderer
from config.api.schema import CREATE_ERRORS, NO_RECORD, NO_SUCH_KIND, QUERY, READ_ERRORS
from config.api.serializers import BriefUserSerializer
from config.api.viewsets import ACTIONS, ScopedViewMixin
from config.tables import CSV_CONTENT_TYPE, CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, content_disposition, csv_stream, file_name
from config.throttling import FileJobThrottle
from enterprises.imports import (
    KINDS,
    SUBJECT_TITLES,
    export_queryset,
    export_rows,
    file_format,
    headers,
    read_table,
    table_import,
    template,
)
from registry.choices import FileFormat, FileJobKind, FileSubject, RunStatus
from registry.models import FileJob
from registry.services import BrokerUnavailable, TooManyActiveJobs, file_job_start

from .reports import ServiceUnavailable

CONTENT_TYPES = {"xlsx": XLSX_MEDIA_TYPE, "csv": CSV_CONTENT_TYPE}
FILE_RESPONSES = {(200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY, (200, CSV_MEDIA_TYPE): OpenApiTypes.STR}
BROKER_DOWN = OpenApiResponse(description="The job queue (broker) is unavailable; the job is not started.")
TOO_MANY = OpenApiResponse(description=(
    "Too many requests (the `file_jobs` rate), or FILE_JOB_MAX_ACTIVE jobs of yours are already pending or running."))


class TooManyJobs(APIException):
    """429: the user already has FILE_JOB_MAX_ACTIVE file jobs pending or running."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_jobs"


def file_job_started(**kwargs) -> FileJob:
    """Start a file job (registry.services.file_job_start), its refusals as the API's answers (429, 503)."""
    try:
        return file_job_start(**kwargs)
    except TooManyActiveJobs as refused:
        raise TooManyJobs(_("You have %(count)d import or export jobs pending or running (at most %(limit)d); "
                            "wait for one to end.") % {"count": refused.active,
                                                       "limit": settings.FILE_JOB_MAX_ACTIVE}) from None
    except BrokerUnavailable:
        raise ServiceUnavailable() from None


def import_answer(request, *, kind: str, file, dry_run: bool) -> Response:
    """An uploaded file of a kind imported as the user: in the request up to IMPORT_SYNC_MAX_ROWS rows (200 with
    the report, or 400 with every refused row and nothing written), else started as a file job (202 with its
    address)."""
    content = file.read()
    table = read_table(kind=kind, content=content, file_name=file.name)
    if len(table.rows) <= settings.IMPORT_SYNC_MAX_ROWS:
        report = table_import(table=table, user=request.user, dry_run=dry_run)
        answer = ImportReportSerializer(report.as_dict()).data
        return Response(answer, status=status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK)
    job = file_job_started(kind=FileJobKind.IMPORT, subject=kind, file_format=file_format(file.name),
                           user=request.user, data=content, file_name=file.name, dry_run=dry_run,
                           total=len(table.rows))
    data = ImportJobSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": str(data["url"])})


def template_answer(request, *, kind: str) -> HttpResponse:
    """The blank table of a kind in the negotiated format (xlsx or csv), offered under its Chinese name."""
    fmt = request.accepted_renderer.format
    when = timezone.localtime().replace(tzinfo=None, microsecond=0)
    return attachment(template(kind=kind, fmt=fmt, user=request.user, when=when), fmt=fmt,
                      name=file_name(SUBJECT_TITLES[kind] + "导入模板", fmt, year=when.year),
                      fallback=f"{kind}-template.{fmt}")


def attachment(content, *, fmt: str, name: str, fallback: str = "", streaming: bool = False):
    """A file answer: the content with its type, offered for download under its (Chinese) name, with an ASCII
    fallback name."""
    response = (StreamingHttpResponse if streaming else HttpResponse)(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(name, fallback=fallback)
    return response


# --- serializers ------------------------------------------------------------------------------------------
class ImportUploadSerializer(serializers.Serializer):
    """An import: the kind of record, the XLSX or CSV file (headers in Chinese or field names, as in the
    template), and whether to check only (dry run: every row checked, including the database's constraints,
    nothing written)."""

    kind = serializers.ChoiceField(choices=FileSubject.choices)
    file = serializers.FileField(help_text="An .xlsx or .csv file: the header row, then one record per row.")
    dry_run = serializers.BooleanField(default=False)

    def validate_file(self, upload):
        """Refuse a file too large or of another format."""
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise serializers.ValidationError(_("The file is larger than %(size)d MB; split it.") % {
                "size": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
        file_format(upload.name)
        return upload


class RowErrorSerializer(serializers.Serializer):
    """A refused field of a row: the sheet row (1-based, the header is row 1), the field (null: the whole row),
    its column header in the file, and why."""

    row = serializers.IntegerField()
    field = serializers.CharField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    """What an import did: rows read, records created, updated and unchanged, every refused row and field, and
    whether anything was written (never in a dry run, never when a row is refused)."""

    kind = serializers.ChoiceField(choices=FileSubject.choices)
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    written = serializers.BooleanField()


class FileJobSerializer(serializers.ModelSerializer):
    """A file job: what it imports or exports, where it is (rows processed of the total, percent), when it
    started and ended, its report (an import's: as answered for a small file) or its error."""

    started_by = BriefUserSerializer(read_only=True)
    progress = serializers.SerializerMethodField(help_text="Percent of the rows processed (null: not known yet).")

    class Meta:
        model = FileJob
        fields = ["id", "url", "kind", "subject", "file_format", "dry_run", "status", "total", "processed",
                  "progress", "report", "error", "file_name", "started_by", "created", "started", "finished",
                  "expired"]
        read_only_fields = fields

    def get_progress(self, job) -> int | None:
        """Percent of the rows processed."""
        if job.status == RunStatus.SUCCEEDED:
            return 100
        return min(100, job.processed * 100 // job.total) if job.total else None


class ImportJobSerializer(FileJobSerializer):
    """An import run as a file job."""

    url = RecordUrlField(view_name="api:import-detail")


class ExportJobSerializer(FileJobSerializer):
    """An export run as a file job, with the address of its file once it succeeded."""

    url = RecordUrlField(view_name="api:export-detail")
    file = serializers.SerializerMethodField(help_text="Address of the file (null until the job succeeded).")

    class Meta(FileJobSerializer.Meta):
        fields = [*FileJobSerializer.Meta.fields, "file"]
        read_only_fields = fields

    def get_file(self, job) -> str | None:
        """The file's address once it is written, until its retention period ends."""
        if job.status != RunStatus.SUCCEEDED or job.expired is not None:
            return None
        return self.context["request"].build_absolute_uri(reverse("api:export-file", args=[job.pk]))


class ExportStartSerializer(serializers.Serializer):
    """An export job: the register (the records you may see) and the file's format."""

    subject = serializers.ChoiceField(choices=FileSubject.choices)
    file_format = serializers.ChoiceField(choices=FileFormat.choices, default=FileFormat.XLSX)


# --- views ----------------------------------------------------------------------------------------------------
class FileJobViewSet(ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Base of the import and export jobs: each user lists and polls the jobs they started."""

    error_responses = READ_ERRORS

    filterset_fields = ["subject", "status"]
    ordering_fields = ["created"]
    lookup_value_regex = r"\d+"
    job_kind = ""
    throttle_classes = [FileJobThrottle]

    def get_queryset(self):
        return FileJob.objects.filter(kind=self.job_kind).defer("data").select_related("started_by").restrict(
            self.request.user, VIEW)

    @property
    def scope_action(self) -> str:
        """View, or add for starting a job."""
        return ACTIONS.get(self.action, VIEW)

    def accepted(self, job: FileJob) -> Response:
        """202 with the job and its address."""
        data = self.get_serializer(job).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": str(data["url"])})


REFUSED = {"anyOf": [{"$ref": "#/components/schemas/ImportReport"}, {"$ref": "#/components/schemas/ValidationError"}]}


class ImportViewSet(mixins.CreateModelMixin, FileJobViewSet):
    """Imports of every kind (enterprises, tenancies, annual filings, the registers, support awards...) from XLSX or
    CSV files (templates under templates/{kind}/); a file's rows are all imported or none."""

    error_responses = {**READ_ERRORS, **CREATE_ERRORS}

    queryset = FileJob.objects.filter(kind=FileJobKind.IMPORT)
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    job_kind = FileJobKind.IMPORT

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses={
        200: ImportReportSerializer,
        202: ImportJobSerializer,
        400: OpenApiResponse(REFUSED, description=(
            "Refused rows (the report: every refused row and field; nothing written), or a refused request "
            "(fields with their messages: a file that cannot be read, an unknown or missing column).")),
        429: TOO_MANY,
        503: BROKER_DOWN,
    })
    def create(self, request, *args, **kwargs):
        """Import a file: answered in the request for a small file, else started as a job (202)."""
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return import_answer(request, **body.validated_data)


class ImportTemplateView(GenericAPIView):
    """The blank table of a kind of import: the Chinese header row, a notes row (skipped on import) giving each
    column's rule and unit (money in 万元); an XLSX also explains every column on a second sheet."""

    error_responses = {"get": (QUERY, NO_SUCH_KIND)}

    permission_classes = [IsAuthenticated]
    renderer_classes = FILE_RENDERERS
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=KINDS, description="The kind of record."),
            OpenApiParameter("format", str, enum=["xlsx", "csv"], description="File format (default xlsx)."),
        ],
        responses=FILE_RESPONSES,
    )
    def get(self, request, kind):
        """Download the template of a kind."""
        if kind not in KINDS:
            raise NotFound()
        return template_answer(request, kind=kind)


class FileNotReady(APIException):
    """409: the export job has not (or not successfully) written its file."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "file_not_ready"


class FileExpired(APIException):
    """410: the export's file was deleted at the end of its retention period."""

    status_code = status.HTTP_410_GONE
    default_code = "file_expired"


class ExportViewSet(mixins.CreateModelMixin, FileJobViewSet):
    """Exports of a whole register (the records you may see) to an XLSX or CSV file, run as file jobs."""

    error_responses = {**READ_ERRORS, **CREATE_ERRORS, "file": (NO_RECORD,)}

    queryset = FileJob.objects.filter(kind=FileJobKind.EXPORT)
    serializer_class = ExportJobSerializer
    job_kind = FileJobKind.EXPORT

    @extend_schema(request=ExportStartSerializer, responses={202: ExportJobSerializer, 429: TOO_MANY,
                                                             503: BROKER_DOWN})
    def create(self, request, *args, **kwargs):
        """Start an export: the job is written pending, then its task is sent; poll it, then fetch its file."""
        body = ExportStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.accepted(file_job_started(kind=FileJobKind.EXPORT, user=request.user, **body.validated_data))

    @extend_schema(responses={**FILE_RESPONSES, 409: OpenApiResponse(
        description="The job has not written its file (pending, running or failed)."), 410: OpenApiResponse(
        description="The file was deleted at the end of its retention period (FILE_JOB_RETENTION_DAYS).")},
        filters=False)
    @action(detail=True, methods=["get"], renderer_classes=[*FILE_RENDERERS, JSONRenderer], filter_backends=[])
    def file(self, request, pk=None):
        """Download the file an export job wrote."""
        job = self.get_object()
        if job.expired is not None:
            raise FileExpired(_("The file of this export was deleted on %(date)s, %(days)d days after the export "
                                "ended; start a new export.") % {
                "date": timezone.localtime(job.expired).date().isoformat(),
                "days": settings.FILE_JOB_RETENTION_DAYS})
        if job.status != RunStatus.SUCCEEDED:
            raise FileNotReady(_("The export is %(status)s; its file is not ready.") % {
                "status": job.get_status_display()})
        data = FileJob.objects.values_list("data", flat=True).get(pk=job.pk)
        return attachment(bytes(data), fmt=job.file_format, name=job.file_name,
                          fallback=f"{job.subject}-{job.pk}.{job.file_format}")


class ExportStreamView(ScopedViewMixin, GenericAPIView):
    """A whole register (the records you may see) as CSV, streamed as it is read: UTF-8 with a byte-order mark,
    Chinese headers, amounts in their unit (万元), the import's columns (the file imports back unchanged)."""

    error_responses = {"get": (NO_SUCH_KIND,)}

    queryset = FileJob.objects.none()  # the permission's model; the rows come from export_queryset
    renderer_classes = [CSVFileRenderer, JSONRenderer]
    throttle_classes = [FileJobThrottle]
    file_job_methods = ("GET",)  # each stream is an export
    pagination_class = None
    filter_backends = []

    @extend_schema(responses={(200, CSV_MEDIA_TYPE): OpenApiTypes.STR}, parameters=[
        OpenApiParameter("subject", str, OpenApiParameter.PATH, enum=KINDS, description="The register."),
    ])
    def get(self, request, subject):
        """Stream the register as CSV."""
        if subject not in KINDS:
            raise NotFound()
        rows = export_rows(kind=subject, queryset=export_queryset(kind=subject, user=request.user))
        day = timezone.localdate()
        return attachment(csv_stream(itertools.chain([headers(subject)], rows)), fmt="csv", streaming=True,
                          name=file_name(SUBJECT_TITLES[subject], "csv", day=day), fallback=f"{subject}-{day}.csv")
