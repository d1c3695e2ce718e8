"""Case pages: the same policy as the API, for every persona, plus the flows people use."""

import pytest
from django.test import Client

from activity.models import AuditRecord
from cases import services
from cases.models import CaseShare, Note

pytestmark = pytest.mark.django_db

PERSONAS = ["manager", "contributor", "viewer", "excluded", "member", "other", "anonymous"]

PAGES = {
    "case": (
        lambda w: f"/cases/{w.case.pk}/",
        dict(manager=200, contributor=200, viewer=200, excluded=200, member=404, other=404),
    ),
    "case edit": (
        lambda w: f"/cases/{w.case.pk}/edit/",
        dict(manager=200, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "access report": (
        lambda w: f"/cases/{w.case.pk}/access-report/",
        dict(manager=200, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "edit restricted note": (
        lambda w: f"/notes/{w.restricted_note.pk}/edit/",
        dict(manager=403, contributor=200, viewer=404, excluded=404, member=404, other=404),
    ),
    "revisions of restricted note": (
        lambda w: f"/notes/{w.restricted_note.pk}/revisions/",
        dict(manager=200, contributor=200, viewer=404, excluded=404, member=404, other=404),
    ),
}

POSTS = {
    "add note": (
        lambda w: f"/cases/{w.case.pk}/",
        {"body": "Page note", "visibility": "case"},
        dict(manager=302, contributor=302, viewer=403, excluded=302, member=404, other=404),
    ),
    "share": (
        lambda w: f"/cases/{w.case.pk}/share/",
        {"agency": "MEMBER", "level": "view", "purpose": "Request"},
        dict(manager=302, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "revoke": (
        lambda w: f"/cases/{w.case.pk}/access/{w.agencies['viewer'].pk}/revoke/",
        {},
        dict(manager=302, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "status": (
        lambda w: f"/cases/{w.case.pk}/status/",
        {"status": "active"},
        dict(manager=302, contributor=403, viewer=403, excluded=403, member=404, other=404),
    ),
    "redact restricted note": (
        lambda w: f"/notes/{w.restricted_note.pk}/redact/",
        {"reason": "wrong case"},
        dict(manager=302, contributor=302, viewer=404, excluded=404, member=404, other=404),
    ),
}


def client_for(world, persona) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.user(persona))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_each_persona_gets_exactly_its_page_status(case_world, page, persona):
    url, expected = PAGES[page]
    response = client_for(case_world, persona).get(url(case_world))
    if persona == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        return
    assert response.status_code == expected[persona]
    if response.status_code != 200:
        assert "Motel corridor" not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(POSTS))
def test_each_persona_gets_exactly_its_form_status(case_world, action, persona):
    url, data, expected = POSTS[action]
    data = {k: (case_world.agencies["member"].pk if v == "MEMBER" else v) for k, v in data.items()}
    notes, shares = Note.objects.count(), CaseShare.objects.active().count()
    response = client_for(case_world, persona).post(url(case_world), data)
    if persona == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == expected[persona]
    if response.status_code != 302 or persona == "anonymous":
        assert Note.objects.count() == notes
        assert CaseShare.objects.active().count() == shares


def test_the_case_page_shows_only_the_notes_the_agency_may_read(case_world):
    viewer_page = client_for(case_world, "viewer").get(f"/cases/{case_world.case.pk}/")
    text = viewer_page.content.decode()
    assert "Surveillance schedule agreed." in text
    assert "CI-7" not in text
    manager_page = client_for(case_world, "manager").get(f"/cases/{case_world.case.pk}/").content
    assert b"CI-7" in manager_page
    assert b"Restricted to" in manager_page


def test_the_case_list_shows_only_shared_cases(case_world):
    assert b"Motel corridor" in client_for(case_world, "viewer").get("/cases/").content
    assert b"Motel corridor" not in client_for(case_world, "member").get("/cases/").content
    assert b"Motel corridor" not in client_for(case_world, "other").get("/cases/?q=Motel").content


def test_note_text_cannot_run_as_script(case_world):
    services.note_add(
        actor=case_world.user("manager"),
        case=case_world.case,
        body='<script>alert("x")</script>\n<img src=x onerror=alert(1)>',
    )
    page = client_for(case_world, "viewer").get(f"/cases/{case_world.case.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in page


def test_reading_the_case_page_is_audited(case_world):
    client_for(case_world, "viewer").get(f"/cases/{case_world.case.pk}/", REMOTE_ADDR="192.0.2.1")
    record = AuditRecord.objects.filter(action="case.read").latest("id")
    assert record.actor == case_world.user("viewer")
    assert record.changes["notes"] == [case_world.open_note.pk]
    assert record.ip_address == "192.0.2.1"


def test_an_empty_note_shows_the_error_and_keeps_nothing(case_world):
    count = Note.objects.count()
    response = client_for(case_world, "contributor").post(
        f"/cases/{case_world.case.pk}/", {"body": "   ", "visibility": "case"}
    )
    assert response.status_code == 200
    assert "A note needs some text." in response.content.decode()
    assert Note.objects.count() == count


def test_a_restricted_note_from_the_page(case_world):
    client = client_for(case_world, "excluded")
    client.post(
        f"/cases/{case_world.case.pk}/",
        {
            "body": "For the manager only",
            "visibility": "restricted",
            "restricted_to": [case_world.agencies["manager"].pk],
        },
    )
    note = Note.objects.latest("id")
    assert set(note.restricted_to.values_list("short_name", flat=True)) == {"EXC", "MGR"}
    assert (
        b"For the manager only"
        not in client_for(case_world, "viewer").get(f"/cases/{case_world.case.pk}/").content
    )


def test_a_stale_edit_from_the_page_is_refused_with_an_explanation(case_world):
    client = client_for(case_world, "contributor")
    url = f"/notes/{case_world.restricted_note.pk}/edit/"
    services.note_edit(
        actor=case_world.user("contributor"),
        note=case_world.restricted_note,
        expected_version=1,
        body="Changed elsewhere",
    )
    response = client.post(url, {"version": 1, "body": "My late edit", "visibility": "case"})
    assert response.status_code == 200
    assert "Someone changed this note" in response.content.decode()
    assert Note.objects.get(pk=case_world.restricted_note.pk).body == "Changed elsewhere"


def test_sharing_from_the_page_with_a_bad_expiry_explains_and_changes_nothing(case_world):
    client = client_for(case_world, "manager")
    response = client.post(
        f"/cases/{case_world.case.pk}/share/",
        {
            "agency": case_world.agencies["member"].pk,
            "level": "view",
            "purpose": "x",
            "expires_on": "2001-01-01",
        },
        follow=True,
    )
    assert "must be in the future" in response.content.decode()
    assert not CaseShare.objects.filter(agency=case_world.agencies["member"]).exists()


def test_opening_a_case_from_the_page(case_world):
    client = client_for(case_world, "viewer")
    response = client.post(
        "/cases/new/",
        {
            "task_force": case_world.task_force.pk,
            "title": "Page case",
            "kind": "other",
            "priority": "normal",
            "summary": "",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Page case" in page


def test_the_case_page_runs_a_bounded_number_of_queries(case_world, django_assert_max_num_queries):
    for i in range(20):
        services.note_add(actor=case_world.user("manager"), case=case_world.case, body=f"n{i}")
    client = client_for(case_world, "manager")
    with django_assert_max_num_queries(15):
        assert client.get(f"/cases/{case_world.case.pk}/").status_code == 200


def test_the_admin_shows_case_metadata_but_no_content(case_world):
    from tests.agencies.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = client.get("/admin/cases/case/")
    assert listing.status_code == 200
    assert case_world.case.number in listing.content.decode()
    detail = client.get(f"/admin/cases/case/{case_world.case.pk}/change/").content.decode()
    shares = client.get("/admin/cases/caseshare/").content.decode()
    for text in (detail, shares, listing.content.decode()):
        assert "Motel corridor" not in text
        assert "Surveillance schedule" not in text
        assert "Joint work along I-70" not in text
    assert client.get("/admin/cases/note/").status_code == 404
