"""The write that would leave the writer's scope is refused and nothing of it stays, by a transaction of the base
viewset's own (config.api.viewsets), whether or not the request runs in one (ATOMIC_REQUESTS).

The API's inputs already refuse a record outside one's scope (400), so the re-check after the save is reached only
when an input lets one through; the probe below is such an input: a unit's park taken from every park. It runs
through Django's whole request handler on a committing database, once with ATOMIC_REQUESTS off and once on.
"""

import datetime

import pytest
from django.db import connection
from django.urls import path
from django.utils import timezone
from rest_framework import serializers

from config.api.viewsets import ScopedModelViewSet
from parks.models import Park, Unit

from .conftest import park_admin_client
from .factories import ParkFactory, UnitFactory


class UnitParkProbeSerializer(serializers.ModelSerializer):
    """A unit's park, named among every park: an input that does not check the writer's scope."""

    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all())

    class Meta:
        model = Unit
        fields = ["id", "park", "room"]


class UnitParkProbeViewSet(ScopedModelViewSet):
    """The base viewset over units with the probe's input."""

    queryset = Unit.objects.all()
    serializer_class = UnitParkProbeSerializer


urlpatterns = [path("probe/units/<int:pk>/", UnitParkProbeViewSet.as_view({"patch": "partial_update"}))]


@pytest.fixture(params=[False, True], ids=["ATOMIC_REQUESTS off", "ATOMIC_REQUESTS on"])
def atomic_requests(request):
    """The connection's ATOMIC_REQUESTS set for the test, restored after it."""
    settings_dict = connection.settings_dict
    before = settings_dict["ATOMIC_REQUESTS"]
    settings_dict["ATOMIC_REQUESTS"] = request.param
    yield request.param
    settings_dict["ATOMIC_REQUESTS"] = before


def future_unit(park) -> Unit:
    """A unit of the park leasable only from next month (so nothing but scope keeps it in its park)."""
    return UnitFactory(park=park, opened_on=timezone.localdate() + datetime.timedelta(days=30))


@pytest.mark.urls("tests.test_scope_transaction")
def test_a_write_leaving_the_writers_scope_is_rolled_back(transactional_db, atomic_requests):
    """A park administrator moving a unit of their park to another park gets 403, and the unit, its room included,
    is as it was in the database (read on a fresh query after the request)."""
    home, elsewhere = ParkFactory(), ParkFactory()
    unit = future_unit(home)
    client = park_admin_client(home)
    response = client.patch(f"/probe/units/{unit.pk}/", {"park": elsewhere.pk, "room": "999"}, format="json")
    assert response.status_code == 403, response.content
    stored = Unit.objects.values("park_id", "room").get(pk=unit.pk)
    assert stored == {"park_id": home.pk, "room": unit.room}
    assert connection.settings_dict["ATOMIC_REQUESTS"] is atomic_requests


@pytest.mark.urls("tests.test_scope_transaction")
def test_a_write_staying_in_scope_is_committed(transactional_db, atomic_requests):
    """The same probe within the writer's scope saves: the refusal above comes from the scope, not the probe."""
    home = ParkFactory()
    unit = future_unit(home)
    client = park_admin_client(home)
    response = client.patch(f"/probe/units/{unit.pk}/", {"room": "999"}, format="json")
    assert response.status_code == 200, response.content
    assert Unit.objects.values_list("room", flat=True).get(pk=unit.pk) == "999"
