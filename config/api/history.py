"""The history endpoint's representation: each change with who, when, from where, and the fields it changed."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from simple_history.utils import get_m2m_reverse_field_name


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


def m2m_rows(obj, records: list, names: list[str]) -> dict[str, dict[int, list[dict]]]:
    """Each many-to-many field's rows as of each historical record, as simple-history's diff compares them (its
    through fields but the history keys, ordered by the related record), in one query per field."""
    rows: dict[str, dict[int, list[dict]]] = {}
    for name in names:
        through = getattr(records[0], name).model
        fields = [f.name for f in through._meta.fields if f.editable and f.name not in ("id", "m2m_history_id",
                                                                                          "history")]
        order = get_m2m_reverse_field_name(obj._meta.get_field(name))
        rows[name] = defaultdict(list)
        for row in through.objects.filter(history__in=records).order_by(order).values("history", *fields):
            rows[name][row.pop("history")].append(row)
    return rows


def history_of(obj) -> list:
    """The record's historical rows, oldest first, each with `changes` against the row before it.

    Every tracked field counts, including those only the workflow sets (simple-history's own diff skips
    non-editable fields), except last-modified stamps; many-to-many fields compare their rows as simple-history's
    diff does, read for every record at once (its diff_against reads them per pair of records).
    """
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    tracked = [f.attname for f in obj.history.model.tracked_fields]
    stamps = {f.attname for f in obj.history.model.tracked_fields if getattr(f, "auto_now", False)}
    many = sorted(f.name for f in obj._meta.many_to_many
                  if f.name in {m.name for m in obj.history.model._history_m2m_fields})
    many_rows = m2m_rows(obj, records, many) if many and records else {}
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
            for name in many:
                old, new = many_rows[name][previous.history_id], many_rows[name][record.history_id]
                if old != new:
                    record.changes.append({"field": name, "old": old, "new": new})
        previous = record
    return records
