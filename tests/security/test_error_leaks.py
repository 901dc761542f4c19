"""Validation errors that name records outside the scope.

The attacks, as P1's administrator: let a unit of P2 (already let) over the API, and read P2's tenant and its
tenancy id in the overlap message; import tenancies naming P2's units, and learn from the row errors which units
exist there (an existing unit answered otherwise than a made-up one)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.models import Tenancy, overlap_message

from ..conftest import token_client
from ..factories import (
    EnterpriseFactory,
    ParkMembershipFactory,
    TenancyFactory,
    UnitFactory,
    bureau_user,
)
from ..worlds import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def p2_let():
    """P2's unit let to its tenant, and P1's administrator with an enterprise of P1."""
    world = build_world(admins=(1, 0), enterprises=(1, 0))
    (p1, p2), admin = world.parks, world.admin(0)
    unit = UnitFactory(park=p2, building="B", floor="3", room="301")
    tenant = EnterpriseFactory(park=p2, name="乙园区机密租户有限公司", short_name="机密租户")
    held = TenancyFactory(unit=unit, enterprise=tenant, start=datetime.date(2024, 1, 1))
    return {"p1": p1, "p2": p2, "unit": unit, "tenant": tenant, "held": held, "admin": admin,
            "client": token_client(admin), "mine": world.enterprise(0)}


def names_nothing(text: str, p2_let) -> None:
    """The text names neither P2's tenant nor its tenancy."""
    assert "机密租户" not in text, text
    assert f"({p2_let['held'].pk})" not in text and f" {p2_let['held'].pk})" not in text, text


def test_an_overlap_on_another_parks_unit_names_nothing(p2_let):
    response = p2_let["client"].post(reverse("api:tenancy-list"), {
        "unit": p2_let["unit"].pk, "enterprise": p2_let["mine"].pk, "start": "2025-01-01"}, format="json")
    assert response.status_code == 400
    names_nothing(response.content.decode(), p2_let)
    assert Tenancy.objects.filter(unit=p2_let["unit"]).count() == 1


def test_moving_a_tenancy_onto_another_parks_unit_names_nothing(p2_let):
    own = TenancyFactory(unit=UnitFactory(park=p2_let["p1"]), enterprise=p2_let["mine"],
                         start=datetime.date(2025, 1, 1))
    response = p2_let["client"].patch(reverse("api:tenancy-detail", args=[own.pk]), {"unit": p2_let["unit"].pk},
                                      format="json")
    assert response.status_code == 400
    names_nothing(response.content.decode(), p2_let)


def test_the_import_does_not_tell_which_units_exist_elsewhere(p2_let):
    """A row naming P2's real (let) unit and one naming a made-up unit of P2 are refused alike."""
    code, p2 = p2_let["mine"].credit_code, p2_let["p2"].name
    csv = ("统一社会信用代码,园区,楼栋,楼层,房间号,起租日期\n"
           f"{code},{p2},B,3,301,2025-01-01\n"
           f"{code},{p2},Z,9,999,2025-01-01\n")
    response = p2_let["client"].post(reverse("api:import-list"), {
        "kind": "tenancies", "file": SimpleUploadedFile("t.csv", csv.encode())}, format="multipart")
    assert response.status_code == 400
    errors = response.json()["errors"]
    names_nothing(str(errors), p2_let)
    by_row = {row: sorted((e["field"], e["message"]) for e in errors if e["row"] == row) for row in (2, 3)}
    assert by_row[2] == by_row[3], by_row
    assert Tenancy.objects.filter(unit=p2_let["unit"]).count() == 1


def test_the_overlap_message_names_the_clash_only_to_who_may_see_it(p2_let):
    """The bureau (and P2's administrator) are told which tenancy holds the unit; P1's administrator is not."""
    held = p2_let["held"]
    assert "机密租户" in overlap_message(held, user=bureau_user())
    assert "机密租户" in overlap_message(held, user=ParkMembershipFactory(park=p2_let["p2"]).user)
    names_nothing(overlap_message(held, user=p2_let["admin"]), p2_let)
