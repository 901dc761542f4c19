"""The product's routes plus the benchmark's baseline: a bare DRF endpoint returning 50 rows of one table."""

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from config.urls import urlpatterns as product_urlpatterns
from enterprises.models import Enterprise


class BaselineSerializer(serializers.ModelSerializer):
    """An enterprise's own columns, no relation followed."""

    class Meta:
        model = Enterprise
        fields = ["id", "credit_code", "name", "short_name", "founded", "district", "park", "chain_position",
                  "segments", "status", "created", "updated"]


class BaselineView(generics.ListAPIView):
    """The ceiling of this stack on the machine: 50 enterprise rows by primary key, no authentication, no
    permission, no filter, no count, one query."""

    authentication_classes = []
    permission_classes = [AllowAny]
    filter_backends = []
    pagination_class = None
    throttle_classes = []
    serializer_class = BaselineSerializer

    def get_queryset(self):
        """50 rows from an offset given by `?after=` (an id), so the load does not read one page only."""
        after = int(self.request.query_params.get("after", 0) or 0)
        return Enterprise.objects.filter(pk__gt=after).order_by("pk")[:50]


urlpatterns = [path("bench/baseline/", BaselineView.as_view(), name="bench-baseline"), *product_urlpatterns]
