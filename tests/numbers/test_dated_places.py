"""Reports of a past date depend only on what was true then, for places too: a unit added, re-sized or closed today,
a park created today, an enterprise or a park moving district today leave last year's district overview, park
report and occupancy exactly as they were, and count from today. A lab reopened, or an enterprise back in Beijing,
keeps the gap: a day inside the earlier closure stays out of effect."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from config.as_of import as_of, changed_since
from enterprises.choices import EnterpriseStatus, Tier
from enterprises.models import Enterprise
from parks.models import Park, Unit
from registry.choices import OperatingStatus
from registry.models import Lab

from ..conftest import token_client
from ..factories import (
    DistrictFactory,
    EnterpriseFactory,
    LabFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    bureau_user,
)
from ..report_tables import figures
from ..worlds import build_world

YEAR = 2024
ON = datetime.date(2024, 12, 31)
DATE = "as_of"  # the reports' date parameter


def places_world():
    """Two districts with a park each; three units (two let), two enterprises, a designation and a lab outside any
    park (counted in its host's district); a third district, empty. The districts, parks and enterprises come from
    tests/worlds.py; the units, tenancies and dates on top are what the cases turn on."""
    base = build_world(parks=2, admins=0, districts=2, enterprises=1, local=True)
    districts, parks = [*base.districts, DistrictFactory()], base.parks
    units = [UnitFactory(park=parks[0], area=Decimal("100.00")), UnitFactory(park=parks[0], area=Decimal("50.00")),
             UnitFactory(park=parks[1], area=Decimal("80.00"))]
    firms = [base.enterprise(0), base.enterprise(1)]
    TenancyFactory(unit=units[0], enterprise=firms[0], start=datetime.date(2024, 1, 1), end=None)
    TenancyFactory(unit=units[2], enterprise=firms[1], start=datetime.date(2023, 6, 1),
                   end=datetime.date(2025, 3, 1))
    TierDesignationFactory(enterprise=firms[0], tier=Tier.INNOVATIVE, granted_on=datetime.date(2024, 3, 1), year=2024)
    LabFactory(host=firms[1], park=None, status=OperatingStatus.ACTIVE, established=datetime.date(2022, 1, 1))
    return {"districts": districts, "parks": parks, "units": units, "firms": firms}


def answers(client, world, on=ON) -> dict:
    """The whole answer of every dated report of places as of a date: district overview, park report (the year up
    to the date) and the occupancy of each park and district."""
    got = {}
    for name, url, query in (
        ("districts", reverse("api:report-districts"), {"year": YEAR, DATE: on.isoformat()}),
        ("parks", reverse("api:report-parks"), {DATE: on.isoformat(), "start": f"{on.year}-01-01",
                                                "end": on.isoformat(), "year": YEAR}),
    ):
        response = client.get(url, query)
        assert response.status_code == 200, response.content[:300]
        got[name] = figures(response.json())
    for park in world["parks"]:
        got[f"park {park.pk}"] = client.get(reverse("api:park-occupancy", args=[park.pk]),
                                            {DATE: on.isoformat()}).json()
    for district in world["districts"]:
        got[f"district {district.pk}"] = client.get(reverse("api:district-occupancy", args=[district.pk]),
                                                    {DATE: on.isoformat()}).json()
    return got


def district_row(got, district) -> dict:
    return next(row for row in got["districts"]["results"] if row["district"] == district.pk)


def send(client, method: str, url: str, body=None, status=200) -> dict:
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == status, response.content[:300]
    return response.json() if response.content else {}


CHANGES = {
    "unit added": lambda c, w: send(c, "post", reverse("api:unit-list"), {
        "park": w["parks"][0].pk, "building": "B", "floor": "2", "room": "201", "area": "300.00"}, 201),
    "unit re-sized": lambda c, w: send(c, "patch", reverse("api:unit-detail", args=[w["units"][0].pk]),
                                       {"area": "400.00"}),
    "unit closed": lambda c, w: send(c, "patch", reverse("api:unit-detail", args=[w["units"][1].pk]),
                                     {"closed_on": timezone.localdate().isoformat()}),
    "park created": lambda c, w: send(c, "post", reverse("api:park-list"), {
        "name": "新园区", "district": w["districts"][2].pk}, 201),
    "enterprise moves district": lambda c, w: send(c, "patch", reverse(
        "api:enterprise-detail", args=[w["firms"][0].pk]), {"district": w["districts"][2].pk}),
    "enterprise renamed": lambda c, w: send(c, "patch", reverse("api:enterprise-detail", args=[w["firms"][0].pk]),
                                            {"short_name": "更名"}),
    "enterprise hosting a lab moves district": lambda c, w: send(c, "patch", reverse(
        "api:enterprise-detail", args=[w["firms"][1].pk]), {"district": w["districts"][2].pk}),
    "park moves district": lambda c, w: send(c, "patch", reverse("api:park-detail", args=[w["parks"][1].pk]),
                                             {"district": w["districts"][2].pk}),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_place_changed_today_leaves_last_years_reports_unchanged(db, change):
    world = places_world()
    client = token_client(bureau_user())
    before = answers(client, world)
    first = district_row(before, world["districts"][0])
    assert first["leasable_area"] == "150.00" and first["let_area"] == "100.00" and first["enterprises"] == 1
    assert district_row(before, world["districts"][1])["labs"] == 1
    CHANGES[change](client, world)
    assert answers(client, world) == before


def test_with_no_change_recorded_since_the_date_the_history_is_not_read_and_nothing_moves(db, settings):
    """`changed_since` names the models of which a record's district (a unit's area) held another value at the end of
    the day than today; where none has, the district overview reads today's values as plain columns, and answers
    exactly what reading the history answered."""
    settings.REPORT_CACHE = False  # every answer computed: the history rows below are moved without a write's version
    world = places_world()
    client = token_client(bureau_user())
    read_from_history = answers(client, world)  # the world was recorded today: after ON, so the history is read
    places = ((Park, "district"), (Unit, "area"), (Enterprise, "district"))
    # entered today: each reads the value it was first recorded with, today's
    assert changed_since(places, on=ON) == changed_since(places, on=timezone.localdate()) == frozenset()
    for model, _field in places:  # as if every record had been entered before the date
        model.history.model.objects.update(history_date=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC))
    assert changed_since(places, on=ON) == frozenset()
    assert answers(client, world) == read_from_history
    CHANGES["enterprise renamed"](client, world)  # recorded today, the district kept: nothing to read
    assert changed_since(places, on=ON) == frozenset()
    assert answers(client, world) == read_from_history
    CHANGES["enterprise moves district"](client, world)  # recorded today: the enterprises' history is read again
    assert changed_since(places, on=ON) == {Enterprise}
    assert answers(client, world) == read_from_history
    today = district_row(answers(client, world, on=timezone.localdate()), world["districts"][2])
    assert today["enterprises"] == 1  # counted in its new district from today


def test_a_place_changed_today_counts_from_today(db):
    """The changes are not lost: a report of today shows them."""
    world = places_world()
    client = token_client(bureau_user())
    for change in ("unit added", "unit re-sized", "unit closed", "park created", "enterprise moves district"):
        CHANGES[change](client, world)
    today = timezone.localdate()
    got = answers(client, world, on=today)
    first, third = district_row(got, world["districts"][0]), district_row(got, world["districts"][2])
    assert first["leasable_area"] == "700.00"  # 400 (re-sized) + 300 (added); the 50 m² unit closed today
    assert first["enterprises"] == 0 and third["enterprises"] == 1 and third["parks"] == 1
    assert third["designated_innovative"] == 1 and first["designated_innovative"] == 0


def test_a_unit_counted_in_earlier_reports_is_closed_not_deleted(db):
    world = places_world()
    client = token_client(bureau_user())
    unit = world["units"][1]
    body = send(client, "delete", reverse("api:unit-detail", args=[unit.pk]), status=400)
    assert list(body) == ["closed_on"]
    assert Unit.objects.filter(pk=unit.pk).exists()
    added = send(client, "post", reverse("api:unit-list"), {
        "park": world["parks"][0].pk, "building": "C", "floor": "1", "room": "1", "area": "10.00"}, 201)
    assert added["opened_on"] == timezone.localdate().isoformat()  # never counted before today: may go
    send(client, "delete", reverse("api:unit-detail", args=[added["id"]]), status=204)


def test_a_unit_closes_only_after_its_tenancies(db):
    world = places_world()
    client = token_client(bureau_user())
    body = send(client, "patch", reverse("api:unit-detail", args=[world["units"][0].pk]),
                {"closed_on": "2025-01-01"}, status=400)
    assert list(body) == ["closed_on"]


def test_a_tenancy_before_a_units_opening_dates_the_unit_back(db):
    """A unit added today and let from an earlier day was leasable then: it and its park count from that day."""
    world = places_world()
    client = token_client(bureau_user())
    park = send(client, "post", reverse("api:park-list"), {"name": "后补园区", "district": world["districts"][2].pk},
                201)
    unit = send(client, "post", reverse("api:unit-list"), {
        "park": park["id"], "building": "A", "floor": "1", "room": "1", "area": "60.00"}, 201)
    send(client, "post", reverse("api:tenancy-list"), {
        "unit": unit["id"], "enterprise": world["firms"][1].pk, "start": "2024-05-01"}, 201)
    assert Unit.objects.get(pk=unit["id"]).opened_on == Park.objects.get(pk=park["id"]).opened_on \
        == datetime.date(2024, 5, 1)
    third = district_row(answers(client, world), world["districts"][2])
    assert (third["parks"], third["leasable_area"], third["let_area"]) == (1, "60.00", "60.00")


# --- one name for the date ------------------------------------------------------------------------------------------
def test_every_dated_report_names_its_date_as_of(db):
    """as_of in every report with a date (the basis names it so); the old names still read, never both at once."""
    world = places_world()
    client = token_client(bureau_user())
    day = "2024-06-30"
    firm, park, district = world["firms"][0], world["parks"][0], world["districts"][0]
    reports = [  # (address, the name the date had before, where the answer states the date)
        (reverse("api:report-districts"), "on", lambda body: body["basis"]["as_of"]),
        (reverse("api:report-parks"), "on", lambda body: body["basis"]["as_of"]),
        (reverse("api:report-plan-progress"), None, lambda body: body["basis"]["as_of"]),
        (reverse("api:park-occupancy", args=[park.pk]), "date", lambda body: body["date"]),
        (reverse("api:district-occupancy", args=[district.pk]), "date", lambda body: body["date"]),
        (reverse("api:enterprise-assessment", args=[firm.pk]), None, lambda body: body["basis"]["as_of"]),
    ]
    for url, old, stated in reports:
        answer = client.get(url, {DATE: day})
        assert answer.status_code == 200, (url, answer.content[:300])
        assert stated(answer.json()) == day, url
        if old:
            assert client.get(url, {old: day}).json() == answer.json(), url
            both = client.get(url, {DATE: day, old: day})
            assert both.status_code == 400 and list(both.json()) == [old], url


# --- gaps: back in effect after an end ------------------------------------------------------------------------------
GAP_DAY = datetime.date(2023, 6, 30)  # inside the earlier closure


def test_a_reopened_lab_is_not_in_operation_inside_its_earlier_closure(db):
    world = places_world()
    lab = LabFactory(host=world["firms"][0], status=OperatingStatus.CLOSED, established=datetime.date(2022, 1, 1),
                     closed_on=datetime.date(2023, 1, 1))
    client = token_client(bureau_user())
    before = figures(client.get(reverse("api:report-districts"), {"year": 2023, DATE: GAP_DAY.isoformat()}).json())
    assert district_row({"districts": before}, world["districts"][0])["labs"] == 0
    body = send(client, "patch", reverse("api:lab-detail", args=[lab.pk]), {"status": OperatingStatus.ACTIVE})
    assert body["closed_on"] is None
    today = timezone.localdate()
    in_operation = set(as_of(Lab.objects.filter(pk=lab.pk), on=GAP_DAY)) | set(
        as_of(Lab.objects.filter(pk=lab.pk), on=datetime.date(2022, 12, 31)))
    assert [*in_operation] == [lab]  # before the closure, not inside it
    assert not as_of(Lab.objects.filter(pk=lab.pk), on=GAP_DAY).exists()
    assert not as_of(Lab.objects.filter(pk=lab.pk), on=today - datetime.timedelta(days=1)).exists()
    assert as_of(Lab.objects.filter(pk=lab.pk), on=today).exists()
    lab.refresh_from_db()
    assert [(gap.lower, gap.upper) for gap in lab.gaps] == [(datetime.date(2023, 1, 1), today)]
    after = figures(client.get(reverse("api:report-districts"), {"year": 2023, DATE: GAP_DAY.isoformat()}).json())
    assert after == before


def test_an_enterprise_back_in_beijing_is_not_active_inside_its_absence(db):
    firm = EnterpriseFactory(status=EnterpriseStatus.MOVED_OUT, left_on=datetime.date(2023, 3, 1),
                             founded=datetime.date(2020, 1, 1))
    client = token_client(bureau_user())
    send(client, "patch", reverse("api:enterprise-detail", args=[firm.pk]), {"status": EnterpriseStatus.ACTIVE})
    firm.refresh_from_db()
    assert firm.left_on is None and firm.status == EnterpriseStatus.ACTIVE
    active = Enterprise.objects.filter(pk=firm.pk)
    assert as_of(active, on=datetime.date(2023, 2, 28)).exists()
    assert not as_of(active, on=GAP_DAY).exists()
    assert as_of(active, on=timezone.localdate()).exists()


def test_closed_twice_keeps_both_gaps(db):
    """Closed, reopened, closed again and reopened: each closure is kept (the second from its own end date)."""
    lab = LabFactory(status=OperatingStatus.CLOSED, established=datetime.date(2020, 1, 1),
                     closed_on=datetime.date(2021, 1, 1))
    lab.status = OperatingStatus.ACTIVE
    lab.save()
    lab.status, lab.closed_on = OperatingStatus.CLOSED, datetime.date(2022, 1, 1)
    lab.save()
    lab.status = OperatingStatus.ACTIVE
    lab.save()
    lab.refresh_from_db()
    today = timezone.localdate()
    assert [(gap.lower, gap.upper) for gap in lab.gaps] == [(datetime.date(2021, 1, 1), today),
                                                           (datetime.date(2022, 1, 1), today)]
    counted = {day: as_of(Lab.objects.filter(pk=lab.pk), on=day).exists() for day in (
        datetime.date(2020, 6, 1), datetime.date(2021, 6, 1), datetime.date(2022, 6, 1), today)}
    assert counted == {datetime.date(2020, 6, 1): True, datetime.date(2021, 6, 1): False,
                       datetime.date(2022, 6, 1): False, today: True}
