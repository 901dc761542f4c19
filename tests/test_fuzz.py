"""Fuzzing of the whole API from its own OpenAPI schema: schemathesis through WSGI, as bureau staff, as a park
administrator, as an enterprise user and as district staff, on a small seeded world.

Every operation of /api/schema/ gets MAX_EXAMPLES generated requests in each role (schema-valid and
schema-breaking ones; schemathesis' coverage phase is left out, as its number of cases is not bounded by
max_examples: several hundred for a write with many fields). Each response must not be a 5xx, must have a
documented status code and must match the documented body. Generated ids are often swapped for ids of the
seeded records (path, query and body), so that requests reach real records and not only 404s and "invalid pk"
400s. Each operation and role is a test of its own, in a savepoint rolled back after it, of a world seeded once
for the module (seeding it per test was most of the run's time).

Traps handled here:
- Django's `close_old_connections` runs on the request signals and would close the test's database connection
  (inside its transaction) at the first WSGI request: it is disconnected while a test runs, as Django's own test
  client does.
- The throttles count in the cache, which is cleared before each request: a throttled endpoint (auth/token,
  invitations) gives its real answer instead of a 429 that depends on the run's speed.
- The schema is loaded when pytest collects this module (`schema.parametrize()` needs it then), where the
  database may not be used; `schemathesis.pytest.from_fixture` would load it later, but its lazy runner sets
  `Node._nodeid`, which pytest 9.2 no longer has.

pytest's summary ends with the number of requests sent (`fuzz: N requests ...`). FUZZ_MAX_EXAMPLES raises the
number of examples for a deeper run (15: 5,715 requests, no server error); the default keeps the module near 40 s
of CPU time.
"""

import datetime
import functools
import os
from collections import Counter

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from config.api.urls import router
from enterprises.choices import DeclarationStatus, Tier
from enterprises.models import Declaration, DeclarationRound, Enterprise
from parks.models import District, DistrictMembership, Park, Unit
from registry.choices import AwardStatus
from registry.models import PlanTask, SupportPolicy

from .factories import (
    BenchmarkProjectFactory,
    LabFactory,
    ParkServiceFactory,
    PlanTargetFactory,
    PlatformFactory,
    SupportAwardFactory,
    SupportPolicyFactory,
    UnitFactory,
    UserFactory,
    bureau_user,
    register_records,
)
from .worlds import build_world

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))  # generated examples per operation and role
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
ROLES = ("bureau", "park_admin", "enterprise", "district_staff")

# Ids of the seeded world, by model, for the generation hooks (set by the `world` fixture of the running test).
SEEDED: dict[type, list[int]] = {}
# Requests sent, by role and status code.
SENT: Counter = Counter()

# Request fields (body and query) naming a record by id, and the model of that record.
REFERENCES = {
    "district": District, "park": Park, "unit": Unit, "user": get_user_model(),
    "enterprise": Enterprise, "host": Enterprise, "operator": Enterprise, "lead": Enterprise,
    "partners": Enterprise, "round": DeclarationRound, "declaration": Declaration,
    "policy": SupportPolicy, "task": PlanTask,  # a filter's `task` is a number 1-15: the tasks' ids are too
}


@functools.cache
def _path_model(path: str):
    """The model of the records a path template with `{id}` addresses."""
    view = resolve(path.replace("{id}", "1")).func
    return (getattr(view, "cls", None) or view.view_class).queryset.model


def _seeded_ids(value, model) -> st.SearchStrategy:
    """The generated value, or (as often) ids of seeded records in its place: one id, or a list for a list."""
    ids = SEEDED.get(model)
    if not ids:
        return st.just(value)
    if isinstance(value, list) and all(isinstance(item, int) for item in value):
        return st.one_of(st.just(value), st.lists(st.sampled_from(ids), max_size=3, unique=True))
    if isinstance(value, int) and not isinstance(value, bool):
        return st.one_of(st.just(value), st.sampled_from(ids))
    return st.just(value)


def _with_seeded_ids(values) -> st.SearchStrategy:
    """Query parameters or a body with the values of the fields naming a record maybe swapped for seeded ids."""
    if not isinstance(values, dict):
        return st.just(values)
    swapped = {name: _seeded_ids(value, REFERENCES[name]) for name, value in values.items() if name in REFERENCES}
    return st.fixed_dictionaries(swapped).map(lambda chosen: {**values, **chosen})


# Generation hooks of the schema (schemathesis calls them by name).
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict) or "id" not in path_parameters:
        return st.just(path_parameters)
    model = _path_model(context.operation.path)
    return _seeded_ids(path_parameters["id"], model).map(lambda pk: {**path_parameters, "id": pk})


def flatmap_query(context, query):
    return _with_seeded_ids(query)


def flatmap_body(context, body):
    return _with_seeded_ids(body)


class _Summary:
    """Plugin that writes how many requests the fuzz tests sent, by role and status, in pytest's summary."""

    def pytest_terminal_summary(self, terminalreporter):
        statuses, roles = Counter(), Counter()
        for (role, status), count in SENT.items():
            statuses[status] += count
            roles[role] += count
        terminalreporter.write_line(
            f"fuzz: {sum(SENT.values())} requests ({', '.join(f'{r} {n}' for r, n in sorted(roles.items()))}); "
            f"by status {', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))}"
        )


@pytest.fixture(scope="session")
def fuzz_summary(pytestconfig):
    """Add the request count to pytest's summary."""
    pytestconfig.pluginmanager.register(_Summary(), "fuzz-summary")


@pytest.fixture
def keep_connection():
    """Keep the test's database connection open across WSGI requests (as django.test.Client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def role(request) -> str:
    """Who sends the requests."""
    return request.param


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> dict:
    """The seeded records, built once for the module inside a transaction rolled back after it (each test runs in a
    savepoint of it, as Django's setUpTestData does), and the token of each role's user: bureau staff, an
    administrator of the first park, a user of the first park's registered tenant, a staff member of the first
    park's district."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _seed()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            SEEDED.clear()


def _seed() -> dict:
    """Parks (the third in the first's district), a let and a free unit in each, its tenant registered with it
    with their labs, platforms and projects, plan targets, an open declaration round with the first enterprise's
    declaration in district review, and a user of each role (tests/worlds.py)."""
    world = build_world(parks=3, admins=(1, 0, 0), staff=True, districts=2, enterprises=1, local=True,
                        users=(1, 0, 0))
    parks, enterprises = world.parks, [registered[0] for registered in world.enterprises]
    for index, (park, enterprise) in enumerate(zip(parks, enterprises, strict=True)):
        world.let(enterprise=enterprise, park=index, start=datetime.date(2024, 1, 1))
        UnitFactory(park=park)
    for park, enterprise in zip(parks, enterprises, strict=True):
        LabFactory(host=enterprise, park=park)
        PlatformFactory(operator=enterprise, park=park)
        BenchmarkProjectFactory(lead=enterprise, park=park).partners.add(*enterprises[:2])
    PlanTargetFactory()
    PlanTargetFactory(year=2027)
    policy = SupportPolicyFactory()
    for enterprise in enterprises[:2]:
        SupportAwardFactory(policy=policy, enterprise=enterprise, status=AwardStatus.APPROVED,
                            amount_approved=50, approved_on=datetime.date(2024, 5, 1))
    today = timezone.localdate()
    declaration_round = DeclarationRound.objects.create(
        name="模糊测试轮次", tier=Tier.INNOVATIVE, rule_set="2026", cadence="monthly",
        opens=today - datetime.timedelta(days=5), closes=today + datetime.timedelta(days=20),
        review_starts=today + datetime.timedelta(days=21))
    Declaration.objects.create(round=declaration_round, enterprise=enterprises[0],
                               district_id=enterprises[0].district_id, status=DeclarationStatus.DISTRICT_REVIEW)
    for enterprise in enterprises[:2]:  # a record of each of the enterprise's own registers (branch registers)
        register_records(enterprise)
    for park in parks[:2]:  # a public and a private service of each of two parks (branch parksvc)
        ParkServiceFactory(park=park)
        ParkServiceFactory(park=park, kind="policy", public=False, offered_until=datetime.date(2025, 1, 1))
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=parks[0].district)
    users = {
        "bureau": bureau_user(),
        "park_admin": world.admin(0),
        "enterprise": world.members[0].user,
        "district_staff": staff,
    }
    SEEDED.clear()
    SEEDED.update({
        model: list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in {*REFERENCES.values(), *(viewset.queryset.model for _, viewset, _ in router.registry)}
    })
    return {role: Token.objects.create(user=user).key for role, user in users.items()}


@pytest.fixture
def world(db, keep_connection, role, fuzz_summary, seeded):
    """The token of the role's user, in a world seeded once for the module."""
    return {"token": seeded[role]}


def _load_schema():
    """The API's schema as /api/schema/ serves it, its requests to be sent to the WSGI application.

    Loaded when pytest collects this module, where no database may be used: ATOMIC_REQUESTS would open a
    transaction around the schema view (which reads nothing), so it is off for that one request.
    """
    settings_dict = connection.settings_dict
    atomic = settings_dict["ATOMIC_REQUESTS"]
    settings_dict["ATOMIC_REQUESTS"] = False
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        settings_dict["ATOMIC_REQUESTS"] = atomic
    for hook in (flatmap_path_parameters, flatmap_query, flatmap_body):
        loaded.hook(hook)
    # Generated examples only, bounded by max_examples (the coverage phase's deterministic cases are not).
    loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


schema = _load_schema()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_api(case, role, world):
    """A generated request, with the role's token: no 5xx, a documented status code, a documented body."""
    cache.clear()
    response = case.call(headers={"Authorization": f"Token {world['token']}"})
    SENT[role, response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
