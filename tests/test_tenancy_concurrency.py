"""Concurrent requests for one unit over overlapping dates: exactly one wins, the others get a 400 naming it."""


import pytest
from django.urls import reverse

from enterprises.models import Tenancy

from .conftest import token_client
from .factories import EnterpriseFactory, UnitFactory, bureau_user
from .threads import in_threads

ATTEMPTS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_requests_one_wins():
    unit = UnitFactory()
    enterprises = EnterpriseFactory.create_batch(ATTEMPTS)
    clients = [token_client(bureau_user()) for _ in range(ATTEMPTS)]

    def attempt(i):
        body = {"unit": unit.pk, "enterprise": enterprises[i].pk, "start": f"2025-0{1 + i % 6}-01",
                "end": "2027-01-01"}
        return clients[i].post(reverse("api:tenancy-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    responses = in_threads(attempt, ATTEMPTS)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [400] * (ATTEMPTS - 1), [r.data for r in responses]
    (winner,) = Tenancy.objects.all()
    for response in responses:
        if response.status_code == 400:
            assert f"(tenancy {winner.pk})" in response.data["start"][0], response.data
