"""Lost fields: a form or serializer saved unchanged must change nothing (finding 11).

The attack: an enterprise user opens the profile on /me/ and saves it without touching anything; the founding
date, rendered in a format <input type=date> cannot show, went back empty and null was written over it
(history: 2021-03-15 -> None).
"""

import datetime

import pytest
from django.urls import reverse

from ..factories import EnterpriseFactory, EnterpriseMembershipFactory
from ..html_forms import post_back

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


def test_profile_saved_unchanged_keeps_the_founding_date(client):
    enterprise = EnterpriseFactory(founded=datetime.date(2021, 3, 15))
    client.force_login(EnterpriseMembershipFactory(enterprise=enterprise).user)
    url = reverse("enterprise-profile", args=[enterprise.pk])
    body = post_back(client.get(url).content.decode())
    assert client.post(url, body, content_type=FORM).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.founded == datetime.date(2021, 3, 15)
    assert [record.founded for record in enterprise.history.all()] == [datetime.date(2021, 3, 15)]
