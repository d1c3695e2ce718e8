"""Reading a page's structure instead of searching its text: an id searched for in a page
also matches the digits of a date or a time (``Dec 3, 2026 13:05``)."""

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._heading: list[str] | None = None
        self._last_heading = ""
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        elif tag == "table":
            self._rows = self.tables.setdefault(self._last_heading, [])
        elif tag == "tr" and self._rows is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self._last_heading = " ".join("".join(self._heading).split())
            self._heading = None
        elif tag == "table":
            self._rows = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self._rows.append(self._row)
            self._row = None
        elif tag == "td" and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """The body rows (``td`` cells, whitespace collapsed) of each table of the page, by the
    text of the heading that comes before the table."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables
