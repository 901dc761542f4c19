"""One rounding rule everywhere a figure is shown: half up, in config.rounding alone. The code of the report paths
(selectors, report and export serializers and renderers, the tier engine, the dashboard's script) holds no other
rounding: no quantize, round() or float formatting, no SQL ROUND; every decimal a report answers rounds half up."""

import inspect
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework import serializers

pytestmark = pytest.mark.django_db  # the session fixtures read the database

ROOT = Path(settings.BASE_DIR)
REPORT_PATHS = [
    "registry/selectors", "registry/api", "registry/views.py", "registry/services.py", "registry/targets.py",
    "enterprises/selectors.py", "enterprises/tiers", "enterprises/api", "enterprises/imports", "parks/selectors.py",
    "parks/api", "config/api", "config/tables.py", "config/admin_export.py",
]
ROUNDING = re.compile(r"\.quantize\(|(?<![\w.])round\(|float\(|:\.\d+f|%\.\d+f|\bROUND\s*\(|ROUND_HALF_EVEN")


def report_sources():
    for entry in REPORT_PATHS:
        path = ROOT / entry
        yield from (sorted(path.rglob("*.py")) if path.is_dir() else [path])


def test_no_report_path_rounds_but_the_helper():
    found = []
    for path in report_sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROUNDING.search(line.split("#")[0]):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
    helper = (ROOT / "config/rounding.py").read_text(encoding="utf-8")
    assert "ROUND_HALF_UP" in helper and "quantize(" in helper


def test_the_dashboard_script_does_not_round_again():
    script = (ROOT / "registry/static/registry/dashboard.js").read_text(encoding="utf-8")
    assert "toFixed(" not in script and "Math.round(" not in script
    assert not re.search(r"show\([^()]*(\([^()]*\))?[^()]*,\s*[01]\)", script)  # never fewer decimals than sent


def decimal_fields():
    """Every DecimalField declared by a serializer of the report and API modules."""
    from enterprises.api import serializers as enterprise_serializers
    from parks.api import serializers as park_serializers
    from registry.api import overview, reports
    from registry.api import serializers as registry_serializers

    for module in (overview, reports, registry_serializers, enterprise_serializers, park_serializers):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.Serializer) and cls.__module__ == module.__name__:
                for field_name, field in cls._declared_fields.items():
                    if isinstance(field, serializers.DecimalField):
                        yield f"{name}.{field_name}", field


@pytest.mark.parametrize(("name", "field"), list(decimal_fields()))
def test_every_report_decimal_rounds_half_up(name, field):
    assert field.decimal_places is None or field.rounding == ROUND_HALF_UP, name
    if field.decimal_places == 2:
        assert field.to_representation(Decimal("0.125")) == "0.13", name
        assert field.to_representation(Decimal("2.675")) == "2.68", name
