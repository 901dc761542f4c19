"""The tier-candidate report's place filters return exactly the candidates placed there: a non-empty set, equal to
the one worked out here, for every park and district (an empty answer is never taken as right)."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise

from ..conftest import token_client
from ..factories import bureau_user
from ..test_tier_summary import YEAR, tier_world

URL = reverse("api:report-tier-candidates")


def ids(client, **params) -> set[int]:
    response = client.get(URL, {"year": YEAR, "page_size": 1000, **params})
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
def test_place_filters_return_the_candidates_placed_there():
    parks = tier_world()
    client = token_client(bureau_user())
    everyone = ids(client)
    assert len(everyone) >= 4
    # Where each candidate is placed: the park and district of its filing of the year (else its own).
    placed = {e.pk: ((e.filings.get(year=YEAR).park_id or e.park_id),
                     (e.filings.get(year=YEAR).district_id or e.district_id))
              for e in Enterprise.objects.filter(pk__in=everyone)}
    seen_parks = set()
    for park in parks:
        expected = {pk for pk, (park_id, _district) in placed.items() if park_id == park.pk}
        assert ids(client, park=[park.pk]) == expected
        seen_parks |= {park.pk} if expected else set()
    assert len(seen_parks) >= 2  # at least two parks hold candidates
    for district in {park.district_id for park in parks}:
        expected = {pk for pk, (_park, district_id) in placed.items() if district_id == district}
        assert expected and ids(client, district=[district]) == expected
    both = {pk for pk, (park_id, _d) in placed.items() if park_id in (parks[0].pk, parks[2].pk)}
    assert ids(client, park=[parks[0].pk, parks[2].pk]) == both
