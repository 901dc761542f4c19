"""Labs in operation are counted (a non-zero expectation): the plan's labs target and the district overview count
the labs active and established by the date, and none other."""

import datetime

import pytest

from registry.choices import LabKind, OperatingStatus, TargetMetric

from ..conftest import token_client
from ..factories import LabFactory, PlanTargetFactory, bureau_user
from ..worlds import build_world

ON = datetime.date(2024, 12, 31)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_labs_in_operation_are_counted(role):
    world = build_world(parks=1)
    park = world.parks[0]
    counted = [
        LabFactory(park=park, kind=LabKind.JOINT_LAB, established=datetime.date(2023, 5, 1)),
        LabFactory(park=park, kind=LabKind.INNOVATION_CENTRE, established=None),
        LabFactory(park=park, kind=LabKind.JOINT_LAB, established=ON),
    ]
    LabFactory(park=park, established=datetime.date(2025, 1, 1))  # not yet established on the date
    LabFactory(park=park, status=OperatingStatus.CLOSED, established=datetime.date(2023, 5, 1))
    LabFactory(park=park, status=OperatingStatus.PLANNED, established=None)
    PlanTargetFactory(code="labs", metric=TargetMetric.LABS, goal=3)
    client = token_client(bureau_user()) if role == "bureau" else token_client(world.admin(0))
    row = client.get("/api/v1/reports/plan-progress/", {"year": 2024, "as_of": ON.isoformat()}).json()["results"][0]
    assert (row["actual"], row["counted"], row["met"]) == ("3.00", 3, True)
    assert {record["id"] for record in row["records"]} == {lab.pk for lab in counted}
    assert {item["key"]: item["count"] for item in row["breakdown"]} == {"joint_lab": 2, "innovation_centre": 1}
    districts = client.get("/api/v1/reports/districts/", {"year": 2024, "as_of": ON.isoformat()}).json()["results"]
    assert next(row["labs"] for row in districts if row["district"] == park.district_id) == 3
    before = client.get("/api/v1/reports/plan-progress/", {"year": 2024, "as_of": "2023-12-31"}).json()
    assert before["results"][0]["actual"] == "2.00"  # established in 2023, and the one with no date recorded
