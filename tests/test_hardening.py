"""Hardening: deploy checks, secrets from the environment, throttling, CSRF, and clear 400s for bad input."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from enterprises.models import Tenancy

from .factories import EnterpriseFactory, ParkFactory, UnitFactory, bureau_user
from .settings_probe import manage

pytestmark = pytest.mark.django_db


def test_production_settings_pass_the_deploy_check():
    code, out = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(60),
                       DJANGO_SETTINGS_MODULE="config.settings.production", ALLOWED_HOSTS="registry.example.cn")
    assert code == 0, out
    assert "System check identified no issues (0 silenced)." in out


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, capture_output=True,
                          text=True, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"}, timeout=120)
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr


def test_token_endpoint_is_throttled():
    client = APIClient()  # a username each time (the same one is locked out sooner)
    statuses = [client.post(reverse("api:token"), {"username": f"somebody{n}", "password": "wrong"}).status_code
                for n in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


@pytest.mark.parametrize("url_name", ["admin:login", "login"])
def test_sign_in_forms_are_throttled(client, url_name):
    url = reverse(url_name)
    # A username each time (the same one is locked out sooner: tests/security/test_throttle_proxies.py).
    statuses = [client.post(url, {"username": f"x{n}", "password": "y"}).status_code for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert client.get(url).status_code == 200  # reading the form is never throttled


def test_session_writes_need_the_csrf_token():
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(bureau_user())
    body = {"name": "会话园区", "district": ParkFactory().district_id}
    refused = client.post(reverse("api:park-list"), body, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.data["detail"]
    client.get(reverse("login"))  # a page with a form sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    assert client.post(reverse("api:park-list"), body, format="json", HTTP_X_CSRFTOKEN=token).status_code == 201


def test_malformed_json_and_wrong_types_are_clear_400s(bureau_client):
    url = reverse("api:unit-list")
    broken = bureau_client.generic("POST", url, '{"park": 1, "area": ', content_type="application/json")
    assert broken.status_code == 400 and "JSON" in broken.data["detail"]
    wrong = bureau_client.post(url, {"park": "one", "building": ["A"], "floor": "1", "room": "1", "area": "big"},
                               format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.status_code == 400
    assert {"park", "building", "area"} <= set(wrong.data)
    assert "number" in wrong.data["area"][0]


def test_read_only_fields_are_not_writable(bureau_client):
    unit, other_park = UnitFactory(), ParkFactory()
    body = {"id": 999999, "unit": unit.pk, "park": other_park.pk, "enterprise": EnterpriseFactory().pk,
            "start": "2025-01-01"}
    response = bureau_client.post(reverse("api:tenancy-list"), body, format="json")
    assert response.status_code == 201
    tenancy = Tenancy.objects.get()
    assert tenancy.pk != 999999 and tenancy.park_id == unit.park_id


def test_errors_answer_in_the_language_asked_for(bureau_client):
    url = reverse("api:unit-list")
    body = {"park": ParkFactory().pk, "building": "A", "floor": "1", "room": "1", "area": "-1"}
    chinese = bureau_client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans").data["area"][0]
    english = bureau_client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en").data["area"][0]
    assert "0.01" in chinese and "0.01" in english and chinese != english


def test_an_api_url_nothing_serves_answers_json(bureau_client):
    response = bureau_client.get("/api/v1/parks/abc/occupancy/")
    assert response.status_code == 404 and response.json()["detail"]
