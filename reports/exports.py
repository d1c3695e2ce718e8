"""A report as files: CSV of every figure, and a PDF of the page with its charts (fpdf2,
pure Python). Both carry what the page shows, hidden figures included as "fewer than 5",
and nothing the page does not."""

import csv
import io
import re
import unicodedata

from fpdf import FPDF

from reports.charts import report_charts

NAVY = (23, 48, 77)
GREY = (90, 90, 90)
CSV_HEADER = ["section", "figure", "period", "value"]


def _value(figure: dict) -> str:
    return figure["display"] if figure["suppressed"] else str(figure["value"])


def report_rows(report: dict) -> list[list[str]]:
    """Every figure of the report as (section, figure, period, value) rows."""
    period = report["period"]["label"]
    rows = []
    for section in report["sections"]:
        figures = section["figures"] + ([section["total"]] if section["total"] else [])
        rows += [[section["title"], f["label"], period, _value(f)] for f in figures]
    meetings = report["meetings"]
    rows.append(["Meeting participation", "Meetings held", period, str(meetings["held"])])
    for row in meetings["agencies"]:
        name = row["agency"]["name"]
        rows.append(["Meeting participation", f"{name}: invited", period, str(row["invited"])])
        rows.append(["Meeting participation", f"{name}: attended", period, str(row["attended"])])
    quarters = report["quarters"]
    for row in quarters["rows"]:
        for label, value in zip(quarters["labels"], row["values"], strict=True):
            rows.append(["Quarter over quarter", row["label"], label, _value(value)])
    return rows


def report_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in report_rows(report):
        # A cell that starts like a formula is written as text (spreadsheet injection).
        writer.writerow([f"'{c}" if c[:1] in ("=", "+", "-", "@") else c for c in row])
    return out.getvalue()


def _latin1(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1: other letters lose their accents (Ł → L) or
    become "?"."""
    kept = []
    for char in text:
        try:
            char.encode("latin-1")
            kept.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            kept.append(plain or "?")
    return "".join(kept)


def _for_pdf(svg: str) -> bytes:
    """The chart as fpdf2 draws it: without the title the page gives screen readers, which
    fpdf2 does not read (the PDF names each chart in its text)."""
    return re.sub(r"<title>.*?</title>", "", svg, count=1, flags=re.DOTALL).encode()


def report_pdf(report: dict) -> bytes:
    """The report on Letter pages: its figures as tables, each beside its chart, then the
    quarters and the meeting participation."""
    charts = report_charts(report)
    pdf = FPDF(unit="mm", format="Letter")
    pdf.set_title(_latin1(f"{report['scope']['name']}: report {report['period']['label']}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def text(value, size=10, style="", color=NAVY, height=5):
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*color)
        pdf.multi_cell(0, height, _latin1(value), new_x="LMARGIN", new_y="NEXT")

    text(report["scope"]["name"], 18, "B", height=9)
    text(
        f"Report for {report['period']['label']} ({report['period']['from']} to "
        f"{report['period']['to']}, {report['period']['time_zone']})",
        11,
    )
    if report["exact"]:
        text("Your agency's own report: every figure is exact.", 9, color=GREY)
    else:
        text(
            f'Figures below {report["min_cell"]} are shown as "{report["suppressed_display"]}" '
            "so that a small number cannot point at a person, and so are figures whose part "
            f"beyond the reader's own agency is below {report['min_cell']}. No case, title or "
            "name appears in this report.",
            9,
            color=GREY,
        )
    pdf.ln(3)
    for section in report["sections"]:
        if pdf.get_y() > 200:
            pdf.add_page()
        text(section["title"], 13, "B", height=7)
        text(section["source"], 8, color=GREY, height=4)
        top = pdf.get_y() + 1
        figures = section["figures"] + ([section["total"]] if section["total"] else [])
        pdf.set_font("Helvetica", "", 9)
        pdf.set_text_color(*NAVY)
        for figure in figures:
            pdf.set_x(pdf.l_margin)
            pdf.cell(55, 5, _latin1(figure["label"]))
            pdf.cell(25, 5, _latin1(figure["display"]), align="R", new_x="LMARGIN", new_y="NEXT")
        bottom = pdf.get_y()
        svg = _for_pdf(charts["sections"][section["key"]])
        pdf.image(io.BytesIO(svg), x=95, y=top, w=105)
        pdf.set_y(max(bottom, top + 6 * len(section["figures"]) + 4) + 3)
    if pdf.get_y() > 150:
        pdf.add_page()
    text("Quarter over quarter", 13, "B", height=7)
    text(
        f"{report['suppressed_display'].capitalize()} is written <{report['min_cell']}.",
        8,
        color=GREY,
        height=4,
    )
    quarters = report["quarters"]
    pdf.set_font("Helvetica", "B", 8)
    pdf.cell(38, 5, "")
    for label in quarters["labels"]:
        pdf.cell(19, 5, label, align="R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for row in quarters["rows"]:
        pdf.cell(38, 5, _latin1(row["label"]))
        for value in row["values"]:
            shown = f"<{report['min_cell']}" if value["suppressed"] else value["display"]
            pdf.cell(19, 5, shown, align="R")
        pdf.ln()
    pdf.ln(3)
    labels = {row["key"]: row["label"] for row in quarters["rows"]}
    for index, (key, svg) in enumerate(charts["series"].items()):
        if index % 2 == 0:
            if index:
                pdf.set_y(pdf.get_y() + 48)
            if pdf.get_y() > 215:
                pdf.add_page()
        x = pdf.l_margin + (index % 2) * 100
        top = pdf.get_y()
        pdf.set_xy(x, top)
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_text_color(*NAVY)
        pdf.cell(95, 5, _latin1(labels[key]))
        pdf.image(io.BytesIO(_for_pdf(svg)), x=x, y=top + 6, w=95)
        pdf.set_y(top)
    pdf.set_y(pdf.get_y() + 50)
    if pdf.get_y() > 220:
        pdf.add_page()
    text("Meeting participation", 13, "B", height=7)
    text(f"Meetings held: {report['meetings']['held']}", 10)
    pdf.set_font("Helvetica", "", 9)
    for row in report["meetings"]["agencies"]:
        pdf.cell(120, 5, _latin1(row["agency"]["name"]))
        pdf.cell(
            0,
            5,
            f"{row['attended']} attended of {row['invited']} invited",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())
