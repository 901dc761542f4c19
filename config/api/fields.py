"""Fields every API serializer shares: a related field written as a primary key and read as a brief nested record
(with its OpenAPI mapping), a record's address, and its display name; the bounded date and year of reports.

Every related input accepts only the records the requesting user may name (`access.scoping.input_choices`): a
record outside their scope answers as one that does not exist. Without a request, nothing is accepted."""

from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from access.scoping import VIEW, input_choices


class ScopedRelatedMixin:
    """A related input offering and accepting only the records the request's user may name for `scope_action`
    (view by default): one outside their scope is "does not exist", as one that never was."""

    def __init__(self, *, scope_action: str = VIEW, **kwargs):
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self):
        """The related records the request's user may name (none without a request)."""
        request = self.context.get("request")
        return input_choices(user=getattr(request, "user", None), queryset=super().get_queryset(),
                             action=self.scope_action)


class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    """A related record by its id, among those the user may name."""


class BriefRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    """Accept the related record's id (among those the user may name); answer its brief representation (`brief`
    serializer class)."""

    def __init__(self, brief, **kwargs):
        self.brief = brief
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        """The brief record, by one serializer kept for every row (building a serializer's fields per row took most
        of a 50-row page's time), and once per related record (a page's rows share few districts and parks)."""
        if getattr(self, "_brief_serializer", None) is None:
            self._brief_serializer, self._briefs = self.brief(context=self.context), {}
        if value.pk not in self._briefs:
            self._briefs[value.pk] = self._brief_serializer.to_representation(value)
        return dict(self._briefs[value.pk])


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """Document BriefRelatedField as an integer id in requests and the brief record in responses."""

    target_class = BriefRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        return auto_schema.resolve_serializer(self.target.brief, direction).ref


class RecordUrlField(serializers.HyperlinkedIdentityField):
    """A record's API address: the route reversed once per serializer, each record's key put in its place (a
    reverse() per row and related record was a third of a 50-row page's serialization)."""

    PLACEHOLDER = 987_654_321_012_345  # a key no record has, replaced in the reversed address

    def get_url(self, obj, view_name, request, format):
        if obj.pk in (None, ""):  # unsaved: no address yet, as DRF answers
            return None
        templates = self.__dict__.setdefault("_templates", {})
        key = (view_name, format, id(request))
        if key not in templates:
            templates[key] = self._parts(view_name, request, format)
        prefix, suffix = templates[key]
        value = getattr(obj, self.lookup_field)
        return f"{prefix}{value if isinstance(value, int) else quote(str(value))}{suffix}"

    def address_parts(self, request, format=None) -> tuple[str, str]:
        """The text of a record's address before and after its key, for a request and the format the serializer's
        context names (as to_representation picks the format)."""
        if format and self.format and self.format != format:
            format = self.format
        return self._parts(self.view_name, request, format)

    def _parts(self, view_name, request, format) -> tuple[str, str]:
        url = self.reverse(view_name, kwargs={self.lookup_url_kwarg: self.PLACEHOLDER}, request=request,
                           format=format)
        prefix, suffix = url.split(str(self.PLACEHOLDER))
        return prefix, suffix


class DisplayField(serializers.CharField):
    """A record's display name, `str(record)`, read only (a `source="__str__"` inspects the method's signature per
    row)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return str(instance)


class ReportDateField(serializers.DateField):
    """A date query parameter of a report: a date within REPORT_DATE_MIN..REPORT_DATE_MAX (a date near the ends of
    Python's calendar overflows when a report counts days from it), else a 400 on the parameter."""

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        low, high = settings.REPORT_DATE_MIN, settings.REPORT_DATE_MAX
        if not low <= date <= high:
            raise serializers.ValidationError(_("Enter a date between %(min)s and %(max)s.") % {
                "min": low.isoformat(), "max": high.isoformat()})
        return date


AS_OF = "as_of"  # the one name of every report's date parameter (the name its `basis` gives the date)


class AsOfQuery(serializers.Serializer):
    """Base of a query with a report date, named `as_of` as in every report; `deprecated_date` (the name it had
    before, e.g. `on`) is still read as it, unless both are sent (400 on the old name)."""

    deprecated_date: str = ""

    def to_internal_value(self, data):
        if self.deprecated_date and self.deprecated_date in data:
            data = {name: data.get(name) for name in data}  # a plain copy (a QueryDict is immutable)
            if AS_OF in data:
                raise serializers.ValidationError({self.deprecated_date: [
                    _("Send the date once, as %(name)s.") % {"name": AS_OF}]})
            data[AS_OF] = data.pop(self.deprecated_date)
            try:
                return super().to_internal_value(data)
            except serializers.ValidationError as error:  # named as sent
                if isinstance(error.detail, dict) and AS_OF in error.detail:
                    error.detail[self.deprecated_date] = error.detail.pop(AS_OF)
                raise
        return super().to_internal_value(data)


class ReportYearField(serializers.IntegerField):
    """A year query parameter of a report or an assessment: within the years of REPORT_DATE_MIN..REPORT_DATE_MAX."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", settings.REPORT_DATE_MIN.year)
        kwargs.setdefault("max_value", settings.REPORT_DATE_MAX.year)
        super().__init__(**kwargs)
