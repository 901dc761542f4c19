"""Look-alike usernames: `PT_UX` beside `pt_ux`, a full-width `ｐｔ＿ｕｘ`, a Cyrillic `е` in `burеau`.

Before the fix each was a separate account, so one could pass for another in every list, history and
message. Now usernames are NFKC-normalised and compared case-insensitively (a unique index on their upper
case, the invitation finding the existing account, sign-in matching either case), and names mixing look-alike
scripts are refused with a message on `username`."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from config.usernames import username_validate
from enterprises.models import EnterpriseMembership
from registry.seeding import DEMO_ACCOUNTS

from ..conftest import token_client
from ..factories import EnterpriseFactory, ParkFactory, UserFactory, bureau_user

pytestmark = pytest.mark.django_db

CYRILLIC_BUREAU = "bur\u0435au"  # a Cyrillic е (U+0435) among Latin letters
GREEK_ADMIN = "\u03b1dmin"  # a Greek α before Latin letters
ALL_CYRILLIC_LOOKALIKE = "\u0440\u0430\u0443\u0440\u0430l"[:-1] + "\u04cf"  # рауpаӏ: Cyrillic letters only


def invite(client, username: str, **where):
    """POST an invitation of `username` to a new park unless `where` names one."""
    where = where or {"park": ParkFactory().pk}
    return client.post(reverse("api:invitation"), {"username": username, "email": "someone@example.com", **where},
                       format="json")


def test_a_case_variant_of_an_existing_username_is_the_same_account(smtp_server):
    existing = UserFactory(username="pt_ux")
    enterprise = EnterpriseFactory()
    bureau = token_client(bureau_user())
    for variant in ("PT_UX", "Pt_Ux", "ｐｔ＿ｕｘ"):  # the last full-width, NFKC folds it
        answer = invite(bureau, variant, enterprise=enterprise.pk)
        assert answer.status_code == 201, answer.data
    assert list(get_user_model().objects.filter(username__iexact="pt_ux").values_list("pk", flat=True)) == [
        existing.pk]
    assert EnterpriseMembership.objects.filter(user=existing, enterprise=enterprise).exists()


def test_the_database_refuses_a_case_variant_whatever_writes_it():
    UserFactory(username="pt_ux")
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create(username="PT_UX")


@pytest.mark.parametrize("username", [CYRILLIC_BUREAU, GREEK_ADMIN, ALL_CYRILLIC_LOOKALIKE])
def test_confusable_usernames_are_refused_with_a_field_message(username, smtp_server):
    bureau = token_client(bureau_user(username="bureau"))
    answer = invite(bureau, username)
    assert answer.status_code == 400 and "username" in answer.data, answer.data
    english = bureau.post(reverse("api:invitation"), {"username": username, "email": "x@example.com",
                                                      "park": ParkFactory().pk}, format="json",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert "look" in str(english.data["username"][0]).lower()
    assert "字母" in str(answer.data["username"][0])  # Chinese by default
    assert not get_user_model().objects.filter(username=username).exists()
    assert smtp_server.messages == []


def test_names_in_one_script_and_chinese_names_stay_allowed(smtp_server):
    bureau = token_client(bureau_user())
    for username in ("zhang.san", "张三", "张三_zs", "иван"):
        assert invite(bureau, username).status_code == 201, username


def test_sign_in_matches_either_case_and_full_width(anon_client):
    UserFactory(username="pt_ux")
    for typed in ("pt_ux", "PT_UX", "ｐｔ＿ｕｘ"):
        response = anon_client.post(reverse("api:token"), {"username": typed, "password": "pw"}, format="json")
        assert response.status_code == 200, (typed, response.data)
    assert anon_client.post(reverse("api:token"), {"username": CYRILLIC_BUREAU.replace("bur", "pt_"),
                                                   "password": "pw"}, format="json").status_code == 400


def test_the_sign_in_page_matches_either_case(client):
    UserFactory(username="pt_ux")
    response = client.post(reverse("login"), {"username": "PT_UX", "password": "pw"})
    assert response.status_code == 302 and client.session.get("_auth_user_id")


def test_the_admin_add_form_refuses_look_alikes(client):
    UserFactory(username="pt_ux")
    client.force_login(bureau_user(is_staff=True))
    url = reverse("admin:auth_user_add")
    for username in ("PT_UX", CYRILLIC_BUREAU):
        response = client.post(url, {"username": username, "password1": "Zq8-good-password", "password2":
                                     "Zq8-good-password", "usable_password": "true"})
        assert response.status_code == 200, username  # the form again, with its error
        assert response.context["adminform"].form.errors.get("username"), username
    assert not get_user_model().objects.filter(username__in=["PT_UX", CYRILLIC_BUREAU]).exists()


def test_createsuperuser_refuses_a_look_alike(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Zq8-good-password")
    with pytest.raises(CommandError, match="alphabet|字母"):
        call_command("createsuperuser", username=CYRILLIC_BUREAU, email="x@example.com", interactive=False,
                     verbosity=0)
    assert not get_user_model().objects.filter(username=CYRILLIC_BUREAU).exists()


def test_the_seeds_demo_accounts_pass_the_username_rules():
    assert [username for username, *_rest in DEMO_ACCOUNTS] == [
        "bureau", "park_admin", "enterprise_user", "district_staff"]
    for username, *_rest in DEMO_ACCOUNTS:
        username_validate(username)
