"""Plan progress for a signed-in account no role lets see the records (a user before any membership, or after
the last is removed): each metric's reads match nothing, and the one statement of the plan's reads (`_reads_sql`)
holds parts of no rows in their columns' types. It answers every figure as nothing (not a 500: an untyped empty
part compared a text column with a threshold), while the bureau's figures of the same world count."""

import pytest
from django.urls import reverse

from ..conftest import token_client
from ..factories import LabFactory, UserFactory, approved_filing, bureau_user, plan_targets

pytestmark = pytest.mark.django_db


def test_an_account_without_roles_reads_every_figure_as_nothing():
    plan_targets()
    approved_filing(year=2025)
    LabFactory()
    url = reverse("api:report-plan-progress")
    bureau = token_client(bureau_user()).get(url, {"year": 2025}).json()["results"]
    assert any(row["counted"] for row in bureau)
    client = token_client(UserFactory())
    client.raise_request_exception = False
    response = client.get(url, {"year": 2025})
    assert response.status_code == 200, response.content[:300]
    rows = response.json()["results"]
    assert [row["code"] for row in rows] == [row["code"] for row in bureau]
    for row in rows:
        assert (row["counted"], row["records"]) == (0, []), row
        assert all(category["count"] == 0 for category in row["breakdown"]), row
        assert row["actual"] in (None, "0.00"), row
