"""Tips and blind deconfliction in real browsers, on the demo data.

A member of the public sends a tip; the FBI task force's coordinator sees it arrive live
and assigns it to Joplin PD; Joplin PD turns it into a case and adds a phone number that
KCPD's I-70 case already holds. Both agencies' dashboards, open in their own browser
contexts, show the notice live: the other agency and whom to call, nothing of the other
case.
"""

import pytest

from tests.e2e.test_live_dashboard import PASSWORD, dashboard, shot
from tests.e2e.test_live_dashboard import server as server  # the fixture

pytestmark = pytest.mark.e2e

TIP_TEXT = "A teenage girl working the front desk at 2 am, an older man holding her phone."
JPD_TITLE = "Joplin truck stop referral"
# KCPD's demo case carries this number (tips/demo.py).
SHARED_PHONE = "816 555 0117"


def signed_in(browser, server, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page


def test_a_public_tip_becomes_a_case_and_both_agencies_are_told_blindly(server, browser):
    coordinator = dashboard(browser, server, "fbi.coordinator")

    public = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    public.goto(f"{server.url}/login/")
    public.click("a.footer-tip")
    public.wait_for_url(f"{server.url}/tips/new/")
    assert "911" in public.text_content(".emergency")
    public.fill("#id_what", TIP_TEXT)
    public.fill("#id_where", "Truck stop motel, I-44 exit 4, Joplin")
    public.fill("#id_when", "Most nights this week")
    public.fill("#id_contact_phone", "(417) 555-0190")
    shot(public, "tips-public-form")
    public.click("button:has-text('Send the tip')")
    public.wait_for_selector(".tip-sent")
    shot(public, "tips-public-sent")

    coordinator.wait_for_selector("#live-feed li[data-kind='tip.received'].unseen")
    coordinator.wait_for_selector(".tips-panel tr[data-tip-id]")
    shot(coordinator, "tips-coordinator-dashboard")
    coordinator.goto(f"{server.url}/tips/?status=new")
    coordinator.locator(".tip-table tr[data-tip-id] a").first.click()
    assert TIP_TEXT in coordinator.text_content(".tip-text")
    coordinator.select_option("#id_agency", label="Joplin Police Department (JPD)")
    coordinator.click("button:has-text('Assign')")
    coordinator.wait_for_selector("text=is assigned to")
    shot(coordinator, "tips-coordinator-assigned")

    jpd = signed_in(browser, server, "jpd.liaison")
    jpd_dashboard = dashboard(browser, server, "jpd.liaison")
    kcpd_dashboard = dashboard(browser, server, "kcpd.liaison")
    jpd.goto(f"{server.url}/tips/")
    jpd.locator(".tip-table tr[data-tip-id] a").first.click()
    jpd.fill("#id_title", JPD_TITLE)
    jpd.select_option("#id_kind", "sex_trafficking")
    jpd.click("button:has-text('Open a case')")
    jpd.wait_for_selector("text=is open, from tip")
    jpd_number = jpd.text_content(".case-number").strip()
    assert TIP_TEXT in jpd.text_content("#notes")

    jpd.select_option("#identifier_kind", "phone")
    jpd.fill("#identifier_value", SHARED_PHONE)
    jpd.click("button:has-text('Add identifier')")
    jpd.wait_for_selector("#identifiers li.notice")
    shot(jpd, "tips-jpd-case-with-notice")

    told_kcpd = kcpd_dashboard.wait_for_selector(
        "#live-feed li[data-kind='deconfliction.match']:has-text('Joplin Police Department')"
    )
    told_jpd = jpd_dashboard.wait_for_selector(
        "#live-feed li[data-kind='deconfliction.match']:has-text('Kansas City Missouri')"
    )
    assert "unseen" in told_kcpd.get_attribute("class")
    assert "phone number" in told_kcpd.text_content()
    assert "(816) 555-0105" in told_jpd.text_content()  # KCPD's liaison, to call
    shot(kcpd_dashboard, "tips-kcpd-dashboard-notice")
    shot(jpd_dashboard, "tips-jpd-dashboard-notice")

    kcpd_text = kcpd_dashboard.text_content("main")
    for secret in (jpd_number, JPD_TITLE, TIP_TEXT, "Truck stop motel"):
        assert secret not in kcpd_text
    jpd_text = jpd_dashboard.text_content("main")
    for secret in ("I-70 motel corridor", "KCPD-", "Surveillance rota", "FBIKC-2026-0001"):
        assert secret not in jpd_text

    kcpd_dashboard.goto(f"{server.url}/cases/?q=motel")
    kcpd_dashboard.locator("table a").first.click()
    kcpd_dashboard.wait_for_selector("#identifiers li.notice:has-text('Joplin Police Department')")
    assert jpd_number not in kcpd_dashboard.text_content("main")
    shot(kcpd_dashboard, "tips-kcpd-case-with-notice")
