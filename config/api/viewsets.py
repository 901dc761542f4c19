"""Base viewset of every registry resource: scoping by role, post-write scope check, and record history."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from access.scoping import ADD, CHANGE, DELETE, VIEW, view_implies
from config.throttling import AnonThrottle

from ..rules import OUTSIDE_SCOPE
from .history import HistoryRecordSerializer, history_of
from .permissions import ScopedPermission, seen_whole
from .schema import MODEL_ERRORS, READ_ERRORS

ACTIONS = {"create": ADD, "update": CHANGE, "partial_update": CHANGE, "destroy": DELETE}


class ScopedViewMixin:
    """A view over the records the user may see; the rest do not exist for them (404, absent from lists)."""

    permission_classes = [ScopedPermission]
    scope_action = VIEW  # what ScopedPermission checks: view, add, change or delete
    read_action = VIEW  # which records exist for the user: VIEW, or PUBLIC where a public face is shown

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, self.read_action)


class ScopedModelViewSet(ScopedViewMixin, viewsets.ModelViewSet):
    """CRUD over a model, scoped by `restrict(user, action)`; subclasses name queryset, serializer, filters."""

    error_responses = MODEL_ERRORS  # config.api.schema

    # Scope action of each extra action of a subclass (e.g. {"approve": REVIEW}); view if not named.
    extra_scope_actions: dict[str, str] = {}

    @property
    def scope_action(self) -> str:
        """The scope action this request takes: view, add, change, delete or an extra action's."""
        return ACTIONS.get(self.action) or self.extra_scope_actions.get(self.action, VIEW)

    def perform_create(self, serializer):
        fresh = self._save_in_scope(serializer, ADD)
        # with the queryset's annotations
        serializer.instance = fresh or self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        fresh = self._save_in_scope(serializer, CHANGE)
        serializer.instance = fresh or self.get_queryset().get(pk=serializer.instance.pk)

    def _save_in_scope(self, serializer, scope_action: str):
        """Save, and refuse a write that leaves the record outside the writer's scope: the save and the re-check are
        one transaction of their own, rolled back on refusal whether or not the request is atomic (within a request's
        transaction no savepoint is added: the refusal rolls the request back). Where seeing a record whole grants
        the action (`access.scoping.view_implies`), the re-check is the record read back through the view's
        queryset, which is returned (one query for both); else None, the record's scope asked on its own."""
        with transaction.atomic(savepoint=False):
            instance = serializer.save()
            model = type(instance)
            if view_implies(user=self.request.user, model=model, action=scope_action):
                fresh = self.get_queryset().filter(pk=instance.pk).first()
                if fresh is not None and seen_whole(self, fresh):
                    return fresh
            if not model.objects.restrict(self.request.user, scope_action).filter(pk=instance.pk).exists():
                raise PermissionDenied(OUTSIDE_SCOPE)
        return None

    @extend_schema(responses=HistoryRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None):
        """The record's change history: who, when, from where, and each field's value before and after."""
        return Response(HistoryRecordSerializer(history_of(self.get_object()), many=True).data)


class DirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The public directory: read-only public fields of every record, open to anyone (throttled)."""

    error_responses = READ_ERRORS

    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle]
