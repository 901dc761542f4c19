"""The declaration pipeline report's figures against SQL written here from the column definitions
(docs/reports-declarations.md): declared = submitted (not a draft); recommended = past district review now, or a
recommend step recorded; approved = in publicity, designated or withdrawn; published = approved with the round's
publicity started by today; designated / returned / rejected / withdrawn = the status now; in review = in district
review, city review or publicity. Rounds are those opening in the year asked for; each role sees the declarations
the declaration list shows it; a declaration step answers at once (the data version moves on)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises.choices import DeclarationAction, DeclarationStatus, Tier
from enterprises.declarations import declaration_approve, declaration_recommend
from enterprises.models import Declaration, DeclarationRound, DeclarationStep, TierDesignation
from parks.models import DistrictMembership

from ..conftest import token_client
from ..factories import EnterpriseMembershipFactory, UserFactory, bureau_user
from ..worlds import build_world

URL = "/api/v1/reports/declarations/"
S = DeclarationStatus
STAGES = ("declared", "recommended", "approved", "published", "designated", "in_review", "returned", "rejected",
          "withdrawn")

# One count per column, as SQL over the tables: the declaration `d`, its round `r`; %(today)s is today.
COLUMNS_SQL = {
    "declared": "TRUE",
    "recommended": "d.status IN ('city_review', 'publicity', 'designated', 'withdrawn') OR EXISTS (SELECT 1 FROM "
                   "enterprises_declarationstep s WHERE s.declaration_id = d.id AND s.action = 'recommend')",
    "approved": "d.status IN ('publicity', 'designated', 'withdrawn')",
    "published": "d.status IN ('publicity', 'designated', 'withdrawn') AND r.publicity_starts <= %(today)s",
    "designated": "d.status = 'designated'",
    "in_review": "d.status IN ('district_review', 'city_review', 'publicity')",
    "returned": "d.status = 'returned'",
    "rejected": "d.status = 'rejected'",
    "withdrawn": "d.status = 'withdrawn'",
}


def expected(*, year: int, where: str = "TRUE", params: dict | None = None) -> dict[tuple[int, int], dict]:
    """(round id, district id) -> column -> count, by SQL of the test's own over the year's rounds."""
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {sql}) AS {name}" for name, sql in COLUMNS_SQL.items())
    sql = (f"SELECT d.round_id, d.district_id, {counts} FROM enterprises_declaration d "  # noqa: S608
           "JOIN enterprises_declarationround r ON r.id = d.round_id JOIN enterprises_enterprise e ON "
           "e.id = d.enterprise_id WHERE d.status <> 'draft' AND EXTRACT(YEAR FROM r.opens) = %(year)s "
           f"AND ({where}) GROUP BY d.round_id, d.district_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"year": year, "today": timezone.localdate(), **(params or {})})
        return {(row[0], row[1]): dict(zip(STAGES, row[2:], strict=True)) for row in cursor.fetchall()}


def answered(client, **params) -> dict[tuple[int, int], dict]:
    """The report's rows: (round, district) -> column -> count."""
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:300]
    return {(row["round"], row["district"]): {stage: row[stage] for stage in STAGES}
            for row in response.json()["results"]}


class Pipeline:
    """Two districts with a park each and enterprises registered there; this year a round of each of two tiers
    (one with its publicity started yesterday, one with none set), and last year's round; declarations at every
    status, some with recorded steps."""

    def __init__(self):
        today, day = timezone.localdate(), datetime.timedelta(days=1)
        self.year = today.year
        self.world = build_world(parks=2, districts=2, enterprises=7, local=True)
        opens = datetime.date(self.year, 1, 1)

        def made_round(name, tier, opens, publicity):
            # The shortest lawful round (closes the day it opens, review the day after), so that a publicity
            # started yesterday is lawful on any day of the year but its first two (then it starts tomorrow).
            starts = max(opens + day, today - day)
            return DeclarationRound.objects.create(
                name=name, tier=tier, rule_set="2026", cadence="quarterly", opens=opens,
                closes=opens, review_starts=opens + day,
                publicity_starts=starts if publicity else None,
                publicity_ends=starts + 4 * day if publicity else None)

        self.innovative = made_round("甲批次", Tier.INNOVATIVE, opens, True)
        self.specialised = made_round("乙批次", Tier.SPECIALISED, opens + day, False)
        self.last_year = made_round("上年批次", Tier.INNOVATIVE, datetime.date(self.year - 1, 3, 1), True)
        statuses = [S.DRAFT, S.DISTRICT_REVIEW, S.CITY_REVIEW, S.PUBLICITY, S.RETURNED, S.REJECTED]
        self.declarations = []
        for p in range(2):
            for n, status in enumerate(statuses):
                self.declarations.append(self.declare(self.innovative, self.world.enterprise(p, n), status))
            for n, status in enumerate([S.WITHDRAWN, S.DISTRICT_REVIEW, S.RETURNED]):
                self.declarations.append(self.declare(self.specialised, self.world.enterprise(p, n), status))
            self.declarations.append(self.declare(self.last_year, self.world.enterprise(p, 0), S.CITY_REVIEW))
        # Returned by the city after the district's recommendation: recommended, whatever happened later.
        returned = next(d for d in self.declarations if d.round == self.innovative and d.status == S.RETURNED)
        self.step(returned, DeclarationAction.RECOMMEND, S.DISTRICT_REVIEW, S.CITY_REVIEW)
        self.step(returned, DeclarationAction.RETURN, S.CITY_REVIEW, S.RETURNED)
        # Designated: an enterprise of the first park, in the innovative round.
        designated = self.world.enterprise(0, 6)
        designation = TierDesignation.objects.create(
            enterprise=designated, tier=Tier.INNOVATIVE, year=self.year, batch=self.innovative.name,
            certificate_number="CX-1", granted_on=today)
        self.declarations.append(self.declare(self.innovative, designated, S.DESIGNATED, designation=designation))

    def declare(self, declaration_round, enterprise, status, **kwargs) -> Declaration:
        """A declaration of the enterprise in the round at a status (submitted unless a draft)."""
        return Declaration.objects.create(
            round=declaration_round, enterprise=enterprise, district_id=enterprise.district_id, status=status,
            submitted_at=None if status == S.DRAFT else timezone.now(),
            city_score=Decimal(80) if status in (S.PUBLICITY, S.DESIGNATED, S.WITHDRAWN) else None, **kwargs)

    @staticmethod
    def step(declaration, action, from_status, to_status):
        """A recorded step of the declaration."""
        DeclarationStep.objects.create(declaration=declaration, action=action, from_status=from_status,
                                       to_status=to_status)


@pytest.fixture
def pipeline(db):
    return Pipeline()


def test_the_bureau_sees_every_round_and_district_of_the_year(pipeline):
    client = token_client(bureau_user())
    rows = answered(client, year=pipeline.year)
    assert rows == expected(year=pipeline.year)
    assert len(rows) == 4  # two rounds of the year x two districts; last year's round and the drafts left out
    totals = {stage: sum(row[stage] for row in rows.values()) for stage in STAGES}
    # Written out from the set-up: per district 5 submitted in the innovative round (+1 designated in the first
    # district) and 3 in the specialised one.
    assert totals == {"declared": 17, "recommended": 8, "approved": 5, "published": 3, "designated": 1,
                      "in_review": 8, "returned": 4, "rejected": 2, "withdrawn": 2}
    for row in rows.values():  # the stages reached never rise along the way; where they stand adds up
        assert row["declared"] >= row["recommended"] >= row["approved"] >= row["published"] >= row["designated"]
        assert row["declared"] == sum(row[name] for name in ("in_review", "returned", "rejected", "withdrawn",
                                                             "designated"))
    last_year = answered(client, year=pipeline.year - 1)
    assert last_year == expected(year=pipeline.year - 1) and len(last_year) == 2
    assert answered(client, round=pipeline.last_year.pk) == last_year  # a round named alone: its year


def test_the_filters_keep_their_rows(pipeline):
    client = token_client(bureau_user())
    district = pipeline.world.parks[1].district_id
    assert answered(client, year=pipeline.year, district=district) == expected(
        year=pipeline.year, where="d.district_id = %(district)s", params={"district": district})
    assert answered(client, year=pipeline.year, tier=Tier.SPECIALISED) == expected(
        year=pipeline.year, where="r.tier = 'specialised'")
    assert answered(client, year=pipeline.year, round=pipeline.innovative.pk) == expected(
        year=pipeline.year, where="r.id = %(round)s", params={"round": pipeline.innovative.pk})


def test_bad_filters_are_refused_with_a_field_message(pipeline):
    client = token_client(bureau_user())
    for params, field in (({"tier": "gold"}, "tier"), ({"tier": Tier.SINGLE_CHAMPION}, "tier"),
                          ({"round": 999999}, "round"), ({"district": "x"}, "district"),
                          ({"year": 1800}, "year"), ({"as_of": "2025-01-01"}, "as_of"),
                          ({"year": pipeline.year, "round": pipeline.last_year.pk}, "round")):
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert field in response.json(), response.json()
    mismatched = {"year": pipeline.year, "round": pipeline.last_year.pk}
    chinese = client.get(URL, mismatched).json()
    assert chinese["round"] == ["该申报批次不属于所选年度。"]
    english = client.get(URL, mismatched, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["round"] == ["This round does not open in the year asked for."]


def test_each_role_sees_the_declarations_its_list_shows(pipeline):
    world, year = pipeline.world, pipeline.year
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=world.parks[0].district)
    assert answered(token_client(staff), year=year) == expected(
        year=year, where="d.district_id = %(district)s", params={"district": world.parks[0].district_id})
    assert answered(token_client(world.admin(1)), year=year) == expected(
        year=year, where="e.park_id = %(park)s", params={"park": world.parks[1].pk})
    own = world.enterprise(0, 1)
    member = EnterpriseMembershipFactory(enterprise=own).user
    mine = answered(token_client(member), year=year)
    assert mine == expected(year=year, where="d.enterprise_id = %(enterprise)s", params={"enterprise": own.pk})
    assert sum(row["declared"] for row in mine.values()) == 2  # its innovative and specialised declarations
    assert answered(token_client(UserFactory()), year=year) == {}
    assert APIClient().get(URL).status_code == 401


def test_a_step_answers_at_once(pipeline):
    bureau = bureau_user()
    client = token_client(bureau)
    key = (pipeline.innovative.pk, pipeline.world.parks[0].district_id)
    before = answered(client, year=pipeline.year)[key]
    waiting = next(d for d in pipeline.declarations if d.round == pipeline.innovative
                   and d.district_id == key[1] and d.status == S.DISTRICT_REVIEW)
    declaration_recommend(user=bureau, declaration=waiting)
    after = answered(client, year=pipeline.year)[key]
    assert (after["recommended"], after["in_review"]) == (before["recommended"] + 1, before["in_review"])
    declaration_approve(user=bureau, declaration=waiting, score=Decimal(90))
    approved = answered(client, year=pipeline.year)[key]
    assert (approved["approved"], approved["published"]) == (before["approved"] + 1, before["published"] + 1)
    assert answered(client, year=pipeline.year) == expected(year=pipeline.year)
