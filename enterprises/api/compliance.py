"""Endpoint of the compliance filings (plan task 15): the algorithm filings and the content- and data-security
records of the enterprises. Scoped as the enterprise's own registers: the enterprise files its own; its park and
its district's staff read them; the bureau keeps all (enterprises.models.register.REGISTER_RULE)."""

from config.api.fields import RecordUrlField
from config.api.serializers import ValidatedModelSerializer
from config.api.viewsets import ScopedModelViewSet
from enterprises.filtersets import ComplianceFilingFilterSet
from enterprises.models import ComplianceFiling

from .registers import enterprise_field


class ComplianceFilingSerializer(ValidatedModelSerializer):
    """A compliance filing: kind, the service or algorithm filed, filing number, the days filed, valid until and
    cancelled."""

    url = RecordUrlField(view_name="api:compliancefiling-detail")
    enterprise = enterprise_field()

    class Meta:
        model = ComplianceFiling
        fields = ["id", "url", "enterprise", "kind", "service_name", "number", "filed_on", "valid_until",
                  "cancelled_on", "created"]
        validators = []  # the number's and the filing's uniqueness: full_clean() names their fields


class ComplianceFilingViewSet(ScopedModelViewSet):
    """Compliance filings of the enterprises: algorithm filings, content- and data-security records (task 15)."""

    queryset = ComplianceFiling.objects.select_related("enterprise")
    serializer_class = ComplianceFilingSerializer
    filterset_class = ComplianceFilingFilterSet
    ordering_fields = ["filed_on", "valid_until", "kind", "enterprise__name"]
    ordering = ["-filed_on", "pk"]
