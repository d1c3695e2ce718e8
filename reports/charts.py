"""Charts of a report as SVG, drawn here in Python: the page shows them inline and the PDF
embeds them, with no script and nothing from another host. Each chart carries a title; the
page puts a table of the same figures beside it for screen readers.

A hidden figure (the small-number rule) is drawn as a dashed outline labelled with what the
page says in its place, never as a bar of some height.
"""

from django.utils.html import escape

NAVY = "#17304d"
TEAL = "#2f7f86"
GREY = "#8a94a3"
LIGHT = "#e6e9ee"
FONT = 'font-family="Helvetica, Arial, sans-serif"'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" class="report-chart">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x, y, text, *, size=12, anchor="start", fill=NAVY, weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}" {FONT}>{escape(text)}</text>'
    )


def bar_chart(title: str, figures: list[dict], *, width: int = 520) -> str:
    """Horizontal bars, one per figure (``label``, ``value``, ``suppressed``, ``display``)."""
    label_width, row, top = 190, 26, 10
    height = top + row * len(figures) + 8
    largest = max((f["value"] or 0 for f in figures if not f["suppressed"]), default=0) or 1
    span = width - label_width - 90
    body = []
    for index, figure in enumerate(figures):
        y = top + index * row
        body.append(_text(label_width - 8, y + 15, figure["label"], anchor="end"))
        if figure["suppressed"]:
            body.append(
                f'<rect x="{label_width}" y="{y + 3}" width="36" height="{row - 8}" '
                f'fill="{LIGHT}" stroke="{GREY}" stroke-dasharray="3 2"/>'
            )
            body.append(_text(label_width + 44, y + 15, figure["display"], fill=GREY))
            continue
        length = span * figure["value"] / largest
        body.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{max(length, 1):.1f}" '
            f'height="{row - 8}" fill="{TEAL}"/>'
        )
        body.append(_text(label_width + length + 6, y + 15, figure["display"], weight="bold"))
    return _svg(width, height, title, body)


def column_chart(title: str, labels: list[str], values: list[dict], *, width: int = 520) -> str:
    """Columns, one per quarter, oldest on the left."""
    height, bottom, top, left = 200, 34, 22, 10
    largest = max((v["value"] or 0 for v in values if not v["suppressed"]), default=0) or 1
    slot = (width - 2 * left) / max(len(values), 1)
    plot = height - bottom - top
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" '
        f'y2="{height - bottom}" stroke="{GREY}"/>'
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * slot + slot * 0.18
        bar = slot * 0.64
        centre = x + bar / 2
        body.append(_text(centre, height - bottom + 16, label, size=11, anchor="middle"))
        if value["suppressed"]:
            body.append(
                f'<rect x="{x:.1f}" y="{height - bottom - 18}" width="{bar:.1f}" height="18" '
                f'fill="{LIGHT}" stroke="{GREY}" stroke-dasharray="3 2"/>'
            )
            body.append(
                _text(
                    centre,
                    height - bottom - 24,
                    f"<{value['display'].split()[-1]}",
                    size=10,
                    anchor="middle",
                    fill=GREY,
                )
            )
            continue
        length = plot * value["value"] / largest
        body.append(
            f'<rect x="{x:.1f}" y="{height - bottom - length:.1f}" width="{bar:.1f}" '
            f'height="{max(length, 1):.1f}" fill="{NAVY}"/>'
        )
        body.append(
            _text(
                centre,
                height - bottom - length - 5,
                value["display"],
                size=11,
                anchor="middle",
                weight="bold",
            )
        )
    return _svg(width, height, title, body)


# The quarter-over-quarter charts a report shows: the headline figures.
SERIES_CHARTS = ("cases_opened", "victims_identified", "arrests", "people_trained")


def report_charts(report: dict) -> dict:
    """The SVG of each section (by key) and of each headline series (by key)."""
    sections = {
        section["key"]: bar_chart(section["title"], section["figures"])
        for section in report["sections"]
    }
    quarters = report["quarters"]
    series = {
        row["key"]: column_chart(
            f"{row['label']}, quarter over quarter", quarters["labels"], row["values"]
        )
        for row in quarters["rows"]
        if row["key"] in SERIES_CHARTS
    }
    return {"sections": sections, "series": series}
