"""The city generator (manage.py generate_city): a consistent registry in the seeds' proportions."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from enterprises.credit_code import faults
from enterprises.fakes import FIGURE_FIELDS, IP_FIELDS, figures_faults, unit_labels
from enterprises.models import AnnualFiling, Enterprise, Tenancy, TierDesignation
from parks.models import Park, Unit
from registry.models import BenchmarkProject, Lab, Platform, SupportAward, SupportPolicy

pytestmark = pytest.mark.django_db

N = 600


@pytest.fixture
def city():
    """A generated city of N enterprises."""
    call_command("generate_city", enterprises=N, years=3, seed=7, replace=True, stdout=StringIO())


def test_counts_follow_the_seeds_proportions(city):
    """N enterprises, one filing per year each, parks, units, tenancies and records in the demo's proportions."""
    year = timezone.localdate().year
    assert Enterprise.objects.count() == N
    assert not any(faults(code) for code in Enterprise.objects.values_list("credit_code", flat=True))
    assert Park.objects.count() == 5
    assert AnnualFiling.objects.count() == 3 * N
    assert set(AnnualFiling.objects.values_list("year", flat=True)) == {year - 3, year - 2, year - 1}
    assert not AnnualFiling.objects.values("enterprise", "year").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert 0.1 * N < TierDesignation.objects.count() < 0.4 * N
    assert Lab.objects.count() == N // 6 and Platform.objects.count() == round(N * 7 / 60)
    assert BenchmarkProject.objects.count() == round(N * 14 / 60)
    assert SupportPolicy.objects.count() == 3 * 3  # the demo's three policies, each filing year
    assert SupportAward.objects.count() == round(N * 6 / 60)  # the demo's six awards per sixty enterprises
    assert SupportAward.objects.filter(status="paid", amount_paid__gt=F("amount_approved")).count() == 0
    assert 0.6 * N < Unit.objects.count() < 1.2 * N
    assert 0.6 * N < Tenancy.objects.count() < 1.5 * N


def test_tenancies_are_consistent(city):
    """A tenancy's park is its unit's park, its tenant is registered with that park, and some let units are free."""
    today = timezone.localdate()
    assert not Tenancy.objects.exclude(park=F("unit__park")).exists()
    assert not Tenancy.objects.exclude(enterprise__park=F("park")).exists()
    current = Tenancy.objects.filter(Q(end__isnull=True) | Q(end__gt=today), start__lte=today)
    assert current.exists() and Tenancy.objects.filter(end__lte=today).exists()
    assert Unit.objects.exclude(tenancies__in=current).exists()
    assert current.filter(end__lte=today + datetime.timedelta(days=90)).exists()


def test_places_are_of_long_standing(city):
    """Generated parks and units have no opening day (counted from the beginning), not the model's default of
    today: last year's reports count them."""
    assert Park.objects.exists() and Unit.objects.exists()
    assert not Park.objects.filter(opened_on__isnull=False).exists()
    assert not Unit.objects.filter(opened_on__isnull=False).exists()


def test_refuses_to_replace_without_asking(city):
    """A registry holding enterprises is emptied only with --replace."""
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_city", enterprises=N, stdout=StringIO())
    assert Enterprise.objects.count() == N


def test_units_and_filings_follow_the_shared_fake_rules(city):
    """The generated rows are made by enterprises.fakes: plausible figures (tests/test_fakes.py) and unit labels."""
    fields = FIGURE_FIELDS + IP_FIELDS
    for figures in AnnualFiling.objects.order_by("pk").values(*fields)[:600]:
        assert figures_faults(figures) == [], figures
    for building, floor, room in Unit.objects.values_list("building", "floor", "room"):
        assert unit_labels(building, int(floor), int(room[len(floor):])) == (building, floor, room)


def test_the_registers_follow_the_demo_proportions(city):
    """The enterprises' own registers in seeds/demo.json's proportions per enterprise, each row passing the
    database's constraints, their figures readable by the filing prefill and the plan board."""
    from enterprises.models import (
        DigitalHumanIp,
        DigitalHumanRegistration,
        FinancingRound,
        IntellectualProperty,
        Listing,
        Standard,
    )

    assert Standard.objects.count() == round(N * 34 / 60)
    assert IntellectualProperty.objects.count() == round(N * 119 / 60)
    assert DigitalHumanIp.objects.count() == round(N * 6 / 60) == DigitalHumanRegistration.objects.count()
    assert FinancingRound.objects.count() == round(N * 17 / 60)
    assert 0 < Listing.objects.count() <= round(N * 3 / 60)
    assert set(IntellectualProperty.objects.values_list("ip_class", flat=True)) == {"1", "2"}


def test_the_parks_services_follow_the_demo_shares(city):
    """Every generated park lists its entry policy (share 1), an incubator its incubation; each service passes the
    model's validation and the database's constraints (branch parksvc)."""
    from parks.models import ParkService

    services = list(ParkService.objects.select_related("park"))
    assert 5 <= len(services) <= 5 * 6
    assert set(ParkService.objects.filter(kind="policy").values_list("park", flat=True)) == set(
        Park.objects.values_list("pk", flat=True))
    assert not Park.objects.filter(kind="incubator").exclude(services__kind="incubation").exists()
    for service in services:
        service.full_clean()
        assert service.offered_from < timezone.localdate()
def test_the_compliance_filings_follow_the_demo_proportions(city):
    """Compliance filings (branch compliance) in seeds/demo.json's proportion per enterprise, of every kind, each row
    passing the database's constraints (an algorithm filing numbered, a cancellation after the filing), some
    enterprises holding an algorithm filing and some lacking one."""
    from enterprises.choices import ALGORITHM_FILINGS
    from enterprises.compliance_selectors import compliance_gaps, compliance_holders, enterprises_in_scope_on
    from enterprises.models import ComplianceFiling

    from .factories import bureau_user

    assert ComplianceFiling.objects.count() == round(N * 64 / 60)
    assert set(ComplianceFiling.objects.values_list("kind", flat=True)) == {
        "deep_synthesis", "generative_ai", "content_security", "data_security"}
    assert not ComplianceFiling.objects.filter(kind__in=ALGORITHM_FILINGS, number="").exists()
    on, user = timezone.localdate(), bureau_user()  # the registry's day
    holders = compliance_holders(user=user, kinds=ALGORITHM_FILINGS, on=on).count()
    lacking = compliance_gaps(user=user, kinds=ALGORITHM_FILINGS, on=on).count()
    assert holders > 0 and lacking > 0
    assert holders + lacking == enterprises_in_scope_on(user=user, on=on).count()


def test_the_activities_follow_the_demo_proportions(city):
    """The industry activities in seeds/demo.json's proportion per enterprise (72 for 60), of every kind, each row
    passing the database's constraints (leading talents counted), readable by the plan board's indicators."""
    from django.db.models import Count

    from config.plan_board import INDICATORS, BoardScope
    from enterprises.choices import ActivityKind
    from enterprises.models import IndustryActivity

    from .factories import bureau_user

    assert IndustryActivity.objects.count() == round(N * 72 / 60)
    kinds = dict(IndustryActivity.objects.values_list("kind").annotate(n=Count("pk")))
    assert set(kinds) == set(ActivityKind.values)
    assert not IndustryActivity.objects.filter(kind=ActivityKind.LEADING_TALENT, people__lt=1).exists()
    year = IndustryActivity.objects.latest("held_on").held_on.year
    scope = BoardScope(user=bureau_user(), as_of=datetime.date(year, 12, 31))
    assert INDICATORS["overseas-projects"].compute(year, scope) == IndustryActivity.objects.filter(
        kind=ActivityKind.OVERSEAS_PROJECT, held_on__year=year).count()


def test_financing_rounds_are_one_per_enterprise_day_and_name_however_often_an_enterprise_is_drawn():
    """The generated rounds keep the database's financing_round_unique: a city where one enterprise is drawn for every
    round (the worst case of the Zipf draw) still has no two rounds of it on one day under one name."""
    import random

    from registry.generator.registers import round_rows

    rows = list(round_rows(lambda count: [(1, None)] * count, 600, random.Random(2025), [2025]))
    assert len(rows) == 600
    assert len({(enterprise, day, name) for _pk, enterprise, day, _amount, name, *_ in rows}) == 600
