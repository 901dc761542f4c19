"""The reads compiled once per process (access.compiled) give what the ORM's queries give: the assessment's filing,
tiers held and filing seasons, for users of every scope, on varied years and dates, and after writes."""

import datetime
from decimal import Decimal

import pytest

from access.scoping import VIEW
from enterprises.choices import Tier
from enterprises.models import AnnualFiling, FilingSeason, TierDesignation
from enterprises.selectors import _current_filing, _held, filing_seasons
from enterprises.services import filing_revise

from .factories import (
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    ParkMembershipFactory,
    TierDesignationFactory,
    UserFactory,
    approved_filing,
    bureau_user,
)

DATES = [datetime.date(2022, 12, 31), datetime.date(2024, 6, 1), datetime.date(2025, 3, 1),
         datetime.date(2026, 12, 6)]


def orm_filing(enterprise, year, user):
    """The filing as the ORM read it before."""
    return AnnualFiling.objects.current().filter(enterprise=enterprise, year=year).restrict(user, VIEW).first()


def orm_held(enterprise, user, on):
    """The tiers held as the ORM read them before."""
    return set(TierDesignation.objects.held_on(on).filter(enterprise=enterprise).restrict(user, VIEW)
               .values_list("tier", flat=True))


def same_record(one, other) -> bool:
    """Whether two filings (or two Nones) hold the same values in every column."""
    if one is None or other is None:
        return one is other
    names = [field.attname for field in AnnualFiling._meta.concrete_fields]
    return [getattr(one, name) for name in names] == [getattr(other, name) for name in names]


def check_all(enterprises, users):
    """The compiled reads equal the ORM's for every enterprise, user, year and date."""
    for enterprise in enterprises:
        for user in users:
            for year in (2022, 2023, 2024, 2025):
                compiled = _current_filing(enterprise_id=enterprise.pk, year=year, user=user)
                assert same_record(compiled, orm_filing(enterprise, year, user)), (enterprise, user, year)
                if compiled is not None:
                    assert compiled.figures() == orm_filing(enterprise, year, user).figures()
            for on in DATES:
                assert _held(enterprise, user, on) == orm_held(enterprise, user, on), (enterprise, user, on)


@pytest.mark.django_db
def test_assessment_reads_equal_the_orm_for_every_scope_and_after_writes():
    park, other_park = ParkFactory(), ParkFactory()
    mine = EnterpriseFactory(park=park)
    elsewhere = EnterpriseFactory(park=other_park)
    for enterprise, revenue in ((mine, "10000"), (elsewhere, "25000")):
        for year in (2023, 2024):
            approved_filing(enterprise=enterprise, year=year, revenue=Decimal(revenue), rd_expense=Decimal("50"))
    TierDesignationFactory(enterprise=mine, tier=Tier.INNOVATIVE, granted_on=datetime.date(2023, 3, 1), year=2023)
    TierDesignationFactory(enterprise=elsewhere, tier=Tier.INNOVATIVE, granted_on=datetime.date(2022, 5, 1),
                           year=2022)
    users = [bureau_user(), ParkMembershipFactory(park=park).user, ParkMembershipFactory(park=other_park).user,
             EnterpriseMembershipFactory(enterprise=mine).user, UserFactory()]
    enterprises = [mine, elsewhere]
    check_all(enterprises, users)
    assert _current_filing(enterprise_id=mine.pk, year=2024, user=users[2]) is None  # another park's filing
    assert _held(mine, users[0], datetime.date(2024, 6, 1)) == {Tier.INNOVATIVE}

    # Writes: a filing approved for another year, a revision opened, a designation granted and one revoked.
    approved_filing(enterprise=mine, year=2025, revenue=Decimal("30000"))
    filing_revise(filing=AnnualFiling.objects.get(enterprise=elsewhere, year=2024, status="approved"))
    specialised = TierDesignationFactory(enterprise=mine, tier=Tier.SPECIALISED, granted_on=datetime.date(2024, 5, 1),
                                         year=2024)
    TierDesignation.objects.filter(enterprise=elsewhere).update(revoked_on=datetime.date(2024, 1, 1),
                                                                revoke_reason="撤销")
    check_all(enterprises, users)
    assert _held(mine, users[0], datetime.date(2025, 3, 1)) == {Tier.INNOVATIVE, Tier.SPECIALISED}
    specialised.delete()
    check_all(enterprises, users)


@pytest.mark.django_db
def test_filing_seasons_equal_the_orm_after_the_bureau_sets_one():
    years = range(2025, 2019, -1)

    def orm():
        held = {year: (opens, closes) for year, opens, closes in
                FilingSeason.objects.filter(year__in=list(years)).values_list("year", "opens", "closes")}
        return {year: held.get(year) for year in years if year in held}

    before = filing_seasons(years=years)
    assert not orm()
    FilingSeason.objects.create(year=2024, opens=datetime.date(2025, 1, 1), closes=datetime.date(2026, 12, 31))
    after = filing_seasons(years=years)
    assert after[2024] == (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)) == orm()[2024]
    assert {year: after[year] for year in years if year != 2024} == {
        year: before[year] for year in years if year != 2024}
    assert filing_seasons(years=range(2024, 2024)) == {}
