"""The notifications API (/api/v1/notifications/): the signed-in user's own notifications, read-only, with marking
one or all read. Another user's notification does not exist for them (404), the bureau's included."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from config.api.schema import NO_RECORD, PAGED, Error

from ..models import Notification
from ..selectors import notifications_of
from ..services import notification_mark_read, notifications_mark_all_read


class NotificationSerializer(serializers.ModelSerializer):
    """A notification as its recipient reads it: subject and body in the request's language, read or not."""

    subject = serializers.CharField(source="subject_shown", read_only=True)
    body = serializers.CharField(source="body_shown", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "subject", "body", "link", "created", "read_at"]
        read_only_fields = fields


UNREAD = Error("400", "The `unread` parameter is not true or false.")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first (`?unread=true`: the unread ones only); mark one or all read."""

    error_responses = {"list": (UNREAD, PAGED), "retrieve": (NO_RECORD,), "read": (NO_RECORD,), "read_all": ()}
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        found = notifications_of(self.request.user)
        unread = self.request.query_params.get("unread") if self.action == "list" else None
        if unread is not None:
            if unread not in ("true", "false"):
                raise serializers.ValidationError({"unread": [UNREAD.reason]})
            found = found.filter(read_at__isnull=unread == "true")
        return found

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the notification read (already read: unchanged)."""
        return Response(self.get_serializer(notification_mark_read(notification=self.get_object())).data)

    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark all your unread notifications read; how many were."""
        return Response({"marked": notifications_mark_all_read(user=request.user)})


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
extra_urlpatterns = []
