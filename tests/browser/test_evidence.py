"""The evidence panel in the browser: an enterprise user attaches the audit report to a draft filing (htmx, in
place), downloads it back byte for byte under its Chinese name, is refused an .exe renamed .pdf on the field, and
removes the file; a park administrator attaches a lease contract scan on the tenancy's evidence page."""

import datetime

from enterprises.models import EvidenceFile, Tenancy
from tests.evidence_files import EXE, PDF
from tests.factories import AnnualFilingFactory

from .conftest import assert_accessible, login, shots

YEAR = 2025
# axe-core's checks leave an empty style="" on the inputs it measured; htmx's settle copies an element's old style
# attribute onto its new copy, which the CSP (style-src 'self') refuses with a console error. A person's page never
# carries them: after each check the empty attributes axe left are taken away again.
AXE_LEFTOVERS = "document.querySelectorAll('[style=\"\"]').forEach(element => element.removeAttribute('style'))"


def accessible(page) -> None:
    """assert_accessible, then remove what axe-core left on the page."""
    assert_accessible(page)
    page.evaluate(AXE_LEFTOVERS)


def test_an_enterprise_user_attaches_downloads_and_removes_the_audit_report(page, world):
    filing = AnnualFilingFactory(enterprise=world.ours, year=YEAR)
    panel = f"#evidence-filing-{filing.pk}"
    login(page, "enterprise_user", f"/me/filings/{filing.pk}/")
    page.goto(f"{page.live_url}/me/filings/{filing.pk}/")
    assert page.locator(panel).get_attribute("data-count") == "0"
    assert "尚无证明材料" in page.locator(panel).inner_text()
    shots(page, "evidence-01-empty")
    accessible(page)

    # Upload: the panel is swapped in place with the file listed and a notice.
    page.set_input_files(f"{panel}-file", files=[{"name": "2025年度审计报告.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF}])
    page.click(f"{panel} .evidence-upload button[type=submit]")
    page.wait_for_selector(f'{panel}[data-count="1"]')
    assert page.url.endswith(f"/me/filings/{filing.pk}/")  # no navigation: htmx swapped the panel
    assert "已上传 2025年度审计报告.pdf。" in page.locator(f"{panel} .evidence-notice").inner_text()
    row = page.locator(f"{panel} tbody tr")
    assert row.locator("td").nth(1).inner_text() == "审计报告"
    shots(page, "evidence-02-uploaded")
    accessible(page)

    # Download: the same bytes, under the name it was uploaded with.
    with page.expect_download() as caught:
        row.locator("a").click()
    download = caught.value
    assert download.suggested_filename == "2025年度审计报告.pdf"
    with open(download.path(), "rb") as got:
        assert got.read() == PDF

    # An executable renamed .pdf: refused on the file field, nothing stored.
    page.set_input_files(f"{panel}-file", files=[{"name": "发票.pdf", "mimeType": "application/pdf", "buffer": EXE}])
    page.click(f"{panel} .evidence-upload button[type=submit]")
    page.wait_for_selector(f"{panel}-file-errors")
    assert "文件内容不是 .pdf 文件" in page.locator(f"{panel}-file-errors").inner_text()
    assert page.locator(f"{panel}-file").get_attribute("aria-invalid") == "true"
    assert EvidenceFile.objects.filter(filing=filing).count() == 1
    shots(page, "evidence-03-refused")
    accessible(page)

    # Remove, after confirming.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"{panel} .evidence-remove")
    page.wait_for_selector(f'{panel}[data-count="0"]')
    assert "已删除 2025年度审计报告.pdf。" in page.locator(f"{panel} .evidence-notice").inner_text()
    assert not EvidenceFile.objects.filter(filing=filing).exists()
    shots(page, "evidence-04-removed")
    accessible(page)


def test_a_park_administrator_attaches_a_lease_contract_scan(page, world):
    tenancy = Tenancy.objects.get(enterprise=world.ours, start=datetime.date(2024, 1, 1))
    panel = f"#evidence-tenancy-{tenancy.pk}"
    login(page, "park_admin", f"/me/evidence/tenancy/{tenancy.pk}/")
    page.goto(f"{page.live_url}/me/evidence/tenancy/{tenancy.pk}/")
    assert page.locator(f"{panel}-kind option").all_inner_texts() == ["租赁合同扫描件"]
    shots(page, "evidence-05-tenancy")
    accessible(page)
    page.set_input_files(f"{panel}-file", files=[{"name": "租赁合同.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF}])
    page.click(f"{panel} .evidence-upload button[type=submit]")
    page.wait_for_selector(f'{panel}[data-count="1"]')
    assert EvidenceFile.objects.get(tenancy=tenancy).original_name == "租赁合同.pdf"
    shots(page, "evidence-06-tenancy-uploaded")
    accessible(page)
