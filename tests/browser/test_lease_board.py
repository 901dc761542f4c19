"""The lease board in a real browser, as a park administrator uses it: open the board (租控表) from the navigation,
let a vacant unit from it and see it let, import a tenancy file through the upload form with one bad row shown,
fix it, import again and find the tenancy on the board by the unit's own label; the admin's tenancy list shows
剩余天数 and 租金 at 1440 px. Every page is checked with axe-core and shot at 1440 and 390 px."""

import csv
import datetime
import io
import re

from django.utils import timezone

from enterprises.models import Tenancy
from tests.factories import UnitFactory

from .conftest import assert_accessible, login, shots

TODAY, DAY = timezone.localdate(), datetime.timedelta(days=1)
HEADER = ["统一社会信用代码", "园区", "楼栋", "楼层", "房间号", "起租日期", "租期至", "租金（元/m²/天）", "合同编号",
          "押金（元）", "免租期（月）"]


def csv_upload(rows) -> dict:
    """Rows as a CSV file for the file input (UTF-8 with a byte-order mark, as Excel writes it)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return {"name": "tenancies.csv", "mimeType": "text/csv", "buffer": ("\ufeff" + buffer.getvalue()).encode()}


def card(page, label: str):
    """The board's card of a unit, by its own label."""
    return page.locator(f'.unit-card[data-unit="{label}"]')


def test_park_administrator_lets_a_unit_and_imports_tenancies_from_the_board(page, world):
    UnitFactory(park=world.park, building="C座", floor="5", room="501")
    login(page, "park_admin", "/")
    page.click("header nav >> text=租控表")
    page.wait_for_url(re.compile(r".*/board/$"))
    assert page.locator("h1").inner_text() == "租控表 · 朝阳数字人基地"
    assert card(page, "A-1-102").get_attribute("data-status") == "vacant"
    assert card(page, "A-1-100").get_attribute("data-status") == "let"
    assert "光境数字" in card(page, "A-1-100").inner_text()
    assert "通州" not in page.inner_text("main")  # another park's units are not on this board
    assert_accessible(page)
    shots(page, "lease-board-01-board")

    # Let the vacant unit from the board.
    card(page, "A-1-102").locator("a.let-link").click()
    page.wait_for_url(re.compile(r".*/board/units/\d+/let/$"))
    assert page.locator("h1").inner_text() == "出租 A-1-102"
    assert_accessible(page)
    shots(page, "lease-board-02-let-form")
    page.select_option("#id_enterprise", label="新来数字人有限公司")
    page.fill("#id_start", (TODAY - 30 * DAY).isoformat())
    page.fill("#id_last_day", (TODAY + 45 * DAY).isoformat())  # 46 days left, today counted
    page.fill("#id_rent", "4.50")
    page.fill("#id_contract_number", "HT-2026-102")
    page.fill("#id_deposit", "36000")
    page.fill("#id_rent_free_months", "2")
    page.click("#let-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/board/\?park=\d+$"))
    assert "A-1-102 已出租给 新来数字人" in page.inner_text(".messages")
    let_card = card(page, "A-1-102")
    assert let_card.get_attribute("data-status") == "ending_60"
    text = let_card.inner_text()
    assert "新来数字人" in text and (TODAY + 45 * DAY).isoformat() in text and "剩余 46 天" in text
    tenancy = Tenancy.objects.get(unit=world.units[2])
    assert tenancy.last_day == TODAY + 45 * DAY and tenancy.contract_number == "HT-2026-102"
    assert_accessible(page)
    shots(page, "lease-board-03-let")

    # Import a tenancy file through the upload form: one bad row is shown, nothing is written.
    page.click("main >> text=导入租赁")
    page.wait_for_url(re.compile(r".*/board/import/$"))
    assert page.get_attribute("#template-xlsx", "href").endswith("/api/v1/imports/templates/tenancies/?format=xlsx")
    assert_accessible(page)
    shots(page, "lease-board-04-import-form")
    good = [world.neighbour.credit_code, world.park.name, "C座", "5", "501", "2025-03-01", "2027-02-28", "5.00",
            "HT-2025-501", "20000", "1"]
    bad = [world.neighbour.credit_code, world.park.name, "C座", "5", "599", "2025-03-01", "", "", "", "", ""]
    page.set_input_files("#import-file", csv_upload([HEADER, good, bad]))
    page.click("#import-form button[name=dry_run]")
    page.wait_for_selector("#row-errors")
    cells = [c.strip() for c in page.locator("#row-errors tbody tr").first.locator("td").all_inner_texts()]
    assert cells[:2] == ["3", "房间号"] and "C座-5-599" in cells[2]
    assert page.get_attribute("#import-report", "data-written") == "false"
    assert not Tenancy.objects.filter(unit__room="501").exists()
    assert_accessible(page)
    shots(page, "lease-board-05-import-row-error")

    # Fixed: checked, then imported for real.
    page.set_input_files("#import-file", csv_upload([HEADER, good]))
    page.click("#import-form button[name=dry_run]")
    page.wait_for_selector("#import-report[data-dry-run=true]")
    assert page.locator("#row-errors").count() == 0 and not Tenancy.objects.filter(unit__room="501").exists()
    shots(page, "lease-board-06-import-checked")
    page.click("#import-checked button[name=run]")  # the checked file, not chosen again
    page.wait_for_selector("#import-report[data-written=true]")
    assert page.locator("#report-title").inner_text() == "已导入"
    assert_accessible(page)
    shots(page, "lease-board-07-imported")

    # The imported tenancy on the board, found by the unit's own label.
    page.click("main >> text=租控表")
    page.fill("#board-q", "C座-5-501")
    page.click("#board-filters button[type=submit]")
    page.wait_for_url(re.compile(r".*q=C%E5%BA%A7-5-501.*"))
    page.wait_for_selector('.unit-card[data-unit="C座-5-501"]')
    assert page.locator(".unit-card").count() == 1
    found = card(page, "C座-5-501").inner_text()
    assert "星河虚拟人" in found and "2027-02-28" in found  # 租期至: the last day, as the file gave it
    assert_accessible(page)
    shots(page, "lease-board-08-search-label")

    # The admin's tenancy list: 剩余天数 and 租金 in view at 1440 px.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{page.live_url}/admin/enterprises/tenancy/")
    for header in ("剩余天数", "租金", "租期至"):
        box = page.locator("#result_list thead th", has_text=header).first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1440, header
    shots(page, "lease-board-09-admin-tenancies")
