"""What the security review of tasks and evidence files found, each as an attack that must
fail: a listed agency widening a restricted task, its history opening what was written
while it was restricted, a narrowed note leaving its files' events behind, search and
download of redacted material, and a restricted task frozen by an agency losing the case."""

import pytest

from cases import services
from cases.models import NoteVisibility, Task, TaskChange
from tests.cases.evidence import upload
from tests.personas import api_client, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_task(personas, shared_case):
    """MGR creates a task restricted to MGR and CON, then retitles it while restricted."""
    manager = personas.user("manager")
    task = services.task_create(
        actor=manager,
        case=shared_case,
        title="Protect informant CI-7",
        assigned_agency=personas.agency("contributor"),
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[],
    )
    return services.task_update(actor=manager, task=task, title="Move CI-7 to the safe house")


def _audience(task):
    return (task.visibility, sorted(task.restricted_to.values_list("pk", flat=True)))


# M1: only the creating agency changes who sees a task


@pytest.mark.parametrize(
    "payload",
    [
        {"visibility": "case"},
        {"restricted_to": ["excluded"]},
        {"status": "done", "visibility": "case"},
    ],
)
def test_a_listed_agency_may_not_widen_a_restricted_task(personas, secret_task, payload):
    if "restricted_to" in payload:
        payload = {"restricted_to": [personas.agency("excluded").pk]}
    before = _audience(secret_task)
    changes = TaskChange.objects.count()
    response = api_client(personas, "contributor").patch(
        f"/api/v1/tasks/{secret_task.pk}/", payload, format="json"
    )
    assert response.status_code == 403
    assert "created this task" in str(response.json())
    task = Task.objects.get(pk=secret_task.pk)
    assert _audience(task) == before and task.status == "open"
    assert TaskChange.objects.count() == changes
    assert api_client(personas, "excluded").get(f"/api/v1/tasks/{task.pk}/").status_code == 404


def test_a_listed_agency_may_not_reassign_a_restricted_task_outside_its_list(personas, secret_task):
    response = api_client(personas, "contributor").patch(
        f"/api/v1/tasks/{secret_task.pk}/",
        {"assigned_agency": personas.agency("excluded").pk},
        format="json",
    )
    assert response.status_code == 403
    assert (
        api_client(personas, "excluded").get(f"/api/v1/tasks/{secret_task.pk}/").status_code == 404
    )


def test_a_listed_agency_still_changes_the_status_and_details(personas, secret_task):
    response = api_client(personas, "contributor").patch(
        f"/api/v1/tasks/{secret_task.pk}/", {"status": "done", "title": "Done"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert _audience(Task.objects.get(pk=secret_task.pk))[0] == "restricted"


def test_the_edit_page_refuses_a_listed_agency_widening_the_task(personas, secret_task):
    client = page_client(personas, "contributor")
    form = client.get(f"/tasks/{secret_task.pk}/edit/").content.decode()
    assert 'name="title"' in form and 'name="visibility"' not in form
    response = client.post(
        f"/tasks/{secret_task.pk}/edit/",
        {
            "title": secret_task.title,
            "assigned_agency": secret_task.assigned_agency_id,
            "status": "open",
            "visibility": "case",
            "version": secret_task.version,
        },
    )
    # The field is not offered, so a posted one is ignored: the task stays restricted.
    assert response.status_code == 302
    assert Task.objects.get(pk=secret_task.pk).visibility == "restricted"


def test_the_edit_page_still_lets_a_listed_agency_edit_the_details(personas, secret_task):
    response = page_client(personas, "contributor").post(
        f"/tasks/{secret_task.pk}/edit/",
        {
            "title": "Safe house booked",
            "assigned_agency": secret_task.assigned_agency_id,
            "status": "in_progress",
            "visibility": "restricted",
            "restricted_to": [personas.agency("manager").pk, personas.agency("contributor").pk],
            "version": secret_task.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get(pk=secret_task.pk)
    assert (task.title, task.visibility) == ("Safe house booked", "restricted")


def test_widening_a_task_does_not_open_its_restricted_history(personas, secret_task):
    creator = api_client(personas, "manager")
    widened = creator.patch(
        f"/api/v1/tasks/{secret_task.pk}/", {"visibility": "case"}, format="json"
    )
    assert widened.status_code == 200, widened.content
    assert len(widened.json()["history"]) == 3
    after = creator.patch(f"/api/v1/tasks/{secret_task.pk}/", {"status": "done"}, format="json")
    assert after.status_code == 200
    seen = api_client(personas, "excluded").get(f"/api/v1/tasks/{secret_task.pk}/").json()
    assert "CI-7" not in str(seen["history"])
    assert [list(change["fields"]) for change in seen["history"]] == [["status"]]
    page = page_client(personas, "excluded").get(f"/tasks/{secret_task.pk}/").content.decode()
    assert "Protect informant" not in page
    # The agencies that could read it all along still see every change.
    full = page_client(personas, "contributor").get(f"/tasks/{secret_task.pk}/").content.decode()
    assert "Protect informant CI-7" in full


# L3: an agency losing the case does not freeze a restricted task


def test_a_restricted_task_stays_editable_when_a_listed_agency_loses_the_case(
    personas, shared_case
):
    manager = personas.user("manager")
    task = services.task_create(
        actor=manager,
        case=shared_case,
        title="Watch the motel lot",
        assigned_agency=personas.agency("contributor"),
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("excluded")],
    )
    services.case_unshare(actor=manager, case=shared_case, agency=personas.agency("excluded"))
    response = api_client(personas, "contributor").patch(
        f"/api/v1/tasks/{task.pk}/", {"status": "in_progress"}, format="json"
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert personas.agency("excluded").pk not in set(
        task.restricted_to.values_list("pk", flat=True)
    )


# M2: narrowing a note takes its files' events too


def _event_text(personas, persona):
    response = api_client(personas, persona).get("/api/v1/events/?since=0")
    assert response.status_code == 200
    return str(response.json()["results"])


def test_narrowing_a_note_takes_its_files_events_from_agencies_left_out(
    personas, shared_case, evidence_dir
):
    manager = personas.user("manager")
    note = services.note_add(actor=manager, case=shared_case, body="Lot photos attached.")
    upload(manager, shared_case, name="lot-plates.png", note=note)
    assert "lot-plates.png" in _event_text(personas, "excluded")
    services.note_edit(
        actor=manager,
        note=note,
        expected_version=note.version,
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("contributor")],
    )
    assert "lot-plates.png" not in _event_text(personas, "excluded")
    assert "lot-plates.png" not in _event_text(personas, "viewer")
    assert "lot-plates.png" in _event_text(personas, "contributor")


# L1: redacted files are neither found nor served


def _hits(personas, persona, q):
    response = api_client(personas, persona).get("/api/v1/search/", {"q": q})
    assert response.status_code == 200, response.content
    return {(hit["kind"], hit["id"]) for hit in response.json()["results"]}


def test_search_skips_redacted_files_and_files_on_redacted_notes(
    personas, shared_case, evidence_dir
):
    manager = personas.user("manager")
    redacted = upload(manager, shared_case, name="plates-redacted.png")
    note = services.note_add(actor=manager, case=shared_case, body="See attachment.")
    on_note = upload(manager, shared_case, name="plates-on-note.png", note=note)
    kept = upload(manager, shared_case, name="plates-kept.png")
    assert ("file", redacted.pk) in _hits(personas, "viewer", "plates")
    services.file_redact(actor=manager, evidence=redacted, reason="Wrong case.")
    services.note_redact(actor=manager, note=note, reason="Wrong case.")
    for persona in ("manager", "viewer"):
        hits = _hits(personas, persona, "plates")
        assert ("file", kept.pk) in hits
        assert ("file", redacted.pk) not in hits
        assert ("file", on_note.pk) not in hits


def test_a_file_on_a_redacted_note_is_served_to_nobody(personas, shared_case, evidence_dir):
    manager = personas.user("manager")
    note = services.note_add(actor=manager, case=shared_case, body="See attachment.")
    on_note = upload(manager, shared_case, name="plates-on-note.png", note=note)
    client = api_client(personas, "manager")
    assert client.get(f"/api/v1/files/{on_note.pk}/download").status_code == 200
    services.note_redact(actor=manager, note=note, reason="Wrong case.")
    for persona in ("manager", "contributor", "viewer"):
        client = api_client(personas, persona)
        assert client.get(f"/api/v1/files/{on_note.pk}/").status_code == 404
        assert client.get(f"/api/v1/files/{on_note.pk}/download").status_code == 404
        listed = client.get(f"/api/v1/cases/{shared_case.pk}/files/").json()["results"]
        assert on_note.pk not in {row["id"] for row in listed}
