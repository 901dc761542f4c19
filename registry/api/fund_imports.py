"""The support awards' former import addresses, kept working over the one import (registry.fund_imports): `import/`
answers as `POST /api/v1/imports/` with the kind support_awards (the same dry run, all rows or none, file job past
IMPORT_SYNC_MAX_ROWS, file-job throttle); `import-template/` answers the kind's template, as
`/api/v1/imports/templates/support_awards/` does."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser

from access.scoping import ADD, VIEW
from config.api.renderers import FILE_RENDERERS
from config.throttling import FileJobThrottle
from registry.fund_imports import AWARDS

from .transfers import (
    BROKER_DOWN,
    FILE_RESPONSES,
    REFUSED,
    TOO_MANY,
    ImportJobSerializer,
    ImportReportSerializer,
    ImportUploadSerializer,
    import_answer,
    template_answer,
)


class AwardUploadSerializer(ImportUploadSerializer):
    """An awards file (XLSX or CSV, the template's Chinese headers) and whether to check only (dry run)."""

    kind = None


class SupportAwardImportMixin:
    """The awards viewset's former import actions: `import/` (POST a file, the bureau's) and `import-template/`."""

    extra_scope_actions = {"import_file": ADD, "import_template": VIEW}

    @extend_schema(deprecated=True, request={"multipart/form-data": AwardUploadSerializer}, responses={
        200: ImportReportSerializer, 202: ImportJobSerializer,
        400: OpenApiResponse(REFUSED, description=(
            "Refused rows (the report: every refused row and field; nothing written), or a file that cannot be "
            "read (fields with their messages).")),
        429: TOO_MANY, 503: BROKER_DOWN,
    })
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser],
            filter_backends=[], pagination_class=None, throttle_classes=[FileJobThrottle])
    def import_file(self, request):
        """Import a file of awards as `POST /api/v1/imports/` with kind=support_awards does (use that address)."""
        body = AwardUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return import_answer(request, kind=AWARDS, **body.validated_data)

    @extend_schema(deprecated=True, parameters=[OpenApiParameter("format", str, enum=["xlsx", "csv"],
                                                                 description="File format (default xlsx).")],
                   responses=FILE_RESPONSES)
    @action(detail=False, methods=["get"], url_path="import-template", renderer_classes=FILE_RENDERERS,
            filter_backends=[], pagination_class=None)
    def import_template(self, request):
        """The awards' blank table, as /api/v1/imports/templates/support_awards/ gives it (use that address)."""
        return template_answer(request, kind=AWARDS)
