"""The history endpoint's representation: each change with who, when, from where, and the fields it changed."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class FieldChangeSerializer(serializers.Serializer):
    """One field's value before and after a change (null before a creation)."""

    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryRecordSerializer(serializers.Serializer):
    """One change of a record."""

    TYPES = {"+": "created", "~": "changed", "-": "deleted"}

    id = serializers.IntegerField(source="history_id")
    date = serializers.DateTimeField(source="history_date")
    type = serializers.ChoiceField(choices=[("created", _("created")), ("changed", _("changed")),
                                            ("deleted", _("deleted"))], source="history_type_name")
    user = serializers.CharField(source="history_user.username", allow_null=True, default=None)
    source = serializers.CharField(source="history_source")
    origin = serializers.CharField(source="history_origin")
    reason = serializers.CharField(source="history_change_reason", allow_null=True)
    changes = FieldChangeSerializer(many=True)


def plain(value):
    """A field value as JSON can carry it."""
    if value is None or isinstance(value, bool | int | float | str | list):
        return value
    return str(value)


def history_of(obj) -> list:
    """The record's historical rows, oldest first, each with `changes` against the row before it.

    Every tracked field counts, including those only the workflow sets (simple-history's own diff skips
    non-editable fields), except last-modified stamps; many-to-many fields come from simple-history's diff.
    """
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    tracked = [f.attname for f in obj.history.model.tracked_fields]
    stamps = {f.attname for f in obj.history.model.tracked_fields if getattr(f, "auto_now", False)}
    many = [f.name for f in obj._meta.many_to_many if f.name in {m.name for m in obj.history.model._history_m2m_fields}]
    previous = None
    for record in records:
        record.history_type_name = HistoryRecordSerializer.TYPES[record.history_type]
        if previous is None:
            record.changes = [{"field": name, "old": None, "new": plain(getattr(record, name))} for name in tracked]
        else:
            record.changes = [
                {"field": name, "old": plain(getattr(previous, name)), "new": plain(getattr(record, name))}
                for name in tracked if name not in stamps and getattr(previous, name) != getattr(record, name)
            ]
            if many:
                record.changes += [
                    {"field": change.field, "old": plain(change.old), "new": plain(change.new)}
                    for change in record.diff_against(previous, included_fields=many).changes
                ]
        previous = record
    return records
