"""The tenancies and filings lists, written from `.values()` rows (config.api.rows.RowListMixin), answer the same
bytes as DRF's own list of the same viewset (a model instance per row, the serializer field by field): for the
bureau and a park administrator, in Chinese and English, over pages, filters, orderings and `?format=json`."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.mixins import ListModelMixin
from rest_framework.test import APIRequestFactory

from config.api.rows import RowWriter
from enterprises.api.serializers import AnnualFilingSerializer, TenancySerializer
from enterprises.api.views import AnnualFilingViewSet, TenancyViewSet
from enterprises.choices import FilingStatus, RdInstitution
from enterprises.models import Enterprise, Tenancy

from .conftest import park_admin_client, token_client
from .factories import (
    AnnualFilingFactory,
    EnterpriseFactory,
    ParkFactory,
    TenancyFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
    bureau_user,
)


class DRFTenancyViewSet(TenancyViewSet):
    """The tenancies list as DRF writes it (what the rows replace)."""

    def list(self, request, *args, **kwargs):
        return ListModelMixin.list(self, request, *args, **kwargs)


class DRFAnnualFilingViewSet(AnnualFilingViewSet):
    """The filings list as DRF writes it (what the rows replace)."""

    def list(self, request, *args, **kwargs):
        return ListModelMixin.list(self, request, *args, **kwargs)


def _world():
    """Two parks' tenancies and filings in every shape the lists show: open and ended, with and without rent,
    deposit, contract and rent-free months, tenants with and without a short name; draft, submitted, returned and
    approved filings, negative and empty amounts, set flags, other choices."""
    park, other = ParkFactory(), ParkFactory()
    plain = EnterpriseFactory(park=park, short_name="")
    named = EnterpriseFactory(park=park, short_name="甲子")
    elsewhere = EnterpriseFactory(park=other)
    TenancyFactory(unit=UnitFactory(park=park, building="A座", floor="3", room="301", area=Decimal("88.5")),
                   enterprise=plain, start=datetime.date(2023, 2, 1), end=datetime.date(2024, 2, 1),
                   rent=Decimal("3.5"), deposit=Decimal("12000"), contract_number="HT-001", rent_free_months=3)
    TenancyFactory(unit=UnitFactory(park=park, building="B座", floor="1", room="101"), enterprise=named,
                   start=datetime.date(2024, 5, 6), end=None)
    TenancyFactory(unit=UnitFactory(park=park, building="A座", floor="10", room="1001"), enterprise=elsewhere,
                   start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31), rent=Decimal("12.25"))
    TenancyFactory(unit=UnitFactory(park=other), enterprise=elsewhere)
    AnnualFilingFactory(enterprise=plain, year=2024)
    submitter = UserFactory()
    AnnualFilingFactory(enterprise=named, year=2023, status=FilingStatus.SUBMITTED, park=park,
                        district=named.district, submitted_by=submitter,
                        submitted_at=datetime.datetime(2024, 3, 1, 8, 30, tzinfo=datetime.UTC),
                        net_profit=Decimal("-12.5"), revenue_prev2=None, market_share=Decimal("0.5"),
                        strategic_emerging=True, rd_institution=RdInstitution.values[-1])
    AnnualFilingFactory(enterprise=plain, year=2023, status=FilingStatus.RETURNED, park=park,
                        district=plain.district, return_reason="第一行\n第二行", submitted_by=submitter,
                        reviewed_by=bureau_user(), submitted_at=timezone.now(), reviewed_at=timezone.now())
    approved_filing(enterprise=elsewhere, year=2022, own_brand=True)
    return park, other


LISTS = (("api:tenancy-list", DRFTenancyViewSet), ("api:annualfiling-list", DRFAnnualFilingViewSet))


def _queries(park, other) -> list[dict]:
    """The queries each list is asked: pages, filters, orderings, a refused filter, ?format=json."""
    return [{}, {"page_size": 2}, {"page_size": 2, "page": 2}, {"park": park.pk}, {"park": [park.pk, other.pk]},
            {"ordering": "-enterprise__name"}, {"format": "json"}, {"park": other.pk, "format": "json"},
            {"status": FilingStatus.SUBMITTED}, {"ordering": "-submitted_at,year"}, {"ordering": "-start"},
            {"park": 987654}]


@pytest.mark.parametrize("role", ["bureau", "park"])
def test_lists_answer_drf_bytes(db, role):
    park, other = _world()
    client = token_client(bureau_user()) if role == "bureau" else park_admin_client(park)
    token = client._credentials["HTTP_AUTHORIZATION"]
    factory = APIRequestFactory()
    compared = 0
    for name, drf_view in LISTS:
        path = reverse(name)
        for query in _queries(park, other):
            for language, header in (("zh-hans", "zh-hans"), ("en", "en")):
                answer = client.get(path, query, HTTP_ACCEPT_LANGUAGE=header)
                with translation.override(language), transaction.atomic():  # a 400 rolls back, as a request's does
                    response = drf_view.as_view({"get": "list"})(
                        factory.get(path, query, HTTP_AUTHORIZATION=token, HTTP_ACCEPT_LANGUAGE=header))
                    response.render()
                assert answer.status_code == response.status_code, (name, query)
                assert answer.content == response.content, (name, query, language)
                if answer.status_code == 200 and answer.json()["results"]:
                    compared += 1
    assert compared >= 30


def test_tenancy_rows_follow_renames(db):
    """A brief written once per set of its columns' values: a park, a unit and a tenant renamed between two pages
    are written with their new names and display names, as DRF writes them."""
    park, _other = _world()
    client = token_client(bureau_user())
    path, query = reverse("api:tenancy-list"), {"park": park.pk}
    client.get(path, query)
    park.name = "改名园区"
    park.save()
    Enterprise.objects.filter(short_name="甲子").update(short_name="乙丑")
    tenancy = Tenancy.objects.filter(park=park).order_by("pk").first()
    tenancy.unit.room = "999"
    tenancy.unit.save()
    answer = client.get(path, query)
    response = DRFTenancyViewSet.as_view({"get": "list"})(APIRequestFactory().get(
        path, query, HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"]))
    response.render()
    assert answer.content == response.content
    assert "改名园区" in answer.content.decode() and "乙丑" in answer.content.decode()


def test_row_writer_writes_the_lists_serializers(db):
    """Both serializers are written from rows whole (no field refused), the tenancy's last day from its end."""
    request = APIRequestFactory().get("/")
    columns = RowWriter(TenancySerializer, request=request).columns
    assert "end" in columns and "last_day" not in columns and "unit__park__name" in columns
    assert "enterprise__short_name" in RowWriter(AnnualFilingSerializer, request=request).columns
