"""The demo coordinator opens the demo task force's quarterly report in a real browser: the
quarter's figures and charts, a table beside each chart, and the CSV and PDF downloads."""

import csv
import io

import pytest
import requests
from django.core.management import call_command

from tests.e2e.test_directory import log_in
from tests.e2e.test_people import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def _download(page, live_server, href):
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return requests.get(f"{live_server.url}{href}", cookies=cookies, timeout=30)


def test_the_coordinator_reads_the_quarter_and_downloads_it(live_server, demo, page):
    log_in(page, live_server, "fbi.coordinator")
    page.click("nav >> text=Reports")
    page.wait_for_url("**/reports/")
    page.click("text=FBI Kansas City Child Exploitation and Human Trafficking Task Force")
    page.wait_for_selector("svg.report-chart")
    assert page.locator("h1").text_content().startswith("FBI Kansas City")
    # A chart and a table for every section, the quarters' charts and table.
    assert (
        page.locator(".report-section svg.report-chart").count()
        == page.locator(".report-section table").count()
    )
    assert page.locator(".report-series svg").count() == 4
    arrests = page.locator("#section-justice tr", has_text="Arrests").locator("td")
    assert arrests.text_content().strip().isdigit()
    assert page.locator("td", has_text="fewer than 5").count() > 0
    shot(page, "report-task-force")

    csv_href = page.get_attribute("a:has-text('Download CSV')", "href")
    response = _download(page, live_server, csv_href)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["section", "figure", "period", "value"]
    assert any(row[1] == "Arrests" for row in rows[1:])

    pdf_href = page.get_attribute("a:has-text('Download PDF')", "href")
    response = _download(page, live_server, pdf_href)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    # The quarter before, from the period links.
    page.click("text=Previous:")
    page.wait_for_selector("svg.report-chart")
    shot(page, "report-task-force-previous-quarter")
