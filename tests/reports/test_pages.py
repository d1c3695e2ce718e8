"""The report pages and their CSV and PDF: the same rule as the API, for every persona."""

import csv
import io
import re
import zlib

import pytest
from django.test import Client

from tests.html import tables
from tests.personas import PEOPLE, page_client

pytestmark = pytest.mark.django_db


def _client(world, who):
    users = {"con.admin": world.con_admin, "oth.admin": world.other_admin, "lone": world.lone}
    if who in users:
        client = Client()
        client.force_login(users[who])
        return client
    return page_client(world.personas, who)


def _urls(base):
    return [base, f"{base}csv/", f"{base}pdf/"]


def pdf_text(content: bytes) -> str:
    """The text the PDF's pages write (fpdf2 compresses each content stream)."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            data = stream
        text += [m.decode("latin-1") for m in re.findall(rb"\((.*?)\)\s*Tj", data)]
    return "\n".join(text)


def test_the_coordinator_sees_figures_charts_and_tables(report_world):
    tf = report_world.personas.task_force
    response = _client(report_world, "coordinator").get(f"/task-forces/{tf.pk}/report/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") >= 8
    assert "<caption" in page and tables(page)["Meeting participation"]
    assert "fewer than 5" in page
    assert 'href="/task-forces/' in page and "csv/?from=2026-04-01&amp;to=2026-06-30" in page


def _row_values(page: str, caption_start: str) -> dict:
    """The rows (header cell -> value) of the table whose caption starts so."""
    table = page[page.index(f'<caption class="visually-hidden">{caption_start}') :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'<th scope="row">(.*?)</th><td class="number">(.*?)</td>', table))


def test_the_tables_say_fewer_than_5_where_the_rule_hides(report_world):
    tf = report_world.personas.task_force
    page = _client(report_world, "con.admin").get(f"/task-forces/{tf.pk}/report/").content
    rows = _row_values(page.decode(), "Referrals, arrests")
    assert rows["Arrests"] == "7"
    # MGR's coordinator knows MGR's 6 of the 7: the other agencies' 1 would show.
    page = _client(report_world, "coordinator").get(f"/task-forces/{tf.pk}/report/").content
    rows = _row_values(page.decode(), "Referrals, arrests")
    assert rows["Arrests"] == "fewer than 5"
    assert rows["Convictions"] == "fewer than 5"
    agency = report_world.personas.agency("manager")
    own = _client(report_world, "manager").get(f"/agencies/{agency.pk}/report/").content
    rows = _row_values(own.decode(), "Referrals, arrests")
    assert (rows["Arrests"], rows["Convictions"]) == ("6", "1")


def test_the_csv_parses_and_holds_every_figure(report_world):
    tf = report_world.personas.task_force
    response = _client(report_world, "lone").get(
        f"/task-forces/{tf.pk}/report/csv/?from=2026-04-01&to=2026-06-30"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "figure", "period", "value"]
    by_figure = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    section = "Referrals, arrests, prosecutions and convictions"
    assert by_figure[(section, "Arrests", "Q2 2026")] == "7"
    assert by_figure[(section, "Convictions", "Q2 2026")] == "fewer than 5"
    assert by_figure[("Quarter over quarter", "Arrests", "Q1 2026")] == "fewer than 5"
    assert by_figure[("Meeting participation", "Meetings held", "Q2 2026")] == "1"


def test_the_pdf_is_a_pdf_with_the_figures(report_world):
    tf = report_world.personas.task_force
    response = _client(report_world, "coordinator").get(f"/task-forces/{tf.pk}/report/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Task Force One" in text
    assert "fewer than 5" in text


def test_no_case_identity_appears_in_any_download_or_page(report_world):
    tf = report_world.personas.task_force
    agency = report_world.personas.agency("manager")
    outputs = []
    for who, base, query in (
        ("coordinator", f"/task-forces/{tf.pk}/report/", "?from=2026-01-01&to=2026-03-31"),
        ("coordinator", f"/task-forces/{tf.pk}/report/", ""),
        ("manager", f"/agencies/{agency.pk}/report/", "?from=2026-01-01&to=2026-12-31"),
    ):
        for url in _urls(base):
            content = _client(report_world, who).get(f"{url}{query}").content
            outputs.append(pdf_text(content) if url.endswith("pdf/") else content.decode())
    for text in outputs:
        for case in report_world.cases:
            assert case.title not in text
            assert case.number not in text


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "coordinator"] + ["oth.admin"])
def test_the_task_force_report_and_its_files_are_404_for_everyone_else(report_world, who):
    tf = report_world.personas.task_force
    for url in _urls(f"/task-forces/{tf.pk}/report/"):
        assert _client(report_world, who).get(url).status_code == 404, url


def test_a_member_agency_admin_opens_the_task_force_report_and_files(report_world):
    tf = report_world.personas.task_force
    for url in _urls(f"/task-forces/{tf.pk}/report/"):
        assert _client(report_world, "con.admin").get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["contributor", "viewer", "other", "con.admin", "oth.admin"])
def test_another_agencys_report_and_files_are_404(report_world, who):
    agency = report_world.personas.agency("manager")
    for url in _urls(f"/agencies/{agency.pk}/report/"):
        assert _client(report_world, who).get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(report_world):
    tf = report_world.personas.task_force
    for url in _urls(f"/task-forces/{tf.pk}/report/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_bad_period_is_a_400_on_the_page_and_the_files(report_world):
    tf = report_world.personas.task_force
    for url in _urls(f"/task-forces/{tf.pk}/report/"):
        response = _client(report_world, "coordinator").get(f"{url}?from=2026-05-01&to=2026-04-01")
        assert response.status_code == 400


def test_the_task_force_page_refuses_a_range_that_is_not_one_quarter(report_world):
    tf = report_world.personas.task_force
    base = f"/task-forces/{tf.pk}/report/"
    for url in _urls(base):
        response = _client(report_world, "coordinator").get(f"{url}?from=2026-01-01&to=2026-03-30")
        assert response.status_code == 400, url
        text = response.content.decode()
        assert "A task force report covers one calendar quarter" in text
        assert "fewer than" not in text
    page = _client(report_world, "coordinator").get(f"{base}?from=2026-04-01").content.decode()
    assert 'role="alert"' in page
    # The picker offers quarters, not free dates.
    assert 'type="date"' not in page
    assert f'href="{base}?from=2026-04-01&amp;to=2026-06-30"' in page
    ok = _client(report_world, "coordinator").get(base).content.decode()
    assert 'type="date"' not in ok
    assert f'href="{base}?from=2026-01-01&amp;to=2026-03-31"' in ok  # Previous: Q1 2026


def test_the_agency_page_keeps_free_dates(report_world):
    agency = report_world.personas.agency("manager")
    base = f"/agencies/{agency.pk}/report/"
    page = _client(report_world, "manager").get(f"{base}?from=2026-01-01&to=2026-03-30")
    assert page.status_code == 200
    assert 'type="date"' in page.content.decode()


def test_the_report_list_and_the_task_force_page_link_to_the_reports(report_world):
    tf = report_world.personas.task_force
    coordinator = _client(report_world, "coordinator")
    listing = coordinator.get("/reports/").content.decode()
    assert f'href="/task-forces/{tf.pk}/report/"' in listing
    assert (
        f'href="/task-forces/{tf.pk}/report/"'
        in coordinator.get(tf.get_absolute_url()).content.decode()
    )
    viewer = _client(report_world, "viewer")
    assert f'href="/task-forces/{tf.pk}/report/"' not in viewer.get("/reports/").content.decode()
    assert (
        f'href="/task-forces/{tf.pk}/report/"'
        not in viewer.get(tf.get_absolute_url()).content.decode()
    )
