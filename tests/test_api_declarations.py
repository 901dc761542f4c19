"""The declaration process over the API: one declaration from draft to designation with its four actors (the
enterprise, its district, the bureau, and the public reading the publicity list), each step a POST on the record;
refusals answer 400 with the field, 403 for a step not the user's, 404 outside the scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import DeclarationStatus, Tier
from enterprises.models import DeclarationRound
from parks.models import DistrictMembership

from .conftest import token_client
from .factories import (
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    UserFactory,
    approved_filing,
    bureau_user,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ANSWERS = {"main_product": "数字人驱动引擎", "market_position": "细分领域前五", "innovation": "自研算法"}


@pytest.fixture
def clients():
    district = DistrictFactory()
    enterprise = EnterpriseFactory(district=district, park=ParkFactory(district=district))
    staff, stranger = UserFactory(), UserFactory()
    DistrictMembership.objects.create(user=staff, district=district)
    DistrictMembership.objects.create(user=stranger, district=DistrictFactory())
    return {
        "enterprise": enterprise, "filing": approved_filing(enterprise=enterprise, year=TODAY.year - 1),
        "user": token_client(EnterpriseMembershipFactory(enterprise=enterprise).user),
        "staff": token_client(staff), "stranger": token_client(stranger), "bureau": token_client(bureau_user()),
    }


def step(client, pk, name, body=None):
    return client.post(reverse(f"api:declaration-{name}", args=[pk]), body or {}, format="json")


def test_a_declaration_from_draft_to_designation_over_the_api(clients, client):
    opened = clients["bureau"].post(reverse("api:declarationround-list"), {
        "name": "2026年12月", "tier": Tier.INNOVATIVE, "rule_set": "2026", "cadence": "monthly",
        "opens": str(TODAY - DAY), "closes": str(TODAY + 20 * DAY), "review_starts": str(TODAY + 21 * DAY),
    }, format="json")
    assert opened.status_code == 201, opened.content
    assert opened.json()["is_open"] is True
    made = clients["user"].post(reverse("api:declaration-list"), {
        "round": opened.json()["id"], "enterprise": clients["enterprise"].pk, "filing": clients["filing"].pk,
        "answers": ANSWERS}, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert step(clients["user"], pk, "sign").status_code == 200
    assert step(clients["user"], pk, "submit").json()["status"] == DeclarationStatus.DISTRICT_REVIEW
    assert step(clients["stranger"], pk, "recommend").status_code == 404  # another district's: not there
    assert step(clients["user"], pk, "recommend").status_code == 403
    assert step(clients["staff"], pk, "recommend").json()["status"] == DeclarationStatus.CITY_REVIEW
    assert step(clients["staff"], pk, "approve", {"score": 90}).status_code == 403
    refused = step(clients["bureau"], pk, "approve", {"score": 120})
    assert refused.status_code == 400 and "score" in refused.json()
    approved = step(clients["bureau"], pk, "approve", {"score": "88.5", "opinion": "同意"})
    assert approved.json()["status"] == DeclarationStatus.PUBLICITY
    DeclarationRound.objects.filter(pk=opened.json()["id"]).update(
        opens=TODAY - 30 * DAY, closes=TODAY - 20 * DAY, review_starts=TODAY - 19 * DAY,
        publicity_starts=TODAY - 2 * DAY, publicity_ends=TODAY + 2 * DAY)
    public = client.get(reverse("api:publicity-list")).json()["results"]
    assert [(row["enterprise"], row["publicity_ends"]) for row in public] == [
        (clients["enterprise"].name, str(TODAY + 2 * DAY))]
    early = step(clients["bureau"], pk, "designate", {"certificate_number": "京2026-1"})
    assert early.status_code == 400 and "status" in early.json()
    DeclarationRound.objects.filter(pk=opened.json()["id"]).update(publicity_ends=TODAY - DAY)
    done = step(clients["bureau"], pk, "designate", {"certificate_number": "京2026-1"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == DeclarationStatus.DESIGNATED
    assert [s["action"] for s in done.json()["steps"]] == ["submit", "recommend", "approve", "designate"]
    assert clients["user"].get(reverse("api:tierdesignation-list")).json()["results"][0]["certificate_number"] == \
        "京2026-1"


def test_a_return_without_reason_is_a_field_error(clients):
    round_ = DeclarationRound.objects.create(name="r", tier=Tier.INNOVATIVE, rule_set="2026", cadence="monthly",
                                             opens=TODAY, closes=TODAY, review_starts=TODAY + DAY)
    made = clients["user"].post(reverse("api:declaration-list"), {
        "round": round_.pk, "enterprise": clients["enterprise"].pk, "filing": clients["filing"].pk,
        "answers": ANSWERS}, format="json").json()
    step(clients["user"], made["id"], "sign"), step(clients["user"], made["id"], "submit")
    answer = step(clients["staff"], made["id"], "return", {"reason": ""})
    assert answer.status_code == 400 and "reason" in answer.json()


def test_rounds_are_the_bureaus_to_open(clients):
    body = {"name": "x", "tier": Tier.INNOVATIVE, "rule_set": "2026", "cadence": "monthly", "opens": str(TODAY),
            "closes": str(TODAY), "review_starts": str(TODAY + DAY)}
    for name in ("user", "staff"):
        assert clients[name].post(reverse("api:declarationround-list"), body, format="json").status_code == 403
    bad = clients["bureau"].post(reverse("api:declarationround-list"), {**body, "rule_set": "1999"}, format="json")
    assert bad.status_code == 400 and "rule_set" in bad.json()
    assert not DeclarationRound.objects.exists()
