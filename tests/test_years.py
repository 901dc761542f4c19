"""One FIRST_YEAR..LAST_YEAR (config.years) bounds every year the registry takes: the list filters and report
parameters answer 400 on the parameter outside it, the forms and serializers refuse it, the database's checks
refuse it, and the report dates' settings are its first and last days."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from config.years import FIRST_YEAR, LAST_YEAR
from enterprises.forms import FilingStartForm
from enterprises.models import FilingSeason
from registry.api.serializers import ReportRunStartSerializer

YEAR_LISTS = ["api:annualfiling-list", "api:tierdesignation-list", "api:benchmarkproject-list",
              "api:plantarget-list", "api:report-tier-summary", "api:report-tier-candidates",
              "api:report-declarations"]


@pytest.mark.parametrize("name", YEAR_LISTS)
def test_every_year_filter_takes_the_years_and_no_other(bureau_client, name):
    url = reverse(name)
    assert bureau_client.get(url, {"year": FIRST_YEAR}).status_code in (200, 404)  # 404: no summary of the year
    for year in (FIRST_YEAR - 1, LAST_YEAR + 1):
        response = bureau_client.get(url, {"year": year})
        assert response.status_code == 400 and "year" in response.data, (year, response.data)


def test_forms_serializers_and_settings_share_the_bounds():
    assert (settings.REPORT_DATE_MIN, settings.REPORT_DATE_MAX) == (
        datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31))
    for year, valid in ((FIRST_YEAR, True), (LAST_YEAR, True), (FIRST_YEAR - 1, False), (LAST_YEAR + 1, False)):
        assert FilingStartForm(data={"year": year}).is_valid() is valid, year
        assert ReportRunStartSerializer(data={"year": year}).is_valid() is valid, year


@pytest.mark.django_db
def test_the_database_refuses_a_season_outside_the_years():
    with pytest.raises(IntegrityError, match="filing_season_year_range"), transaction.atomic():
        FilingSeason.objects.create(year=LAST_YEAR + 1, opens=datetime.date(LAST_YEAR + 2, 1, 1),
                                    closes=datetime.date(LAST_YEAR + 2, 5, 31))
    season = FilingSeason(year=LAST_YEAR + 1, opens=datetime.date(LAST_YEAR + 2, 1, 1),
                          closes=datetime.date(LAST_YEAR + 2, 5, 31))
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            season.validate_constraints()
        assert refused.value.messages == [f"The year must be between {FIRST_YEAR} and {LAST_YEAR}."]
