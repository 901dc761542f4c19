"""The park services page in a real browser, as a park administrator uses it (branch parksvc): open 园区服务 from
the navigation, add a financing-matching service (a mobile number as its contact refused on its field first), see it
offered on the page, then find it, with the park, in the public directory as anyone does, signed out. Every page is
checked with axe-core and shot at 1440 and 390 px."""

import json
import re

from django.utils import timezone

from parks.models import ParkService

from .conftest import assert_accessible, login, shots


def test_park_administrator_adds_a_service_and_the_directory_shows_it(page, browser, world):
    login(page, "park_admin", "/")
    page.click("header nav >> text=园区服务")
    page.wait_for_url(re.compile(r".*/park-services/$"))
    assert page.locator("h1").inner_text() == "园区服务与政策 · 朝阳数字人基地"
    assert "该园区尚未登记服务" in page.inner_text("#services-table")
    assert_accessible(page)
    shots(page, "park-services-01-list")

    page.click("#service-add")
    page.wait_for_url(re.compile(r".*/park-services/parks/\d+/add/$"))
    assert page.locator("h1").inner_text() == "添加服务"
    page.select_option("#id_kind", label="投融资对接")
    page.fill("#id_title", "数字人企业投融资路演")
    page.fill("#id_description", "每季度一期，对接天使投资与产业基金")
    page.fill("#id_contact", "13812345678")  # a person's mobile: refused
    page.fill("#id_offered_from", timezone.localdate().replace(day=1).isoformat())
    page.click("#service-form button[type=submit]")
    assert "不要填写个人手机号码" in page.inner_text(".field.has-error")
    assert not ParkService.objects.exists()
    assert_accessible(page)
    shots(page, "park-services-02-refused")
    page.fill("#id_contact", "invest@example.com")
    page.click("#service-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/park-services/\?park=\d+$"))
    assert "已保存：数字人企业投融资路演" in page.inner_text(".messages")
    row = page.locator("#services-table tbody tr", has_text="数字人企业投融资路演")
    assert "投融资对接" in row.inner_text() and row.locator(".service-status").inner_text() == "提供中"
    assert_accessible(page)
    shots(page, "park-services-03-added")

    # Anyone, signed out, finds it with the park in the public directory.
    visitor = browser.new_context(locale="zh-CN")
    directory = visitor.new_page()
    directory.goto(f"{page.live_url}/api/v1/directory/parks/{world.park.pk}/?format=json")
    answer = json.loads(directory.inner_text("body"))
    visitor.close()
    assert answer["name"] == "朝阳数字人基地"
    assert [(s["kind"], s["title"], s["contact"]) for s in answer["services"]] == [
        ("financing", "数字人企业投融资路演", "invest@example.com")]
