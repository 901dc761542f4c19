"""A write's scope is not looked up a second time only where seeing a record whole grants the action
(`access.scoping.view_implies`, docs/design-rules.md): the two conditions are the same for the user. A user holding
roles that give the view and not the action is still asked, and refused, as before."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from access.scoping import ADD, CHANGE, REVIEW, VIEW, view_implies
from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling, Enterprise, Tenancy

from .factories import (
    AnnualFilingFactory,
    EnterpriseMembershipFactory,
    ParkMembershipFactory,
    bureau_user,
)

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user read again (their roles not remembered)."""
    return get_user_model().objects.get(pk=user.pk)


def test_which_actions_seeing_whole_implies():
    assert view_implies(user=bureau_user(), model=AnnualFiling, action=REVIEW)
    admin = ParkMembershipFactory().user
    assert view_implies(user=fresh(admin), model=AnnualFiling, action=REVIEW)  # their parks' filings, both
    assert view_implies(user=fresh(admin), model=Tenancy, action=ADD)
    member = EnterpriseMembershipFactory().user
    assert not view_implies(user=fresh(member), model=AnnualFiling, action=REVIEW)  # sees, never reviews
    assert view_implies(user=fresh(member), model=Enterprise, action=CHANGE)
    assert view_implies(user=fresh(member), model=Enterprise, action=VIEW)
    EnterpriseMembershipFactory(user=admin)  # now also an enterprise's user: sees its filings, may not review them
    assert not view_implies(user=fresh(admin), model=AnnualFiling, action=REVIEW)


def test_an_administrator_who_is_also_the_enterprise_user_is_still_refused_its_review():
    membership = ParkMembershipFactory()
    own = EnterpriseMembershipFactory(user=membership.user).enterprise
    own.park = membership.park
    own.save()
    filing = AnnualFilingFactory(enterprise=own, status=FilingStatus.SUBMITTED, park=None, submitted_at=timezone.now())
    client = APIClient()
    client.force_authenticate(fresh(membership.user))
    response = client.post(f"/api/v1/filings/{filing.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
