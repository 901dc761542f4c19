"""The OpenAPI 3 schema validates without warnings and its docs page is served."""

import pytest
from django.core.management import call_command
from django.urls import reverse


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    for path in ["/api/v1/enterprises/", "/api/v1/tenancies/", "/api/v1/parks/{id}/occupancy/",
                 "/api/v1/benchmark-projects/", "/api/v1/plan-targets/"]:
        assert f"{path}:" in text


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get(reverse("schema")).status_code == 200
    docs = client.get(reverse("docs"))
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
