"""The schema's error responses, declared by the views, answer what the inferred ones did, plus a 503 everywhere.

tests/fixtures/schema_responses_before.txt holds (method, path, status) of every response of the schema generated
by the inference from path strings this declaration replaced; the one deliberate difference is the 503 (with
Retry-After) that every operation now documents, since an outage answers 503 on any of them.
"""

from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

from config.api.schema import OUTAGE

BEFORE = Path(__file__).parent / "fixtures" / "schema_responses_before.txt"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    """Each (method, path) of the schema with its operation."""
    return {(method.upper(), path): operation for path, item in schema["paths"].items()
            for method, operation in item.items() if method in METHODS}


def test_responses_are_those_inferred_before_plus_503(schema):
    before = {tuple(line.split(" ")) for line in BEFORE.read_text().splitlines()}
    now = {(method, path, code) for (method, path), operation in operations(schema).items()
           for code in operation["responses"]}
    added_503 = {(method, path, "503") for method, path, _code in before}
    # The other deliberate difference: an unknown `format` is a 400 naming the formats (it was a 404).
    formats = {(method, path) for (method, path), operation in operations(schema).items()
               if "The `format` asked for" in operation["responses"].get("400", {}).get("description", "")}
    assert len(formats) > 20
    assert now - before == (added_503 | {(method, path, "400") for method, path in formats}) - before
    assert before - now <= {(method, path, "404") for method, path in formats}


def test_every_operation_documents_an_outage_with_retry_after(schema):
    own = []  # the 503s an @extend_schema names itself (the broker refusing a job), which win
    for (method, path), operation in operations(schema).items():
        response = operation["responses"]["503"]
        if response["description"] != OUTAGE.reason:
            own.append((method, path))
            continue
        assert response["headers"]["Retry-After"]["schema"] == {"type": "integer"}, (method, path)
    before = {tuple(line.split(" "))[:2] for line in BEFORE.read_text().splitlines() if line.endswith(" 503")}
    assert set(own) == before


def test_a_view_that_declares_nothing_is_a_schema_warning(capsys):
    from django.urls import path
    from drf_spectacular.drainage import GENERATOR_STATS
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Undeclared(APIView):
        """A view without error_responses."""

        def get(self, request):
            """Nothing."""
            return Response({})

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("undeclared/", Undeclared.as_view())]).get_schema(request=None, public=True)
    GENERATOR_STATS.emit_summary()
    assert "Undeclared declares no error_responses for 'get'" in capsys.readouterr().err
    responses = schema["paths"]["/undeclared/"]["get"]["responses"]
    assert set(responses) == {"200", "400", "401", "503"}  # only those of what the view is built of
    assert responses["400"]["description"].startswith("The `format` asked for")
