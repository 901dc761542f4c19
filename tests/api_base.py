"""The generic API test class that every resource's tests inherit: CRUD, filters, scope and query counts."""

import pytest
from django.db import connection
from django.db.models import Manager
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.scoping import rule_of

from .budgets import BUDGETS
from .conftest import enterprise_user_client, park_admin_client


def as_written(value):
    """A field's value as a client writes it: nested records as their ids, numbers as strings."""
    if isinstance(value, dict):
        return str(value["id"])
    if isinstance(value, list):
        return sorted(as_written(v) for v in value)
    return value if value is None or isinstance(value, bool) else str(value)


def follow(obj, path: str):
    """The record reached from obj along a scope path ("pk" is obj itself; a to-many step takes the first)."""
    for step in path.split("__"):
        if step != "pk":
            obj = getattr(obj, step)
            if isinstance(obj, Manager):
                obj = obj.first()
        if obj is None:
            return None
    return obj


class APIResourceTests:
    """Subclass per resource and set: basename, factory, and the payload / filter methods.

    CRUD runs as bureau staff. `list_queries` is the locked number of queries of one list request by bureau
    staff (its budget in tests/budgets.py): the same for a page of 1 and of 23 records, each with related
    records of its own; a scoped user's count is constant too. Scope tests
    take the first park path and the first enterprise path of the model's scope rule.
    """

    basename: str
    factory: type
    ordering: str = "name"

    @pytest.fixture(autouse=True)
    def _database(self, db):
        """Every test of a resource uses the database."""

    @property
    def list_queries(self) -> int:
        """The list's query budget (tests/budgets.py)."""
        return BUDGETS[f"{self.basename}-list"]["get"]

    # --- per resource -------------------------------------------------------------------------------
    def create_payload(self) -> dict:
        """A valid body for POST."""
        raise NotImplementedError

    def update_payload(self, obj) -> dict:
        """A valid body for PATCH of `obj`."""
        raise NotImplementedError

    def invalid_payload(self) -> tuple[dict, str]:
        """A body for POST that must be refused, and the field the error must name."""
        raise NotImplementedError

    def filter_cases(self) -> list[tuple[dict, list, list]]:
        """(query parameters, records the filter must return, records it must leave out)."""
        return []

    # --- helpers ------------------------------------------------------------------------------------
    @property
    def model(self):
        return self.factory._meta.model

    def list_url(self) -> str:
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, obj) -> str:
        return reverse(f"api:{self.basename}-detail", args=[obj.pk])

    def member_clients(self, obj):
        """(role, client of a member whose scope reaches obj) for each role the model's scope rule has."""
        rule = rule_of(self.model)
        clients = []
        if rule.park and (park := follow(obj, rule.park[0])) is not None:
            clients.append(("park administrator", park_admin_client(park)))
        if rule.enterprise and (enterprise := follow(obj, rule.enterprise[0])) is not None:
            clients.append(("enterprise user", enterprise_user_client(enterprise)))
        return clients

    # --- tests --------------------------------------------------------------------------------------
    def test_anonymous_gets_401(self, anon_client):
        obj = self.factory()
        assert anon_client.get(self.list_url()).status_code == 401
        assert anon_client.get(self.detail_url(obj)).status_code == 401
        assert anon_client.post(self.list_url(), self.create_payload(), format="json").status_code == 401
        assert anon_client.delete(self.detail_url(obj)).status_code == 401
        assert self.model.objects.filter(pk=obj.pk).exists()

    def test_list_counts_and_pages(self, bureau_client):
        objs = self.factory.create_batch(3)
        response = bureau_client.get(self.list_url(), {"page_size": 2, "ordering": self.ordering})
        assert response.status_code == 200, response.data
        assert response.data["count"] == self.model.objects.count() >= 3
        assert len(response.data["results"]) == 2
        assert response.data["next"] is not None
        everything = bureau_client.get(self.list_url(), {"page_size": 1000}).data["results"]
        assert {o.pk for o in objs} <= {row["id"] for row in everything}

    def test_list_query_count_is_constant(self, bureau_client, django_assert_num_queries):
        first = self.factory()
        members = self.member_clients(first)
        with django_assert_num_queries(self.list_queries):
            assert bureau_client.get(self.list_url(), {"page_size": 1}).status_code == 200
        counts = {}
        for role, client in members:
            with CaptureQueriesContext(connection) as captured:
                client.get(self.list_url(), {"page_size": 1})
            counts[role] = len(captured)
        self.factory.create_batch(22)
        with django_assert_num_queries(self.list_queries):
            response = bureau_client.get(self.list_url(), {"page_size": 1000})
        assert len(response.data["results"]) == self.model.objects.count() >= 23
        for role, client in members:
            client.user._scope = None
            with django_assert_num_queries(counts[role]):
                client.get(self.list_url(), {"page_size": 1000})

    def test_members_see_their_scope_only(self):
        inside, outside = self.factory(), self.factory()
        members = self.member_clients(inside)
        for role, client in members:
            response = client.get(self.list_url(), {"page_size": 1000})
            ids = {row["id"] for row in response.data["results"]}
            assert inside.pk in ids and outside.pk not in ids, role
            assert response.data["count"] == len(ids), role
            assert client.get(self.detail_url(inside)).status_code == 200, role
            assert client.get(self.detail_url(outside)).status_code == 404, role

    def test_account_without_role_sees_nothing_and_writes_nothing(self, user_client):
        obj = self.factory()
        if rule_of(self.model).authenticated:
            assert user_client.get(self.detail_url(obj)).status_code == 200
        else:
            assert user_client.get(self.list_url()).data["count"] == 0
            assert user_client.get(self.detail_url(obj)).status_code == 404
        before = self.model.objects.count()
        assert user_client.post(self.list_url(), self.create_payload(), format="json").status_code == 403
        assert user_client.delete(self.detail_url(obj)).status_code == 403
        assert self.model.objects.count() == before

    def test_oversize_page_is_refused(self, bureau_client):
        response = bureau_client.get(self.list_url(), {"page_size": 100000})
        assert response.status_code == 400
        assert "page_size" in response.data

    def test_unknown_query_parameter_is_refused(self, bureau_client):
        response = bureau_client.get(self.list_url(), {"colour": "blue"})
        assert response.status_code == 400
        assert "colour" in response.data

    def test_retrieve(self, bureau_client):
        obj = self.factory()
        response = bureau_client.get(self.detail_url(obj))
        assert response.status_code == 200
        assert response.data["id"] == obj.pk
        assert response.data["url"].endswith(self.detail_url(obj))

    def test_create(self, bureau_client):
        payload = self.create_payload()
        before = self.model.objects.count()
        response = bureau_client.post(self.list_url(), payload, format="json")
        assert response.status_code == 201, response.data
        assert self.model.objects.count() == before + 1
        fresh = bureau_client.get(self.detail_url(self.model.objects.get(pk=response.data["id"]))).data
        for key, value in payload.items():
            assert as_written(fresh[key]) == as_written(value), key

    def test_invalid_create_is_refused_and_writes_nothing(self, bureau_client):
        payload, field = self.invalid_payload()
        before = self.model.objects.count()
        response = bureau_client.post(self.list_url(), payload, format="json")
        assert response.status_code == 400
        assert field in response.data, response.data
        assert all(isinstance(m, str) and m for m in response.data[field])
        assert self.model.objects.count() == before

    def test_unknown_field_is_refused(self, bureau_client):
        before = self.model.objects.count()
        response = bureau_client.post(self.list_url(), {**self.create_payload(), "is_admin": True}, format="json")
        assert response.status_code == 400
        assert "is_admin" in response.data
        assert self.model.objects.count() == before

    def test_update(self, bureau_client):
        obj = self.factory()
        payload = self.update_payload(obj)
        response = bureau_client.patch(self.detail_url(obj), payload, format="json")
        assert response.status_code == 200, response.data
        fresh = bureau_client.get(self.detail_url(obj)).data
        for key, value in payload.items():
            assert as_written(fresh[key]) == as_written(value), key

    def test_delete(self, bureau_client):
        obj = self.factory()
        assert bureau_client.delete(self.detail_url(obj)).status_code == 204
        assert not self.model.objects.filter(pk=obj.pk).exists()
        assert bureau_client.get(self.detail_url(obj)).status_code == 404

    def test_history_records_who_and_from_where(self, bureau_client):
        obj = self.factory()
        bureau_client.patch(self.detail_url(obj), self.update_payload(obj), format="json")
        records = bureau_client.get(self.detail_url(obj) + "history/").data
        types = [r["type"] for r in records]
        assert types[0] == "created" and set(types[1:]) == {"changed"}, types
        change = records[-1]
        assert change["user"] == bureau_client.user.username
        assert change["source"] == "api" and change["origin"].startswith("PATCH /api/v1/")
        assert change["changes"], change

    def test_filters(self, bureau_client):
        for params, included, excluded in self.filter_cases():
            response = bureau_client.get(self.list_url(), {**params, "page_size": 1000})
            assert response.status_code == 200, (params, response.data)
            ids = {row["id"] for row in response.data["results"]}
            assert {o.pk for o in included} <= ids, params
            assert not ids & {o.pk for o in excluded}, params

    def test_ordering(self, bureau_client):
        self.factory.create_batch(3)
        up = [r["id"] for r in bureau_client.get(self.list_url(), {"ordering": self.ordering}).data["results"]]
        down = [r["id"] for r in bureau_client.get(self.list_url(), {"ordering": f"-{self.ordering}"}).data["results"]]
        assert len(up) >= 3
        assert up != down
