"""Every page carries a strict Content-Security-Policy and needs nothing it forbids: no inline
script or handler, no inline style, nothing from another host."""

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.template import loader
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone

from agencies.invitations import invitation_path
from frontend import urls as frontend_urls
from meetings.services import meeting_schedule
from tests.agencies.factories import AgencyFactory, TaskForceFactory, person

pytestmark = pytest.mark.django_db

HOST = "testserver"

# Each page of the portal: who opens it and where, in the world of tests/cases/personas.py
# (``c``) with a meeting (``m``) that its managing agency's liaison coordinates.
PAGES = {
    "login": (None, lambda c, m: "/login/"),
    "home": ("case", lambda c, m: "/"),
    "directory": ("case", lambda c, m: "/directory/"),
    "agency-detail": ("case", lambda c, m: f"/directory/agencies/{c.agencies['viewer'].pk}/"),
    "task-force-detail": (
        "case",
        lambda c, m: f"/directory/task-forces/{c.task_force.slug}/",
    ),
    "case-list": ("case", lambda c, m: "/cases/"),
    "case-open": ("case", lambda c, m: "/cases/new/"),
    "case-detail": ("case", lambda c, m: f"/cases/{c.case.pk}/"),
    "case-edit": ("case", lambda c, m: f"/cases/{c.case.pk}/edit/"),
    "case-access-report": ("case", lambda c, m: f"/cases/{c.case.pk}/access-report/"),
    "note-edit": ("case", lambda c, m: f"/notes/{c.open_note.pk}/edit/"),
    "note-revisions": ("case", lambda c, m: f"/notes/{c.open_note.pk}/revisions/"),
    "meeting-calendar": ("meeting", lambda c, m: "/meetings/"),
    "meeting-week": ("meeting", lambda c, m: "/meetings/?view=week"),
    "meeting-schedule": ("meeting", lambda c, m: "/meetings/new/"),
    "meeting-detail": ("meeting", lambda c, m: f"/meetings/{m.pk}/"),
    "meeting-edit": ("meeting", lambda c, m: f"/meetings/{m.pk}/edit/"),
    "calendar-subscription": ("case", lambda c, m: "/calendar/"),
    "api-docs": ("case", lambda c, m: "/api/docs/"),
    "account-security": ("case", lambda c, m: "/account/"),
    "mfa-enrol": ("case", lambda c, m: "/account/mfa/enrol/"),
    "password_change": ("case", lambda c, m: "/account/password/"),
    "password_reset": (None, lambda c, m: "/password/reset/"),
    "password_reset_done": (None, lambda c, m: "/password/reset/sent/"),
    "password_reset_complete": (None, lambda c, m: "/password/reset/complete/"),
    "audit-trail": ("admin", lambda c, m: "/audit/"),
    "admin-index": ("admin", lambda c, m: "/admin/"),
    "admin-changelist": ("admin", lambda c, m: "/admin/auth/user/"),
    "admin-change": ("admin", lambda c, m: f"/admin/auth/user/{c.user('manager').pk}/change/"),
    "people-list": ("people", lambda c, m: "/agency/people/"),
    "person-invite": ("people", lambda c, m: "/agency/people/invite/"),
    "person-detail": ("people", lambda c, m: f"/agency/people/{c.user('manager').pk}/"),
    "person-deactivate": (
        "people",
        lambda c, m: f"/agency/people/{c.user('manager').pk}/deactivate/",
    ),
    "invitation-accept": (None, lambda c, m: invitation_link(c.agencies["manager"])),
}

# Routes of frontend/urls.py that are not pages: forms post to them, or they answer files.
NOT_PAGES = {
    "logout",
    "case-status",
    "case-share",
    "case-revoke",
    "note-redact",
    "meeting-rsvp",
    "person-reactivate",
    "person-resend-invitation",
    "person-unlock",
    "person-mfa-reset",
    "meeting-cancel",
    "meeting-occurrence",
    "meeting-minutes",
    "meeting-action-add",
    "meeting-action-done",
    "training-register",
    "training-unregister",
    "training-roster",
    "meeting-ics",
    "calendar-feed",
    "session-active",
    "mfa-recovery-codes",
    "mfa-remove",
    # Pages that need a second factor or an e-mailed token: tests/agencies/test_mfa.py and
    # test_passwords.py check their policy.
    "signin-verify",
    "password_reset_confirm",
    "audit-export",
}


def invitation_link(agency) -> str:
    invited = person(agency)
    invited.set_unusable_password()
    invited.save()
    return invitation_path(invited)


@pytest.fixture
def pages(case_world):
    coordinator = case_world.user("manager")
    case_world.task_force.coordinators.add(coordinator)
    # A coordinator of two task forces sees the task force switch of the meeting form.
    TaskForceFactory(lead_agency=case_world.agencies["manager"]).coordinators.add(coordinator)
    starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    meeting, _ = meeting_schedule(
        actor=coordinator,
        task_force=case_world.task_force,
        title="Deconfliction call",
        kind="task_force_meeting",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        recurrence_rule="FREQ=WEEKLY;COUNT=4",
        invited_agencies=[case_world.agencies["manager"], case_world.agencies["viewer"]],
    )
    admin = person(AgencyFactory(), username="root", is_superuser=True)
    admin.is_staff = True
    admin.save()
    people_admin = person(case_world.agencies["manager"], is_agency_admin=True)
    users = {"case": coordinator, "meeting": coordinator, "admin": admin, "people": people_admin}

    def fetch(name: str):
        persona, url = PAGES[name]
        client = Client()
        if persona is not None:
            client.force_login(users[persona])
        response = client.get(url(case_world, meeting))
        assert response.status_code == 200, (name, response.status_code)
        return response

    return fetch


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


class Inventory(HTMLParser):
    """What a page would ask the browser to run, style or fetch."""

    def __init__(self):
        super().__init__()
        self.inline_scripts, self.handlers, self.inline_styles, self.urls = [], [], [], []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [f"{tag} {name}" for name in attrs if name.startswith("on")]
        if "style" in attrs:
            self.inline_styles.append(f"{tag} style={attrs['style']!r}")
        if tag == "style":
            self.inline_styles.append("<style>")
        for name in ("src", "href", "action", "formaction", "poster", "data"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "script" and not attrs.get("src"):
            # JSON data blocks do not run; anything else inline would.
            self._script = attrs.get("type", "text/javascript")

    def handle_data(self, data):
        if self._script is not None and self._script != "application/json" and data.strip():
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def inventory(response) -> Inventory:
    parser = Inventory()
    parser.feed(response.content.decode())
    return parser


def test_every_page_route_of_the_portal_is_checked():
    names = {p.name for p in frontend_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names - NOT_PAGES <= set(PAGES), names - NOT_PAGES - set(PAGES)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_sends_a_strict_content_security_policy(pages, name):
    policy = directives(pages(name)["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    for values in policy.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_has_inline_script_handlers_styles_or_foreign_resources(pages, name):
    found = inventory(pages(name))
    assert found.inline_scripts == []
    assert found.handlers == []
    assert found.inline_styles == []
    for url in found.urls:
        parts = urlsplit(url)
        # tel: and mailto: links are not fetched; everything else stays on the portal's host.
        assert parts.scheme in ("", "http", "https", "tel", "mailto"), url
        assert parts.netloc in ("", HOST), url


def test_the_meeting_form_switches_task_force_without_javascript(pages):
    html = pages("meeting-schedule").content.decode()
    start = html.index('<form method="get"')
    switch = html[start : html.index("</form>", start)]
    assert "data-autosubmit" in switch
    assert 'type="submit"' in switch


def test_the_api_docs_load_swagger_ui_from_the_portal(pages, settings):
    found = inventory(pages("api-docs"))
    assert any(url.endswith("swagger-ui-bundle.js") for url in found.urls)
    # The suite runs without collected static files: the finders say what would be served.
    static = [urlsplit(url).path for url in found.urls if url.startswith(settings.STATIC_URL)]
    assert len(static) >= 4  # stylesheets, Swagger UI's two scripts, the favicon
    for path in static:
        assert finders.find(path.removeprefix(settings.STATIC_URL)), path
    init_script = next(url for url in found.urls if "script=" in url)
    init = Client().get(init_script)
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in init.content


def test_the_server_error_page_uses_the_stylesheet():
    html = loader.get_template("500.html").render()
    parser = Inventory()
    parser.feed(html)
    assert parser.inline_styles == []
    assert any(url.endswith("portal.css") for url in parser.urls)
