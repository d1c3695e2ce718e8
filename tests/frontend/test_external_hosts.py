"""No page makes the browser fetch anything from another host (issue 11): every page of the
portal, rendered as every persona (its 403 and 404 answers included), names only the
portal's own host in what a browser loads by itself (src, srcset, link and form targets,
poster, object data, ...).

The one exception is a plain hyperlink a person chooses to click. Two are documented and
entered as data: an agency's website (agency page, contacts shown to partners) and a
meeting's video link (meeting page). Those may point elsewhere, and must carry
rel="noopener noreferrer" so the page they open learns neither the portal's window nor the
address of the case or meeting it came from. ``mailto:`` and ``tel:`` links fetch nothing;
a ``webcal:`` link (calendar subscription) must stay on the portal's host. Any other link
to another host fails: a new external link is a decision to document here first.
"""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from meetings import services
from tests.agencies.factories import AgencyFactory, TaskForceFactory, person
from tests.frontend.test_csp import PAGES
from tests.meetings.factories import MeetingFactory
from tests.meetings.public_helpers import public_training, registrant
from tests.personas import PEOPLE

pytestmark = pytest.mark.django_db

HOST = "testserver"
WEBSITE = "https://viewer-agency.example.org/"
VIDEO_URL = "https://video.example.com/room/deconfliction"
DOCUMENTED_LINKS = {WEBSITE, VIDEO_URL}

# Attributes whose URL the browser fetches (or submits to) without anyone clicking.
FETCHED = {"src", "srcset", "href", "action", "formaction", "poster", "data", "background"}
FETCHED |= {"xlink:href", "manifest", "imagesrcset", "ping"}

# Beyond its own page list, each persona also opens a page that does not exist.
EXTRA_PAGES = {"not-found": lambda p, o: "/no-such-page/"}


class Urls(HTMLParser):
    """Every URL of a page with the tag and attribute it sits in."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        for name, value in attrs.items():
            if name not in FETCHED or not value.strip():
                continue
            urls = [part.split()[0] for part in value.split(",") if part.split()]
            if name not in ("srcset", "imagesrcset"):
                urls = [value.strip()]
            self.found += [(tag, name, url, attrs) for url in urls]


def problems_of(html: str) -> list[str]:
    parser = Urls()
    parser.feed(html)
    problems = []
    for tag, name, url, attrs in parser.found:
        parts = urlsplit(url)
        where = f"<{tag} {name}={url!r}>"
        if tag == "a" and name == "href":
            if parts.scheme in ("mailto", "tel"):
                continue
            if parts.scheme not in ("", "http", "https", "webcal"):
                problems.append(f"{where}: a link people cannot follow safely")
            elif parts.netloc not in ("", HOST):
                if url not in DOCUMENTED_LINKS:
                    problems.append(f"{where}: an undocumented link to another host")
                elif not {"noopener", "noreferrer"} <= set(attrs.get("rel", "").split()):
                    problems.append(f"{where}: an external link without rel=noopener noreferrer")
            continue
        if parts.scheme == "data" and tag == "img":
            continue  # inline image data fetches nothing
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", HOST):
            problems.append(f"{where}: loaded from another host")
    return problems


@pytest.fixture
def site(personas, shared_case, case_notes):
    """Every persona's client and the objects the pages are about, with the documented
    external links filled in so the pages show them."""
    coordinator = personas.user("manager")
    personas.task_force.coordinators.add(coordinator)
    TaskForceFactory(lead_agency=personas.agency("manager")).coordinators.add(coordinator)
    for agency in (personas.agency("viewer"), personas.agency("manager")):
        agency.website = WEBSITE
        agency.save()
    starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    meeting = MeetingFactory(
        actor=coordinator,
        task_force=personas.task_force,
        title="Deconfliction call",
        kind="task_force_meeting",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        recurrence_rule="FREQ=WEEKLY;COUNT=4",
        video_url=VIDEO_URL,
        invited_agencies=[personas.agency("manager"), personas.agency("viewer")],
    )
    admin = person(AgencyFactory(), username="root", is_superuser=True)
    admin.is_staff = True
    admin.save()
    users = {name: personas.user(name) for name in PEOPLE}
    users |= {
        "superuser": admin,
        "people-admin": person(personas.agency("manager"), is_agency_admin=True),
    }
    clients = {"anonymous": Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    course = public_training(personas)
    registration = services.registrant_add(
        actor=personas.user("coordinator"), meeting=course, registrant=registrant(), notify=False
    )
    objects = SimpleNamespace(
        case=shared_case,
        open_note=case_notes.open,
        meeting=meeting,
        training=course,
        registration=registration,
    )
    return SimpleNamespace(personas=personas, objects=objects, clients=clients)


def test_no_page_loads_anything_from_another_host_for_anyone(site):
    # One pass over every page and persona (the personas are built once), every problem
    # reported together.
    problems = []
    for name, path in {**PAGES, **EXTRA_PAGES}.items():
        url = (path[1] if isinstance(path, tuple) else path)(site.personas, site.objects)
        rendered = 0
        for persona, client in site.clients.items():
            response = client.get(url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue  # a redirect to the sign-in page is checked as that page
            rendered += 1
            html = response.content.decode()
            problems += [f"{name} as {persona}: {p}" for p in problems_of(html)]
        if not rendered:
            problems.append(f"{name}: no persona got {url} as HTML")
    assert not problems, "\n".join(problems)


def test_the_documented_external_links_are_on_their_pages(site):
    # Proves the exception above is exercised, not vacuous.
    viewer = site.clients["viewer"]
    agency = viewer.get(PAGES["agency-detail"][1](site.personas, site.objects))
    meeting = viewer.get(PAGES["meeting-detail"][1](site.personas, site.objects))
    assert f'href="{WEBSITE}"' in agency.content.decode()
    assert f'href="{VIDEO_URL}"' in meeting.content.decode()


@pytest.mark.parametrize(
    ("html", "fails"),
    [
        ('<script src="https://cdn.example.com/x.js"></script>', True),
        ('<link rel="stylesheet" href="//fonts.example.com/a.css">', True),
        ('<img srcset="/a.png 1x, https://img.example.com/b.png 2x">', True),
        ('<form action="https://collect.example.com/"></form>', True),
        ('<a href="https://elsewhere.example.com/">x</a>', True),
        (f'<a href="{VIDEO_URL}">x</a>', True),
        ('<a href="javascript:alert(1)">x</a>', True),
        ('<a href="webcal://calendar.example.com/feed.ics">x</a>', True),
        (f'<a href="{VIDEO_URL}" rel="noopener noreferrer">x</a>', False),
        ('<a href="mailto:a@example.org">x</a> <a href="tel:555">y</a>', False),
        (f'<a href="webcal://{HOST}/calendar/feed/t.ics">x</a>', False),
        ('<img src="data:image/png;base64,AAAA"> <script src="/static/x.js"></script>', False),
    ],
)
def test_the_check_tells_foreign_urls_from_the_portals(html, fails):
    assert bool(problems_of(html)) is fails


def test_the_api_docs_never_ask_swaggers_online_validator(site):
    # Swagger UI's default validatorUrl puts a badge on the page, an image fetched from
    # validator.swagger.io with the schema's address in it, on every host but localhost:
    # invisible to a browser test on 127.0.0.1, so the settings it starts with are checked.
    html = site.clients["viewer"].get("/api/docs/").content.decode()
    parser = Urls()
    parser.feed(html)
    init = next(url for _, _, url, _ in parser.found if "script=" in url)
    script = site.clients["viewer"].get(init).content.decode()
    settings = json.loads(re.search(r"swaggerSettings = (\{.*?\});", script, re.DOTALL)[1])
    assert "validatorUrl" in settings
    assert settings["validatorUrl"] is None
