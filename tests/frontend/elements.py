"""Elements of a page by tag, class or attribute, with their attributes and text: tests
read the page's structure, never a date or an id that could match other text."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parts: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.found.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element.parts.append(data)


def elements(html, tag: str | None = None, cls: str | None = None, attr: str | None = None):
    """Every element matching the tag, carrying the class and having the attribute."""
    parser = _Collect()
    parser.feed(html if isinstance(html, str) else html.decode())
    return [
        element
        for element in parser.found
        if (tag is None or element.tag == tag)
        and (cls is None or cls in element.classes)
        and (attr is None or attr in element.attrs)
    ]
