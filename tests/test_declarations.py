"""The declaration process in its services: one declaration from draft to designation with its four actors, every
step recorded; every illegal move refused with the status unchanged; each role only its own steps; the designation
written all or nothing; objections; and the daily re-review opening once and revoking only what lapsed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from enterprises import declarations as services
from enterprises.choices import DeclarationAction, DeclarationKind, DeclarationStatus, Tier
from enterprises.models import Declaration, DeclarationRound, DeclarationStep, TierDesignation
from parks.models import DistrictMembership

from .factories import (
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    ParkMembershipFactory,
    TierDesignationFactory,
    UserFactory,
    approved_filing,
    bureau_user,
)

pytestmark = pytest.mark.django_db
S = DeclarationStatus
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ANSWERS = {"main_product": "数字人建模引擎", "market_position": "细分市场前三", "innovation": "自研驱动算法"}


@pytest.fixture
def actors():
    """An enterprise of a district with its user and approved filing, the district's staff, another district's
    staff, the park's administrator and the bureau; an open round of the innovative tier."""
    district, elsewhere = DistrictFactory(), DistrictFactory()
    park = ParkFactory(district=district)
    enterprise = EnterpriseFactory(district=district, park=park)
    user = EnterpriseMembershipFactory(enterprise=enterprise).user
    staff, stranger = UserFactory(username="district_staff"), UserFactory(username="other_district")
    DistrictMembership.objects.create(user=staff, district=district)
    DistrictMembership.objects.create(user=stranger, district=elsewhere)
    bureau = bureau_user(username="bureau")
    declaration_round = services.round_open(
        user=bureau, name="2026年第四季度", tier=Tier.INNOVATIVE, rule_set="2026", cadence="quarterly",
        opens=TODAY - 10 * DAY, closes=TODAY + 10 * DAY, review_starts=TODAY + 11 * DAY)
    return {"enterprise": enterprise, "user": user, "staff": staff, "stranger": stranger, "bureau": bureau,
            "admin": ParkMembershipFactory(park=park).user, "round": declaration_round,
            "filing": approved_filing(enterprise=enterprise, year=TODAY.year - 1)}


def submitted(actors) -> Declaration:
    """A declaration drafted, answered, signed and submitted by the enterprise's user."""
    declaration = services.declaration_create(user=actors["user"], declaration_round=actors["round"],
                                              enterprise=actors["enterprise"], filing=actors["filing"],
                                              answers=ANSWERS)
    services.declaration_sign(user=actors["user"], declaration=declaration)
    return services.declaration_submit(user=actors["user"], declaration=declaration)


def in_publicity(actors) -> Declaration:
    """A declaration recommended, approved, and in a publicity that ended yesterday."""
    declaration = services.declaration_recommend(user=actors["staff"], declaration=submitted(actors))
    declaration = services.declaration_approve(user=actors["bureau"], declaration=declaration, score=Decimal("86.5"),
                                               opinion="专家组同意")
    DeclarationRound.objects.filter(pk=actors["round"].pk).update(
        review_starts=TODAY - 20 * DAY, closes=TODAY - 21 * DAY, opens=TODAY - 30 * DAY,
        publicity_starts=TODAY - 6 * DAY, publicity_ends=TODAY - DAY)
    return declaration


def test_one_declaration_from_draft_to_designation(actors):
    declaration = in_publicity(actors)
    declaration = services.declaration_designate(user=actors["bureau"], declaration=declaration,
                                                 certificate_number="京创新2026-0001")
    assert declaration.status == S.DESIGNATED
    designation = declaration.designation
    assert (designation.enterprise, designation.tier, designation.batch, designation.certificate_number) == (
        actors["enterprise"], Tier.INNOVATIVE, "2026年第四季度", "京创新2026-0001")
    assert designation.valid_until == TODAY.replace(year=TODAY.year + 3) - DAY
    steps = list(declaration.steps.values_list("action", "from_status", "to_status", "actor__username"))
    assert steps == [
        (DeclarationAction.SUBMIT, S.DRAFT, S.DISTRICT_REVIEW, actors["user"].username),
        (DeclarationAction.RECOMMEND, S.DISTRICT_REVIEW, S.CITY_REVIEW, "district_staff"),
        (DeclarationAction.APPROVE, S.CITY_REVIEW, S.PUBLICITY, "bureau"),
        (DeclarationAction.DESIGNATE, S.PUBLICITY, S.DESIGNATED, "bureau"),
    ]
    assert declaration.city_score == Decimal("86.50")


STEPS = {
    "submit": lambda a, d: services.declaration_submit(user=a["user"], declaration=d),
    "recommend": lambda a, d: services.declaration_recommend(user=a["staff"], declaration=d),
    "return": lambda a, d: services.declaration_return(user=a["bureau"], declaration=d, reason="补充材料"),
    "reject": lambda a, d: services.declaration_reject(user=a["bureau"], declaration=d, reason="不符合条件"),
    "approve": lambda a, d: services.declaration_approve(user=a["bureau"], declaration=d, score=Decimal(80)),
    "designate": lambda a, d: services.declaration_designate(user=a["bureau"], declaration=d,
                                                             certificate_number="X-1"),
}
ALLOWED = {
    "submit": {S.DRAFT, S.RETURNED}, "recommend": {S.DISTRICT_REVIEW},
    "return": {S.DISTRICT_REVIEW, S.CITY_REVIEW}, "reject": {S.DISTRICT_REVIEW, S.CITY_REVIEW},
    "approve": {S.CITY_REVIEW}, "designate": {S.PUBLICITY},
}


@pytest.mark.parametrize("step", sorted(STEPS))
@pytest.mark.parametrize("status", [s.value for s in S])
def test_every_illegal_move_is_refused_and_changes_nothing(actors, step, status):
    if status in ALLOWED[step]:
        return
    declaration = submitted(actors)
    designation = TierDesignationFactory(enterprise=actors["enterprise"]) if status == S.DESIGNATED else None
    Declaration.objects.filter(pk=declaration.pk).update(status=status, designation=designation)
    steps = DeclarationStep.objects.count()
    with pytest.raises(ValidationError) as refused:
        STEPS[step](actors, Declaration.objects.get(pk=declaration.pk))
    assert "status" in refused.value.message_dict
    assert Declaration.objects.get(pk=declaration.pk).status == status
    assert DeclarationStep.objects.count() == steps


def test_each_role_takes_only_its_own_steps(actors):
    declaration = submitted(actors)
    for user in (actors["user"], actors["stranger"], actors["admin"]):
        with pytest.raises(PermissionDenied):
            services.declaration_recommend(user=user, declaration=declaration)
    services.declaration_recommend(user=actors["staff"], declaration=declaration)
    for user in (actors["user"], actors["staff"], actors["admin"]):
        with pytest.raises(PermissionDenied):
            services.declaration_approve(user=user, declaration=declaration, score=Decimal(90))
        with pytest.raises(PermissionDenied):
            services.declaration_return(user=user, declaration=declaration, reason="x")
    assert Declaration.objects.get(pk=declaration.pk).status == S.CITY_REVIEW
    with pytest.raises(PermissionDenied):
        services.round_open(user=actors["staff"], name="x", tier=Tier.INNOVATIVE, rule_set="2026",
                            cadence="monthly", opens=TODAY, closes=TODAY, review_starts=TODAY + DAY)


def test_a_submission_lacking_anything_is_refused_field_by_field(actors):
    declaration = services.declaration_create(user=actors["user"], declaration_round=actors["round"],
                                              enterprise=actors["enterprise"])
    with pytest.raises(ValidationError) as refused:
        services.declaration_submit(user=actors["user"], declaration=declaration)
    assert set(refused.value.message_dict) == {"filing", "answers", "commitment"}
    services.declaration_update(user=actors["user"], declaration=declaration, filing=actors["filing"],
                                answers=ANSWERS)
    services.declaration_sign(user=actors["user"], declaration=declaration)
    services.declaration_update(user=actors["user"], declaration=declaration, answers={"innovation": "改了"})
    with pytest.raises(ValidationError) as refused:  # a change after signing needs a new signature
        services.declaration_submit(user=actors["user"], declaration=declaration)
    assert set(refused.value.message_dict) == {"commitment"}
    assert Declaration.objects.get(pk=declaration.pk).status == S.DRAFT


def test_an_update_to_the_same_filing_and_answers_changes_nothing(actors):
    """Values sent back as they are (a PUT of a GET's body) are no change: the signature stays, nothing is written."""
    declaration = services.declaration_create(user=actors["user"], declaration_round=actors["round"],
                                              enterprise=actors["enterprise"], filing=actors["filing"],
                                              answers=ANSWERS)
    signed = services.declaration_sign(user=actors["user"], declaration=declaration)
    services.declaration_update(user=actors["user"], declaration=declaration, filing=actors["filing"],
                                answers=dict(ANSWERS))
    kept = Declaration.objects.get(pk=declaration.pk)
    assert (kept.commitment_signed_at, kept.updated) == (signed.commitment_signed_at, signed.updated)
    assert kept.history.count() == signed.history.count()


def test_a_return_needs_its_reason_and_the_enterprise_submits_again(actors):
    declaration = submitted(actors)
    with pytest.raises(ValidationError) as refused:
        services.declaration_return(user=actors["staff"], declaration=declaration, reason="  ")
    assert "reason" in refused.value.message_dict
    services.declaration_return(user=actors["staff"], declaration=declaration, reason="请补充研发投入说明")
    services.declaration_sign(user=actors["user"], declaration=declaration)
    declaration = services.declaration_submit(user=actors["user"], declaration=declaration)
    assert declaration.status == S.DISTRICT_REVIEW
    returned = list(declaration.steps.values_list("action", "reason"))[1]
    assert returned == (DeclarationAction.RETURN, "请补充研发投入说明")


def test_the_designation_is_written_all_or_nothing(actors):
    declaration = in_publicity(actors)
    TierDesignationFactory(enterprise=actors["enterprise"], tier=Tier.INNOVATIVE, granted_on=TODAY)  # in the way
    designations = TierDesignation.objects.count()
    with pytest.raises(ValidationError):
        services.declaration_designate(user=actors["bureau"], declaration=declaration, certificate_number="X-2")
    declaration.refresh_from_db()
    assert (declaration.status, declaration.designation) == (S.PUBLICITY, None)
    assert TierDesignation.objects.count() == designations
    assert not declaration.steps.filter(action=DeclarationAction.DESIGNATE).exists()


def test_no_designation_before_publicity_ends_or_with_an_objection_open(actors):
    declaration = in_publicity(actors)
    DeclarationRound.objects.filter(pk=actors["round"].pk).update(publicity_ends=TODAY)
    with pytest.raises(ValidationError):
        services.declaration_designate(user=actors["bureau"], declaration=declaration, certificate_number="X-3")
    objection = services.objection_record(user=actors["bureau"], declaration=declaration, received_on=TODAY,
                                          objector="张某（署名）", text="研发费用不实")
    DeclarationRound.objects.filter(pk=actors["round"].pk).update(publicity_ends=TODAY - DAY)
    with pytest.raises(ValidationError):
        services.declaration_designate(user=actors["bureau"], declaration=declaration, certificate_number="X-3")
    services.objection_decide(user=actors["bureau"], objection=objection, upheld=True, reason="经核实属实")
    declaration.refresh_from_db()
    assert declaration.status == S.WITHDRAWN
    assert declaration.steps.last().action == DeclarationAction.OBJECTION_UPHELD


def test_objections_are_confidential(actors):
    declaration = in_publicity(actors)
    services.objection_record(user=actors["bureau"], declaration=declaration, received_on=TODAY, objector="李某",
                              text="x")
    from enterprises.models import Objection

    assert Objection.objects.restrict(actors["staff"]).count() == 1
    for user in (actors["user"], actors["admin"], actors["stranger"]):
        assert not Objection.objects.restrict(user).exists()


def test_re_review_opens_once_and_revokes_only_what_lapsed(actors):
    enterprise = actors["enterprise"]
    due = TierDesignationFactory(enterprise=enterprise, tier=Tier.INNOVATIVE,
                                 granted_on=TODAY.replace(year=TODAY.year - 3) + 60 * DAY)
    opened = services.designations_open_re_reviews()
    assert [(d.enterprise, d.kind, d.status) for d in opened] == [(enterprise, DeclarationKind.RE_REVIEW, S.DRAFT)]
    assert services.designations_open_re_reviews() == []  # a second run opens nothing
    # Lapsed: expired yesterday with a round open while it was due, and no re-review designated.
    TierDesignation.objects.filter(pk=due.pk).update(valid_until=TODAY - DAY)
    other = EnterpriseFactory()
    never_reviewable = TierDesignationFactory(enterprise=other, tier=Tier.SPECIALISED,
                                              granted_on=TODAY.replace(year=TODAY.year - 4))
    assert services.designations_revoke_lapsed() == 1
    due.refresh_from_db(), never_reviewable.refresh_from_db()
    assert due.revoked_on == TODAY and due.revoke_reason
    assert never_reviewable.revoked_on is None  # no round of its tier ever open while it was due: it expires
    assert services.designations_revoke_lapsed() == 0
