"""Every page carries a strict Content-Security-Policy and needs nothing it forbids: no inline
script or handler, no inline style, nothing from another host."""

import datetime as dt
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.template import loader
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone

from activity.clock import policy_today
from agencies.invitations import invitation_path
from agencies.models import WebhookEndpoint
from agencies.services import token_issue
from cases import services as case_services
from frontend import urls as frontend_urls
from meetings import public, services
from tests.agencies.factories import AgencyFactory, TaskForceFactory, person
from tests.meetings.factories import MeetingFactory
from tests.meetings.public_helpers import public_training, registrant

pytestmark = pytest.mark.django_db

HOST = "testserver"

# Each page of the portal: who opens it and where, among the personas (``p``) with the shared
# case, its notes and a meeting that the managing agency's liaison coordinates (``o``).
PAGES = {
    "login": (None, lambda p, o: "/login/"),
    "home": ("case", lambda p, o: "/"),
    "directory": ("case", lambda p, o: "/directory/"),
    "agency-detail": ("case", lambda p, o: f"/directory/agencies/{p.agency('viewer').pk}/"),
    "task-force-detail": (
        "case",
        lambda p, o: f"/directory/task-forces/{p.task_force.slug}/",
    ),
    "case-list": ("case", lambda p, o: "/cases/"),
    "case-open": ("case", lambda p, o: "/cases/new/"),
    "case-detail": ("case", lambda p, o: f"/cases/{o.case.pk}/"),
    "case-edit": ("case", lambda p, o: f"/cases/{o.case.pk}/edit/"),
    "case-access-report": ("case", lambda p, o: f"/cases/{o.case.pk}/access-report/"),
    "note-edit": ("case", lambda p, o: f"/notes/{o.open_note.pk}/edit/"),
    "note-revisions": ("case", lambda p, o: f"/notes/{o.open_note.pk}/revisions/"),
    "case-share": ("case", lambda p, o: f"/cases/{o.case.pk}/share/"),
    "case-revoke": (
        "case",
        lambda p, o: f"/cases/{o.case.pk}/access/{p.agency('viewer').pk}/revoke/",
    ),
    "case-status": ("case", lambda p, o: f"/cases/{o.case.pk}/status/?status=closed"),
    "note-redact": ("case", lambda p, o: f"/notes/{o.open_note.pk}/redact/"),
    "meeting-calendar": ("meeting", lambda p, o: "/meetings/"),
    "meeting-week": ("meeting", lambda p, o: "/meetings/?view=week"),
    "meeting-schedule": ("meeting", lambda p, o: "/meetings/new/"),
    "meeting-detail": ("meeting", lambda p, o: f"/meetings/{o.meeting.pk}/"),
    "meeting-edit": ("meeting", lambda p, o: f"/meetings/{o.meeting.pk}/edit/"),
    "calendar-subscription": ("case", lambda p, o: "/calendar/"),
    "api-docs": ("case", lambda p, o: "/api/docs/"),
    "account-security": ("case", lambda p, o: "/account/"),
    "profile": ("case", lambda p, o: "/profile/"),
    "mfa-enrol": ("case", lambda p, o: "/account/mfa/enrol/"),
    "password_change": ("case", lambda p, o: "/account/password/"),
    "password_reset": (None, lambda p, o: "/password/reset/"),
    "password_reset_done": (None, lambda p, o: "/password/reset/sent/"),
    "password_reset_complete": (None, lambda p, o: "/password/reset/complete/"),
    "webhook-list": ("people", lambda p, o: "/agency/webhooks/"),
    "webhook-create": ("people", lambda p, o: "/agency/webhooks/new/"),
    "webhook-detail": ("people", lambda p, o: f"/agency/webhooks/{webhook_of(p).pk}/"),
    "audit-trail": ("admin", lambda p, o: "/audit/"),
    "admin-index": ("admin", lambda p, o: "/admin/"),
    "admin-changelist": ("admin", lambda p, o: "/admin/auth/user/"),
    "admin-change": ("admin", lambda p, o: f"/admin/auth/user/{p.user('manager').pk}/change/"),
    "people-list": ("people", lambda p, o: "/agency/people/"),
    "person-invite": ("people", lambda p, o: "/agency/people/invite/"),
    "person-detail": ("people", lambda p, o: f"/agency/people/{p.user('manager').pk}/"),
    "person-deactivate": (
        "people",
        lambda p, o: f"/agency/people/{p.user('manager').pk}/deactivate/",
    ),
    "invitation-accept": (None, lambda p, o: invitation_link(p.agency("manager"))),
    "token-list": ("people", lambda p, o: "/agency/tokens/"),
    "token-issue": ("people", lambda p, o: "/agency/tokens/new/"),
    "token-revoke": ("people", lambda p, o: f"/agency/tokens/{manager_token(p).pk}/revoke/"),
    "training-roster-page": ("meeting", lambda p, o: f"/meetings/{o.training.pk}/roster/"),
    "training-public": ("meeting", lambda p, o: f"/meetings/{o.training.pk}/public/"),
    "registrant-erase": (
        "meeting",
        lambda p, o: f"/meetings/{o.training.pk}/registrations/{o.registration.pk}/erase/",
    ),
    "public-trainings": (None, lambda p, o: "/trainings/"),
    "public-training": (None, lambda p, o: f"/trainings/{o.training.public_slug}/"),
    "public-registration-confirm": (
        None,
        lambda p, o: f"/trainings/confirm/{public.confirm_token(o.training, registrant(5))}/",
    ),
    "public-registration-cancel": (
        None,
        lambda p, o: f"/trainings/cancel/{public.registration_token(o.registration)}/",
    ),
    "case-outcome-withdraw": (
        "case",
        lambda p, o: f"/cases/{o.case.pk}/outcomes/{outcome_of(p, o.case).pk}/withdraw/",
    ),
    "report-list": ("case", lambda p, o: "/reports/"),
    "task-force-report": ("case", lambda p, o: f"/task-forces/{p.task_force.pk}/report/"),
    "agency-report": ("case", lambda p, o: f"/agencies/{p.agency('manager').pk}/report/"),
    "tip-list": ("case", lambda p, o: "/tips/"),
    "tip-record": ("case", lambda p, o: "/tips/record/"),
    "tip-detail": ("case", lambda p, o: f"/tips/{tip_of(p).pk}/"),
    "public-tip": (None, lambda p, o: "/tips/new/"),
    "task-list": ("case", lambda p, o: "/tasks/"),
    "task-create": ("case", lambda p, o: f"/cases/{o.case.pk}/tasks/new/"),
    "task-detail": ("case", lambda p, o: f"/tasks/{task_of(p, o).pk}/"),
    "task-edit": ("case", lambda p, o: f"/tasks/{task_of(p, o).pk}/edit/"),
    "file-upload": ("case", lambda p, o: f"/cases/{o.case.pk}/files/new/"),
    "file-redact": ("case", lambda p, o: f"/files/{file_of(p, o).pk}/redact/"),
    "tag-list": ("case", lambda p, o: "/tags/"),
    "search": ("case", lambda p, o: "/search/?q=motel"),
}

# Routes of frontend/urls.py that are not pages: forms post to them, or they answer files.
NOT_PAGES = {
    "logout",
    # A fragment of the dashboard that its script swaps in, not a page.
    "dashboard-panel",
    "meeting-rsvp",
    "person-reactivate",
    "person-resend-invitation",
    "person-unlock",
    "person-mfa-reset",
    "webhook-enable",
    "webhook-disable",
    "webhook-rotate",
    "webhook-delete",
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
    # Forms post to these, or they answer files (PDF, JSON): tests/meetings/test_attendance.py.
    "training-check-in",
    "training-complete",
    "training-certificate",
    "registrant-export",
    "public-certificate",
    # Reports: a form posts to the first; the others answer files (tests/reports/).
    "case-outcome-record",
    "task-force-report-csv",
    "task-force-report-pdf",
    "agency-report-csv",
    "agency-report-pdf",
    # Forms of the tip and case pages post to these (tests/tips/test_pages.py).
    "tip-triage",
    "tip-open-case",
    "case-identifier-add",
    "case-deconfliction-page",
    "identifier-remove",
    "tip-identifier-add",
    # Answers a file (an attachment): tests/frontend/test_case_work_pages.py.
    "file-download",
    # Forms post to these: tests/cases/test_tags.py.
    "case-tags",
    "tag-create",
    "tag-delete",
}


def outcome_of(p, case):
    return case_services.case_outcome_record(
        actor=p.user("manager"), case=case, kind="arrests", count=2, occurred_on=policy_today()
    )


def tip_of(personas):
    from tips.services import tip_record

    return tip_record(
        actor=personas.user("manager"),
        task_force=personas.task_force,
        source="hotline",
        reference="NHTH-1",
        what="Two young women brought to rooms by an older man.",
        identifiers=[{"kind": "phone", "value": "(816) 555-0117"}],
    )


def task_of(p, o):
    from cases.services import task_create

    return task_create(
        actor=p.user("manager"), case=o.case, title="Canvass", assigned_agency=p.agency("manager")
    )


def file_of(p, o):
    import tempfile

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from cases.services import file_upload

    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    storage["OPTIONS"] = {"location": tempfile.mkdtemp(prefix="evidence-")}
    with override_settings(STORAGES={**settings.STORAGES, "evidence": storage}):
        upload = SimpleUploadedFile("statement.txt", b"Invented statement.")
        return file_upload(actor=p.user("manager"), case=o.case, upload=upload)


def manager_token(p):
    return token_issue(actor=None, user=p.user("manager"), name="Records sync")[0]


def webhook_of(personas) -> WebhookEndpoint:
    endpoint, _ = WebhookEndpoint.objects.get_or_create(
        agency=personas.agency("manager"), url="https://hooks.example.org/", kinds=["case.updated"]
    )
    return endpoint


def invitation_link(agency) -> str:
    invited = person(agency)
    invited.set_unusable_password()
    invited.save()
    return invitation_path(invited)


@pytest.fixture
def pages(personas, shared_case, case_notes):
    # The managing agency's liaison, made a coordinator, opens every page and sees the most.
    coordinator = personas.user("manager")
    personas.task_force.coordinators.add(coordinator)
    # A coordinator of two task forces sees the task force switch of the meeting form.
    TaskForceFactory(lead_agency=personas.agency("manager")).coordinators.add(coordinator)
    starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    meeting = MeetingFactory(
        actor=coordinator,
        task_force=personas.task_force,
        title="Deconfliction call",
        kind="task_force_meeting",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        recurrence_rule="FREQ=WEEKLY;COUNT=4",
        invited_agencies=[personas.agency("manager"), personas.agency("viewer")],
    )
    admin = person(AgencyFactory(), username="root", is_superuser=True)
    admin.is_staff = True
    admin.save()
    people_admin = person(personas.agency("manager"), is_agency_admin=True)
    course = public_training(personas)
    registration = services.registrant_add(
        actor=personas.user("coordinator"), meeting=course, registrant=registrant(), notify=False
    )
    users = {"case": coordinator, "meeting": coordinator, "admin": admin, "people": people_admin}

    def fetch(name: str):
        persona, url = PAGES[name]
        client = Client()
        if persona is not None:
            client.force_login(users[persona])
        objects = SimpleNamespace(
            case=shared_case,
            open_note=case_notes.open,
            meeting=meeting,
            training=course,
            registration=registration,
        )
        response = client.get(url(personas, objects))
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
