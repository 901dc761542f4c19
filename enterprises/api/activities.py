"""Endpoints of the industry activities (talent, events and cooperation; plan tasks 1, 2, 11, 13, 14): the
enterprise files its own; its park and its district's staff read them; the bureau keeps all (REGISTER_RULE, as the
enterprise's other registers)."""

from rest_framework import serializers

from config.api.fields import RecordUrlField
from config.api.serializers import ValidatedModelSerializer
from config.api.viewsets import ScopedModelViewSet
from enterprises.choices import ACTIVITY_TASKS
from enterprises.filtersets import IndustryActivityFilterSet
from enterprises.models import IndustryActivity

from .registers import enterprise_field


class IndustryActivitySerializer(ValidatedModelSerializer):
    """An industry activity: kind (and the plan task it counts for), title, partner, day held, how many people."""

    url = RecordUrlField(view_name="api:industryactivity-detail")
    enterprise = enterprise_field()
    task = serializers.SerializerMethodField(help_text="The plan task (1-15) the activity's kind counts for.")

    class Meta:
        model = IndustryActivity
        fields = ["id", "url", "enterprise", "kind", "task", "title", "partner", "held_on", "people", "notes",
                  "created"]
        validators = []  # one per kind, day and title: the model's constraint, reported on the title

    def get_task(self, obj) -> int:
        """The plan task of the activity's kind (enterprises.choices.ACTIVITY_TASKS)."""
        return ACTIVITY_TASKS[obj.kind]


class IndustryActivityViewSet(ScopedModelViewSet):
    """Talent, events and cooperation the enterprises report: national programmes, tool verification, leading
    talents, joint training, industry exchange, international events and overseas projects (counts only)."""

    queryset = IndustryActivity.objects.select_related("enterprise")
    serializer_class = IndustryActivitySerializer
    filterset_class = IndustryActivityFilterSet
    ordering_fields = ["held_on", "kind", "people", "enterprise__name"]
    ordering = ["-held_on", "pk"]
