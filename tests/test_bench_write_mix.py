"""The benchmark's write-mix scenario (bench/write_mix.py) against a live server: its writers' accounts and records,
its three kinds of write through the API, and its check, which must find every write in the answer it moves and
call an answer that misses one stale."""

from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model

from bench.write_mix import (
    ENTERPRISE_USER,
    KINDS,
    LAYER,
    PARK_ADMIN,
    WRITES_PER_SECOND,
    Writer,
    new_outcome,
    percentile,
    prepare_writers,
)
from enterprises.choices import ChainPosition, FilingStatus
from enterprises.models import AnnualFiling, Enterprise, Tenancy
from tests.factories import EnterpriseFactory, ParkFactory, UnitFactory, approved_filing, bureau_user

pytestmark = pytest.mark.django_db(transaction=True)
WRITES = 2  # of each kind


def city():
    """Two parks of three free units, each with three enterprises that filed for 2024; two enterprises elsewhere."""
    bureau_user()
    parks = [ParkFactory(), ParkFactory()]
    for park in parks:
        for _ in range(3):
            UnitFactory(park=park)
            approved_filing(enterprise=EnterpriseFactory(park=park, district=park.district))
    elsewhere = ParkFactory()
    for _ in range(2):
        EnterpriseFactory(park=elsewhere, district=elsewhere.district, chain_position=ChainPosition.PLATFORM)
    return parks


def test_every_write_is_found_in_the_answer_it_moves(live_server):
    parks = city()
    pools = prepare_writers(size=WRITES)
    assert {park.pk for park in parks} == set(pools["tenants"])
    assert len(pools["filings"]) == WRITES == len(pools["enterprises"])
    writer = Writer(urlparse(live_server.url).port, pools)
    writer.read_bases()
    outcome = writer.run(WRITES * len(KINDS) / WRITES_PER_SECOND)  # open loop: writes of a kind may overlap

    assert outcome["failed"] == [] and outcome["stale"] == [] and outcome["wrong"] == []
    assert outcome["checked"] == WRITES * len(KINDS)
    # The writes are in the database, made by the users who may make them.
    users = {user.username: user for user in get_user_model().objects.filter(username__in=(PARK_ADMIN,
                                                                                            ENTERPRISE_USER))}
    assert Tenancy.objects.filter(unit_id__in=[unit for unit, _park in pools["units"]]).count() == WRITES
    assert AnnualFiling.objects.filter(pk__in=pools["filings"], status=FilingStatus.APPROVED,
                                       reviewed_by=users[PARK_ADMIN]).count() == WRITES
    assert Enterprise.objects.filter(pk__in=pools["enterprises"], chain_position=LAYER,
                                     memberships__user=users[ENTERPRISE_USER]).count() == WRITES


def test_an_answer_missing_a_write_is_stale_and_one_with_more_is_wrong(live_server):
    city()
    writer = Writer(urlparse(live_server.url).port, prepare_writers(size=WRITES))
    writer.read_bases()
    outcome = new_outcome()
    writer.write_and_check("profile", outcome)
    assert outcome["stale"] == [] and outcome["wrong"] == []

    writer.committed["profile", None] += 1  # a write the answer cannot show, since it was never made
    writer.check("profile", None, outcome)
    assert len(outcome["stale"]) == 1

    writer.committed["profile", None] -= 1
    Enterprise.objects.filter(pk=writer.pools["enterprises"][1]).update(chain_position=LAYER)  # not the writer's
    writer.check("profile", None, outcome)
    assert len(outcome["stale"]) == 1 and len(outcome["wrong"]) == 1


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert [percentile(values, share) for share in (0.5, 0.95, 0.99, 1.0)] == [50, 95, 99, 100]
    assert percentile([], 0.5) == 0.0
