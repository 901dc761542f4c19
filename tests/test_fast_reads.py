"""The list's fast paths give what DRF gave: the plain-read serializer the same dict as DRF's per-field
representation, and the orjson renderer the same bytes as DRF's JSON renderer."""

import dataclasses
import datetime
import decimal
import json
import uuid
import zoneinfo

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.relations import Hyperlink
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.utils.serializer_helpers import ReturnDict

from access.scoping import PUBLIC
from config.api.renderers import FastJSONRenderer
from config.api.rows import RowWriter
from config.api.serializers import ValidatedModelSerializer
from enterprises.api.serializers import EnterpriseSerializer, TenantEnterpriseSerializer
from enterprises.choices import ChainPosition, EnterpriseStatus, Segment
from enterprises.models import Enterprise

from .conftest import park_admin_client, token_client
from .factories import DistrictFactory, EnterpriseFactory, ParkFactory, TenancyFactory, UnitFactory, bureau_user


class DRFEnterpriseSerializer(EnterpriseSerializer):
    """The enterprise serializer as DRF represents it, field by field (what the plain read replaces)."""

    def to_representation(self, instance):
        return ValidatedModelSerializer.to_representation(self, instance)


def drf_json(data) -> bytes:
    """DRF's own JSON of the data, as the API wrote it before."""
    return JSONRenderer().render(data)


def test_plain_read_gives_drf_representation(db):
    park = ParkFactory()
    records = [
        EnterpriseFactory(park=park, segments=[Segment.RENDERING, Segment.AI_DRIVING], short_name="甲",
                          founded=datetime.date(2019, 3, 1), profile="第一行\n第二行 \u2028", website="https://a.cn/x"),
        EnterpriseFactory(park=None, segments=[], founded=None, chain_position=ChainPosition.PLATFORM),
        EnterpriseFactory(status=EnterpriseStatus.MOVED_OUT, left_on=datetime.date(2024, 6, 30)),
    ]
    user = bureau_user()
    request = Request(APIRequestFactory().get("/api/v1/enterprises/"))
    request.user = user
    rows = list(Enterprise.objects.select_related("district", "park").restrict(user, PUBLIC).order_by("pk"))
    assert len(rows) == len(records)
    context = {"request": request}
    fast = EnterpriseSerializer(rows, many=True, context=context).data
    plain = DRFEnterpriseSerializer(rows, many=True, context=context).data
    assert fast == plain
    assert drf_json(fast) == drf_json(plain)
    assert fast[1]["park"] is None and fast[0]["segments"] == ["rendering", "ai_driving"]
    # A record read as created in the process (choices as enum members) is shown the same way too.
    record = Enterprise.objects.select_related("district", "park").get(pk=records[2].pk)
    record.chain_position, record.status = ChainPosition.APPLICATION, EnterpriseStatus.ACTIVE
    assert EnterpriseSerializer(record, context=context).data == DRFEnterpriseSerializer(record, context=context).data


def _varied_records(park):
    """Enterprises whose fields take every shape the list shows: no park, no date, segments, a moved-out one."""
    return [
        EnterpriseFactory(park=park, segments=[Segment.RENDERING, Segment.AI_DRIVING], short_name="甲",
                          founded=datetime.date(2019, 3, 1), profile="第一行\n第二行 \u2028", website="https://a.cn/x"),
        EnterpriseFactory(park=None, segments=[], founded=None, chain_position=ChainPosition.PLATFORM),
        EnterpriseFactory(park=park, status=EnterpriseStatus.MOVED_OUT, left_on=datetime.date(2024, 6, 30)),
    ]


def test_list_rows_give_the_serializers_representation(db):
    """The list, written from `.values()` rows (config.api.rows), gives each record as DRF's per-field
    representation of EnterpriseSerializer does, and a tenant registered elsewhere as TenantEnterpriseSerializer
    does: the same JSON, in the bureau's list and a park administrator's."""
    park = ParkFactory()
    records = _varied_records(park)
    tenant = EnterpriseFactory(park=ParkFactory(), segments=[Segment.RENDERING])
    TenancyFactory(unit=UnitFactory(park=park), enterprise=tenant)
    request = Request(APIRequestFactory().get("/api/v1/enterprises/"))
    everyone = {record.pk for record in [*records, tenant]}
    seen_by_park = {records[0].pk, records[2].pk, tenant.pk}
    for client, seen, expected_tenants in ((token_client(bureau_user()), everyone, 0),
                                           (park_admin_client(park), seen_by_park, 1)):
        answer = client.get(reverse("api:enterprise-list"))
        assert answer.status_code == 200
        request.user = client.user
        by_id = {record.pk: record for record in Enterprise.objects.select_related("district", "park")}
        expected, tenants = [], 0
        for row in answer.json()["results"]:
            record, context = by_id[row["id"]], {"request": request}
            if "contact_phone" in row:
                expected.append(DRFEnterpriseSerializer(record, context=context).data)
            else:
                tenants += 1
                expected.append(TenantEnterpriseSerializer(record, context=context).data)
        assert tenants == expected_tenants
        assert {row["id"] for row in answer.json()["results"]} == seen
        assert json.loads(drf_json(expected)) == answer.json()["results"]
        assert drf_json(expected) == drf_json(answer.json()["results"])


def test_row_writer_kept_plan_follows_the_request_and_the_rows(db):
    """The row writer's plan, bound once per process to a request's scheme, host, format, language and time zone,
    and the brief records kept with it by their columns' values: another host gets its own addresses, another time
    zone its own stamps, and a district or park renamed between two pages is written with its new name."""
    from django.utils import timezone

    park = ParkFactory()
    record = EnterpriseFactory(park=park)
    client = token_client(bureau_user())

    def row(**extra):
        answer = client.get(reverse("api:enterprise-list"), {"park": park.pk}, **extra)
        assert answer.status_code == 200
        (found,) = answer.json()["results"]
        return found

    def drf(host="testserver", zone=None):
        request = Request(APIRequestFactory().get("/api/v1/enterprises/", HTTP_HOST=host))
        request.user = client.user
        fresh = Enterprise.objects.select_related("district", "park").get(pk=record.pk)
        with timezone.override(zone or timezone.get_default_timezone()):
            return json.loads(drf_json(DRFEnterpriseSerializer(fresh, context={"request": request}).data))

    assert row() == drf()
    formatted = client.get(reverse("api:enterprise-list"), {"park": park.pk, "format": "json"}).json()["results"][0]
    assert formatted["url"].endswith("/?format=json") and formatted["park"]["url"].endswith("/?format=json")
    assert row()["url"].endswith(f"/{record.pk}/")
    assert row(HTTP_HOST="localhost")["url"].startswith("http://localhost/")
    assert row(HTTP_HOST="localhost") == drf(host="localhost")
    park.name, park.district.name = "改名园区", "改名区"
    park.save()
    park.district.save()
    record.district = park.district
    record.save()
    assert row()["park"]["name"] == "改名园区"
    assert row() == drf()
    request = Request(APIRequestFactory().get("/api/v1/enterprises/"))
    request.user = client.user
    columns = RowWriter(EnterpriseSerializer, request=request).columns
    (values,) = Enterprise.objects.filter(pk=record.pk).values(*columns)
    for zone in ("America/New_York", "UTC", "Asia/Shanghai"):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            written = RowWriter(EnterpriseSerializer, request=request).write(values)
        assert json.loads(drf_json(written)) == drf(zone=zoneinfo.ZoneInfo(zone)), zone


def test_filter_form_cleans_only_the_filters_given(db):
    """config.filters.GivenFieldsForm: the form cleans the filters whose parameters the query gives, with their own
    messages, and no other (their values would filter nothing)."""
    from django.http import QueryDict

    from enterprises.filtersets import EnterpriseFilterSet

    queryset = Enterprise.objects.all()
    given = EnterpriseFilterSet(data=QueryDict("status=active&q=数象"), queryset=queryset)
    assert given.is_valid()
    assert set(given.form.cleaned_data) == {"status", "q"}
    wrong = EnterpriseFilterSet(data=QueryDict("district=999999&founded_after=x"), queryset=queryset)
    assert not wrong.is_valid()
    assert set(wrong.errors) == {"district", "founded_after"}
    assert set(wrong.form.cleaned_data) == set()


def test_district_and_park_filters_check_their_choices_without_a_query(bureau_client):
    """config.filters.KnownChoicesField: a district or park filter checks the chosen keys against those kept under
    the tables' version (read once per request, with the count's), not by reading the records: the filtered list
    asks no query the unfiltered one does not; a district or park added or deleted is known at once; an unknown key
    or a malformed one is the same 400 as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    park = ParkFactory()
    record = EnterpriseFactory(park=park)
    url = reverse("api:enterprise-list")

    def asked(query) -> tuple[int, object]:
        with CaptureQueriesContext(connection) as queries:
            answer = bureau_client.get(url, query)
        return len(queries), answer

    plain, _answer = asked({})
    asked({"district": record.district_id, "park": park.pk})  # the keys read once (the tables' version moved)
    for query in ({"district": record.district_id}, {"park": park.pk}):
        count, answer = asked(query)
        assert answer.status_code == 200
        assert [row["id"] for row in answer.data["results"]] == [record.pk]
        assert count <= plain, query
    other = ParkFactory()
    assert asked({"park": other.pk})[1].data["count"] == 0  # a park added is known at once
    gone = other.pk
    other.delete()
    answer = asked({"park": gone})[1]
    assert answer.status_code == 400
    assert set(answer.json()) == {"park"} and str(gone) in answer.json()["park"][0]
    assert asked({"district": "abc"})[1].status_code == 400
    district = DistrictFactory()
    assert asked({"district": district.pk})[1].data["count"] == 0


def test_row_writer_refuses_a_field_it_cannot_write(db):
    """A serializer field the row writer does not know (a method field) is refused when the writer is built,
    never written differently from the serializer."""

    class WithMethod(EnterpriseSerializer):
        extra = serializers.SerializerMethodField()

        class Meta(EnterpriseSerializer.Meta):
            fields = [*EnterpriseSerializer.Meta.fields, "extra"]

        def get_extra(self, record):
            return 1

    request = Request(APIRequestFactory().get("/api/v1/enterprises/"))
    with pytest.raises(TypeError, match="extra"):
        RowWriter(WithMethod, request=request)
    assert "name" in RowWriter(EnterpriseSerializer, request=request).columns


def test_tenant_public_face_unchanged(db):
    """A park administrator's page of its tenants registered elsewhere: the public face, as before."""
    park = ParkFactory()
    tenant = EnterpriseFactory(park=ParkFactory())
    TenancyFactory(unit=UnitFactory(park=park), enterprise=tenant)
    own = EnterpriseFactory(park=park)
    answer = park_admin_client(park).get(reverse("api:enterprise-list"))
    assert answer.status_code == 200
    by_id = {row["id"]: row for row in answer.json()["results"]}
    assert set(by_id) == {tenant.pk, own.pk}
    assert "contact_phone" not in by_id[tenant.pk] and "contact_phone" in by_id[own.pk]


class Kind(serializers.Serializer):
    """A serializer whose data (a ReturnDict) is rendered."""

    name = serializers.CharField()


@dataclasses.dataclass
class Point:
    x: int


def test_orjson_renderer_writes_drf_json():
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    data = {
        "text": "数字人 \u2028 \u2029 \"quoted\" \\ \n", "lazy": gettext_lazy("Unknown field."), "none": None,
        "ints": [0, -1, 2**53], "floats": [0.1, 2.5, 100.0], "bool": [True, False],
        "decimal": decimal.Decimal("12.50"), "date": datetime.date(2026, 12, 6),
        "datetime_utc": datetime.datetime(2026, 12, 6, 4, 5, 6, 789123, tzinfo=datetime.UTC),
        "datetime_cst": datetime.datetime(2026, 12, 6, 12, 5, 6, tzinfo=shanghai),
        "naive": datetime.datetime(2026, 1, 2, 3, 4, 5, 6), "time": datetime.time(9, 30, 1, 250000),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"), "tuple": (1, "二"), "set": {3},
        "keys": {1: "one", "二": 2}, "link": Hyperlink("https://x.cn/api/v1/enterprises/1/", None),
        "choice": Segment.RENDERING, "nested": [{"a": [{"b": {}}]}, []],
        "returned": Kind({"name": "名"}).data, "plain_dict": ReturnDict({"k": "v"}, serializer=None),
    }
    assert FastJSONRenderer().render(data) == drf_json(data)
    assert json.loads(FastJSONRenderer().render(data))["datetime_utc"].endswith("Z")  # DRF's, not orjson's +00:00
    assert FastJSONRenderer().render(None) == b""
    # What orjson refuses (an integer beyond 64 bits) or DRF's encoder must judge (a dataclass) is DRF's to write.
    assert FastJSONRenderer().render({"big": 2**70}) == drf_json({"big": 2**70})
    assert FastJSONRenderer().render([1], "application/json; indent=4") == JSONRenderer().render(
        [1], "application/json; indent=4")
    try:
        drf_json({"point": Point(1)})
    except TypeError:
        refused = True
    else:
        refused = False
    try:
        FastJSONRenderer().render({"point": Point(1)})
    except TypeError:
        assert refused
    else:
        assert not refused


def test_api_answers_are_drf_json(bureau_client):
    """Whole answers of the list and a record, written by the renderer the API uses, as DRF's renderer writes them."""
    park = ParkFactory()
    EnterpriseFactory.create_batch(3, park=park)
    EnterpriseFactory(park=None)
    for url in (reverse("api:enterprise-list"), reverse("api:enterprise-detail", args=[Enterprise.objects.first().pk])):
        answer = bureau_client.get(url)
        assert answer.status_code == 200
        assert answer.content == drf_json(answer.data)


def api_filtersets():
    """(resource, filterset class) of every API resource whose list filters through StrictFilterBackend."""
    from config.api.filters import StrictFilterBackend
    from config.api.urls import router

    found = []
    for prefix, viewset, _basename in router.registry:
        view = viewset()
        view.action, view.request, view.kwargs, view.format_kwarg = "list", None, {}, None
        if not any(issubclass(backend, StrictFilterBackend) for backend in view.filter_backends):
            continue
        queryset = viewset.queryset
        filterset_class = StrictFilterBackend().get_filterset_class(view, queryset)
        if filterset_class is not None:
            found.append((prefix, filterset_class, queryset))
    return found


def test_no_query_parameter_filters_nothing(db):
    """What lets StrictFilterBackend skip the filterset when a request has no query parameter: for every filterset of
    the API, empty data is valid and leaves the queryset as it was (the same SQL)."""
    import django_filters
    from django.http import QueryDict

    filtersets = api_filtersets()
    assert len(filtersets) >= 10
    for prefix, filterset_class, queryset in filtersets:
        filterset = filterset_class(data=QueryDict(), queryset=queryset.all())
        assert filterset.is_valid(), (prefix, filterset.errors)
        assert str(filterset.qs.query) == str(queryset.all().query), prefix
        # Every filter applied to its empty value, as django-filter applies them: what lets config.filters.FilterSet
        # skip a filter whose parameter is absent.
        applied = django_filters.FilterSet.filter_queryset(filterset, queryset.all())
        assert str(applied.query) == str(queryset.all().query), prefix


# Values each filter of every filterset is given alone and beside others: valid and invalid ones of every kind.
FILTER_VALUES = ("1", "abc", "", "2024", "2024-05-01", "2024-13-01", "true", "110105", "110105,110108", "11x",
                 "rendering", "数象", "-1", "1,2")


def test_filtersets_filter_and_refuse_as_django_filter_does(db):
    """config.filters.FilterSet (its form class built once, its fields shared, absent filters not applied) gives the
    SQL and the 400 field messages, in Chinese and English, that django-filter's own FilterSet gives, for every
    filter of every filterset of the API given alone or beside another."""
    from django.http import QueryDict
    from django.utils import translation
    from django_filters.filterset import BaseFilterSet

    from config.filters import GivenFieldsForm

    park = ParkFactory()
    EnterpriseFactory(park=park)
    for prefix, filterset_class, queryset in api_filtersets():
        names = list(filterset_class.base_filters)
        queries = [{name: value} for name in names for value in FILTER_VALUES]
        queries += [{first: "1", second: "abc"} for first, second in zip(names, names[1:], strict=False)]
        queries += [{name: ["1", "2"] for name in names}]
        for query in queries:
            data = QueryDict(mutable=True)
            for name, value in query.items():
                data.setlist(name, value if isinstance(value, list) else [value])
            ours = filterset_class(data=data, queryset=queryset.all())
            theirs = filterset_class.__new__(filterset_class)  # django-filter's own: filters deep-copied, a new form
            BaseFilterSet.__init__(theirs, data=data, queryset=queryset.all())
            theirs._form = BaseFilterSet.get_form_class(theirs)(data)
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    assert ours.is_valid() == theirs.is_valid(), (prefix, query)
                    assert ours.errors.get_json_data() == theirs.errors.get_json_data(), (prefix, query, language)
            if ours.is_valid():
                if isinstance(ours.form, GivenFieldsForm):  # only the filters given are cleaned
                    assert set(ours.form.cleaned_data) <= set(query), (prefix, query)
                expected = BaseFilterSet.filter_queryset(theirs, queryset.all())
                assert sql_of(ours.qs) == sql_of(expected), (prefix, query)


def sql_of(queryset) -> str:
    """The queryset's SQL, or "nothing" for a query that matches nothing (a value out of its column's range)."""
    from django.core.exceptions import EmptyResultSet

    try:
        return str(queryset.query)
    except EmptyResultSet:
        return "nothing"


def test_record_with_a_filter_parameter_is_still_filtered(bureau_client):
    """A record's GET with a filter that excludes it is still a 404, and an unknown parameter still a 400."""
    record = EnterpriseFactory(park=ParkFactory())
    url = reverse("api:enterprise-detail", args=[record.pk])
    assert bureau_client.get(url).status_code == 200
    assert bureau_client.get(url, {"park": ParkFactory().pk}).status_code == 404
    assert bureau_client.get(url, {"nonsense": "1"}).status_code == 400
