"""The generic API test class that every resource's tests inherit: CRUD, filters, scope and query counts."""

import pytest
from django.urls import reverse


def as_written(value):
    """A field's value as a client writes it: nested records as their ids, numbers as strings."""
    if isinstance(value, dict):
        return str(value["id"])
    if isinstance(value, list):
        return sorted(as_written(v) for v in value)
    return value if value is None or isinstance(value, bool) else str(value)


class APIResourceTests:
    """Subclass per resource and set: basename, factory, list_queries, and the payload / filter methods.

    `list_queries` is the locked number of queries of one list request (token authentication included):
    it must be the same for a page of 1 and a page of 23 records, each with related records of its own.
    """

    basename: str
    factory: type
    list_queries: int
    ordering: str = "name"

    @pytest.fixture(autouse=True)
    def _database(self, db):
        """Every test of a resource uses the database."""

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

    # --- tests --------------------------------------------------------------------------------------
    def test_anonymous_gets_401(self, anon_client):
        obj = self.factory()
        assert anon_client.get(self.list_url()).status_code == 401
        assert anon_client.get(self.detail_url(obj)).status_code == 401
        assert anon_client.post(self.list_url(), self.create_payload(), format="json").status_code == 401
        assert anon_client.delete(self.detail_url(obj)).status_code == 401
        assert self.model.objects.filter(pk=obj.pk).exists()

    def test_list_counts_and_pages(self, user_client):
        objs = self.factory.create_batch(3)
        response = user_client.get(self.list_url(), {"page_size": 2, "ordering": self.ordering})
        assert response.status_code == 200, response.data
        assert response.data["count"] == self.model.objects.count() >= 3
        assert len(response.data["results"]) == 2
        assert response.data["next"] is not None
        everything = user_client.get(self.list_url(), {"page_size": 1000}).data["results"]
        assert {o.pk for o in objs} <= {row["id"] for row in everything}

    def test_list_query_count_is_constant(self, user_client, django_assert_num_queries):
        self.factory.create_batch(1)
        with django_assert_num_queries(self.list_queries):
            assert user_client.get(self.list_url(), {"page_size": 1}).status_code == 200
        self.factory.create_batch(22)
        with django_assert_num_queries(self.list_queries):
            response = user_client.get(self.list_url(), {"page_size": 1000})
        assert len(response.data["results"]) == self.model.objects.count() >= 23

    def test_oversize_page_is_refused(self, user_client):
        response = user_client.get(self.list_url(), {"page_size": 100000})
        assert response.status_code == 400
        assert "page_size" in response.data

    def test_retrieve(self, user_client):
        obj = self.factory()
        response = user_client.get(self.detail_url(obj))
        assert response.status_code == 200
        assert response.data["id"] == obj.pk
        assert response.data["url"].endswith(self.detail_url(obj))

    def test_create(self, staff_client):
        payload = self.create_payload()
        before = self.model.objects.count()
        response = staff_client.post(self.list_url(), payload, format="json")
        assert response.status_code == 201, response.data
        assert self.model.objects.count() == before + 1
        fresh = staff_client.get(self.detail_url(self.model.objects.get(pk=response.data["id"]))).data
        for key, value in payload.items():
            assert as_written(fresh[key]) == as_written(value), key

    def test_create_needs_staff(self, user_client):
        before = self.model.objects.count()
        response = user_client.post(self.list_url(), self.create_payload(), format="json")
        assert response.status_code == 403
        assert self.model.objects.count() == before

    def test_invalid_create_is_refused_and_writes_nothing(self, staff_client):
        payload, field = self.invalid_payload()
        before = self.model.objects.count()
        response = staff_client.post(self.list_url(), payload, format="json")
        assert response.status_code == 400
        assert field in response.data, response.data
        assert all(isinstance(m, str) and m for m in response.data[field])
        assert self.model.objects.count() == before

    def test_update(self, staff_client):
        obj = self.factory()
        payload = self.update_payload(obj)
        response = staff_client.patch(self.detail_url(obj), payload, format="json")
        assert response.status_code == 200, response.data
        fresh = staff_client.get(self.detail_url(obj)).data
        for key, value in payload.items():
            assert as_written(fresh[key]) == as_written(value), key

    def test_update_needs_staff(self, user_client):
        obj = self.factory()
        response = user_client.patch(self.detail_url(obj), self.update_payload(obj), format="json")
        assert response.status_code == 403

    def test_delete(self, staff_client, user_client):
        obj = self.factory()
        assert user_client.delete(self.detail_url(obj)).status_code == 403
        assert staff_client.delete(self.detail_url(obj)).status_code == 204
        assert not self.model.objects.filter(pk=obj.pk).exists()
        assert staff_client.get(self.detail_url(obj)).status_code == 404

    def test_filters(self, user_client):
        for params, included, excluded in self.filter_cases():
            response = user_client.get(self.list_url(), {**params, "page_size": 1000})
            assert response.status_code == 200, (params, response.data)
            ids = {row["id"] for row in response.data["results"]}
            assert {o.pk for o in included} <= ids, params
            assert not ids & {o.pk for o in excluded}, params

    def test_ordering(self, user_client):
        self.factory.create_batch(3)
        up = [r["id"] for r in user_client.get(self.list_url(), {"ordering": self.ordering}).data["results"]]
        down = [r["id"] for r in user_client.get(self.list_url(), {"ordering": f"-{self.ordering}"}).data["results"]]
        assert len(up) >= 3
        assert up != down
