"""The pages a person sees before signing in — sign-in, password reset and its confirmation, the public publicity
list — at 1440 and 390 px, with no serious or critical accessibility violation (axe-core)."""

from .conftest import assert_accessible, shots

PAGES = [("sign-in", "/accounts/login/"), ("password-reset", "/accounts/password_reset/"),
         ("password-reset-done", "/accounts/password_reset/done/"), ("publicity", "/publicity/")]


def test_the_pages_before_signing_in_are_accessible(page):
    for name, path in PAGES:
        page.goto(f"{page.live_url}{path}")
        page.wait_for_load_state()
        assert page.locator("main").count() == 1
        shots(page, f"account-{name}")
        assert_accessible(page)
