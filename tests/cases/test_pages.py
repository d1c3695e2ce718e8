"""Case pages: the same policy as the API, for every persona, plus the flows people use."""

from types import SimpleNamespace

import pytest
from django.test import Client

from activity.models import AuditRecord
from cases import services
from cases.models import CaseShare, Note
from tests.cases.factories import NoteFactory
from tests.personas import page_client
from tests.snapshots import REFUSALS, assert_unchanged, database_state

pytestmark = pytest.mark.django_db

PERSONAS = ["manager", "contributor", "viewer", "excluded", "member", "other", "anonymous"]

PAGES = {
    "case": (
        lambda o: f"/cases/{o.case.pk}/",
        dict(manager=200, contributor=200, viewer=200, excluded=200, member=404, other=404),
    ),
    "case edit": (
        lambda o: f"/cases/{o.case.pk}/edit/",
        dict(manager=200, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "access report": (
        lambda o: f"/cases/{o.case.pk}/access-report/",
        dict(manager=200, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "edit restricted note": (
        lambda o: f"/notes/{o.restricted_note.pk}/edit/",
        dict(manager=403, contributor=200, viewer=404, excluded=404, member=404, other=404),
    ),
    "revisions of restricted note": (
        lambda o: f"/notes/{o.restricted_note.pk}/revisions/",
        dict(manager=200, contributor=200, viewer=404, excluded=404, member=404, other=404),
    ),
}

POSTS = {
    "add note": (
        lambda o: f"/cases/{o.case.pk}/",
        {"body": "Page note", "visibility": "case"},
        dict(manager=302, contributor=302, viewer=403, excluded=302, member=404, other=404),
    ),
    "share": (
        lambda o: f"/cases/{o.case.pk}/share/",
        {"agency": "MEMBER", "level": "view", "purpose": "Request"},
        dict(manager=302, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "revoke": (
        lambda o: f"/cases/{o.case.pk}/access/{o.agency('viewer').pk}/revoke/",
        {},
        dict(manager=302, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "status": (
        lambda o: f"/cases/{o.case.pk}/status/",
        {"status": "active"},
        dict(manager=302, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "redact restricted note": (
        lambda o: f"/notes/{o.restricted_note.pk}/redact/",
        {"reason": "wrong case"},
        dict(manager=302, contributor=302, viewer=404, excluded=404, member=404, other=404),
    ),
}


client_for = page_client


@pytest.fixture
def objects(personas, shared_case, case_notes):
    """What the matrices try: the shared case, its notes and the personas' agencies."""
    return SimpleNamespace(
        case=shared_case,
        open_note=case_notes.open,
        restricted_note=case_notes.restricted,
        agency=personas.agency,
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_each_persona_gets_exactly_its_page_status(personas, objects, page, persona):
    url, expected = PAGES[page]
    response = client_for(personas, persona).get(url(objects))
    if persona == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    assert response.status_code == expected[persona]
    if response.status_code != 200:
        assert "Motel corridor" not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(POSTS))
def test_each_persona_gets_exactly_its_form_status(personas, objects, action, persona):
    url, data, expected = POSTS[action]
    data = {k: (personas.agency("member").pk if v == "MEMBER" else v) for k, v in data.items()}
    client = client_for(personas, persona)  # signing in is recorded: before the snapshot
    before = database_state()
    response = client.post(url(objects), data)
    if persona == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == expected[persona]
    if persona == "anonymous" or expected[persona] in REFUSALS:
        assert_unchanged(before)


def test_the_case_page_shows_only_the_notes_the_agency_may_read(personas, shared_case, case_notes):
    viewer_page = client_for(personas, "viewer").get(f"/cases/{shared_case.pk}/")
    text = viewer_page.content.decode()
    assert "Surveillance schedule agreed." in text
    assert "CI-7" not in text
    manager_page = client_for(personas, "manager").get(f"/cases/{shared_case.pk}/").content
    assert b"CI-7" in manager_page
    assert b"Restricted to" in manager_page


def test_the_case_list_shows_only_shared_cases(personas, shared_case):
    assert b"Motel corridor" in client_for(personas, "viewer").get("/cases/").content
    assert b"Motel corridor" not in client_for(personas, "member").get("/cases/").content
    assert b"Motel corridor" not in client_for(personas, "other").get("/cases/?q=Motel").content


def test_note_text_cannot_run_as_script(personas, shared_case):
    NoteFactory(
        actor=personas.user("manager"),
        case=shared_case,
        body='<script>alert("x")</script>\n<img src=x onerror=alert(1)>',
    )
    page = client_for(personas, "viewer").get(f"/cases/{shared_case.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in page


def test_reading_the_case_page_is_audited(personas, shared_case, case_notes):
    client_for(personas, "viewer").get(f"/cases/{shared_case.pk}/", REMOTE_ADDR="192.0.2.1")
    record = AuditRecord.objects.filter(action="case.read").latest("id")
    assert record.actor == personas.user("viewer")
    assert record.changes["notes"] == [case_notes.open.pk]
    assert record.ip_address == "192.0.2.1"


def test_an_empty_note_shows_the_error_and_keeps_nothing(personas, shared_case):
    count = Note.objects.count()
    response = client_for(personas, "contributor").post(
        f"/cases/{shared_case.pk}/", {"body": "   ", "visibility": "case"}
    )
    assert response.status_code == 200
    assert "A note needs some text." in response.content.decode()
    assert Note.objects.count() == count


def test_a_restricted_note_from_the_page(personas, shared_case):
    client = client_for(personas, "excluded")
    client.post(
        f"/cases/{shared_case.pk}/",
        {
            "body": "For the manager only",
            "visibility": "restricted",
            "restricted_to": [personas.agency("manager").pk],
        },
    )
    note = Note.objects.latest("id")
    assert set(note.restricted_to.values_list("short_name", flat=True)) == {"EXC", "MGR"}
    assert (
        b"For the manager only"
        not in client_for(personas, "viewer").get(f"/cases/{shared_case.pk}/").content
    )


def test_a_stale_edit_from_the_page_is_refused_with_an_explanation(personas, case_notes):
    client = client_for(personas, "contributor")
    url = f"/notes/{case_notes.restricted.pk}/edit/"
    services.note_edit(
        actor=personas.user("contributor"),
        note=case_notes.restricted,
        expected_version=1,
        body="Changed elsewhere",
    )
    response = client.post(url, {"version": 1, "body": "My late edit", "visibility": "case"})
    assert response.status_code == 200
    assert "Someone changed this note" in response.content.decode()
    assert Note.objects.get(pk=case_notes.restricted.pk).body == "Changed elsewhere"


def test_sharing_from_the_page_with_a_bad_expiry_explains_and_changes_nothing(
    personas, shared_case
):
    client = client_for(personas, "manager")
    response = client.post(
        f"/cases/{shared_case.pk}/share/",
        {
            "agency": personas.agency("member").pk,
            "level": "view",
            "purpose": "x",
            "expires_on": "2001-01-01",
        },
        follow=True,
    )
    assert "must be in the future" in response.content.decode()
    assert not CaseShare.objects.filter(agency=personas.agency("member")).exists()


def test_opening_a_case_from_the_page(personas):
    client = client_for(personas, "viewer")
    response = client.post(
        "/cases/new/",
        {
            "task_force": personas.task_force.pk,
            "title": "Page case",
            "kind": "other",
            "priority": "normal",
            "summary": "",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Page case" in page


def test_the_case_page_runs_a_bounded_number_of_queries(
    personas, shared_case, case_notes, django_assert_max_num_queries
):
    NoteFactory.create_batch(20, actor=personas.user("manager"), case=shared_case)
    client = client_for(personas, "manager")
    # 27: one of them finds the viewer's time zone (their task force's) for every page, one
    # reads the outcome records; 3 for tips (the case's identifiers, the deconfliction
    # notices addressed to the agency and the "do not deconflict" mark); 5 for tasks and
    # evidence files (each list and the restrictions it shows, and the agencies of the upload
    # form) and 2 for tags (the case's, and whether its task force has any to choose from),
    # however many there are.
    with django_assert_max_num_queries(27):
        assert client.get(f"/cases/{shared_case.pk}/").status_code == 200


def test_the_admin_shows_case_metadata_but_no_content(shared_case, case_notes):
    from tests.agencies.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = client.get("/admin/cases/case/")
    assert listing.status_code == 200
    assert shared_case.number in listing.content.decode()
    detail = client.get(f"/admin/cases/case/{shared_case.pk}/change/").content.decode()
    shares = client.get("/admin/cases/caseshare/").content.decode()
    for text in (detail, shares, listing.content.decode()):
        assert "Motel corridor" not in text
        assert "Surveillance schedule" not in text
        assert "Joint work along I-70" not in text
    assert client.get("/admin/cases/note/").status_code == 404
