"""The case work pages: tasks on the case page, a task with its history, my agency's tasks
(overdue first), the dashboard's task panel, uploads, downloads and redaction of evidence
files; each tried by the personas, read by structure (elements), never by searching text."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import EvidenceFile, NoteVisibility, Task
from tests.cases.evidence import restricted_upload, upload
from tests.frontend.elements import elements
from tests.personas import ANONYMOUS, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(personas, shared_case, evidence_dir):
    manager = personas.user("manager")
    tasks = {
        "open": services.task_create(
            actor=manager,
            case=shared_case,
            title="Canvass the truck stop",
            assigned_agency=personas.agency("contributor"),
            due_on=dt.date(2026, 11, 2),
        ),
        "restricted": services.task_create(
            actor=manager,
            case=shared_case,
            title="Interview informant",
            assigned_agency=personas.agency("contributor"),
            visibility=NoteVisibility.RESTRICTED,
        ),
    }
    files = {
        "open": upload(manager, shared_case),
        "restricted": restricted_upload(personas, shared_case),
    }
    return tasks, files


def _row_ids(html, attr):
    return {int(e.attrs[attr]) for e in elements(html, attr=attr)}


@pytest.mark.parametrize(
    ("persona", "sees_case", "sees_restricted"),
    [
        ("manager", True, True),
        ("contributor", True, True),
        ("viewer", True, False),
        ("excluded", True, False),
        ("member", False, False),
        ("other", False, False),
    ],
)
def test_the_case_page_shows_only_the_tasks_and_files_the_agency_may_see(
    personas, shared_case, work, persona, sees_case, sees_restricted
):
    tasks, files = work
    client = page_client(personas, persona)
    response = client.get(f"/cases/{shared_case.pk}/")
    if not sees_case:
        assert response.status_code == 404
    else:
        html = response.content.decode()
        task_ids, file_ids = _row_ids(html, "data-task-id"), _row_ids(html, "data-file-id")
        assert tasks["open"].pk in task_ids and files["open"].pk in file_ids
        assert (tasks["restricted"].pk in task_ids) == sees_restricted
        assert (files["restricted"].pk in file_ids) == sees_restricted
    for kind in ("open", "restricted"):
        sees = sees_case and (kind == "open" or sees_restricted)
        expected = 200 if sees else 404
        assert client.get(f"/tasks/{tasks[kind].pk}/").status_code == expected
        assert client.get(f"/files/{files[kind].pk}/download").status_code == expected


def test_anonymous_is_sent_to_sign_in(personas, work):
    tasks, files = work
    client = page_client(personas, ANONYMOUS)
    for url in ("/tasks/", f"/tasks/{tasks['open'].pk}/", f"/files/{files['open'].pk}/download"):
        assert client.get(url).status_code == 302


def test_a_download_from_the_page_is_a_nosniff_attachment_with_the_recorded_digest(personas, work):
    _, files = work
    response = page_client(personas, "viewer").get(f"/files/{files['open'].pk}/download")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == files["open"].sha256


def test_a_contributor_uploads_a_file_from_the_case_page(personas, shared_case, evidence_dir):
    client = page_client(personas, "contributor")
    page = client.get(f"/cases/{shared_case.pk}/").content.decode()
    forms = elements(page, "form", cls="file-form")
    assert forms and forms[0].attrs["enctype"] == "multipart/form-data"
    response = client.post(
        forms[0].attrs["action"],
        {"file": SimpleUploadedFile("ledger.txt", b"Invented ledger\n"), "visibility": "case"},
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.uploaded_by_agency == personas.agency("contributor")
    shown = client.get(f"/cases/{shared_case.pk}/").content.decode()
    digests = [e.text for e in elements(shown, "code")]
    assert evidence.sha256 in digests


def test_viewers_get_no_upload_form_and_their_upload_is_refused(personas, shared_case, work):
    client = page_client(personas, "viewer")
    page = client.get(f"/cases/{shared_case.pk}/").content.decode()
    assert not elements(page, "form", cls="file-form")
    assert not elements(page, "a", attr="href") or all(
        e.attrs["href"] != f"/cases/{shared_case.pk}/tasks/new/" for e in elements(page, "a")
    )
    response = client.post(
        f"/cases/{shared_case.pk}/files/new/", {"file": SimpleUploadedFile("a.txt", b"x")}
    )
    assert response.status_code == 403
    assert client.get(f"/cases/{shared_case.pk}/tasks/new/").status_code == 403


def test_a_task_is_created_and_its_status_changed_from_the_pages(personas, shared_case):
    client = page_client(personas, "contributor")
    form_page = client.get(f"/cases/{shared_case.pk}/tasks/new/").content.decode()
    agencies = {e.text for e in elements(form_page, "option") if e.attrs.get("value")}
    assert "EXC" in str(agencies) and "VIEW" not in str(agencies)
    response = client.post(
        f"/cases/{shared_case.pk}/tasks/new/",
        {
            "title": "Pull registers",
            "assigned_agency": personas.agency("excluded").pk,
            "status": "open",
            "visibility": "case",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    changed = page_client(personas, "excluded").post(f"/tasks/{task.pk}/", {"status": "done"})
    assert changed.status_code == 302
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    history = elements(page, "ol", cls="task-history")[0]
    assert "done" in history.text.lower()
    assert Task.objects.get().status == "done"


def test_a_viewer_may_read_a_task_but_not_change_it(personas, work):
    tasks, _ = work
    client = page_client(personas, "viewer")
    page = client.get(f"/tasks/{tasks['open'].pk}/").content.decode()
    assert not elements(page, "form", cls="task-status-form")
    assert client.post(f"/tasks/{tasks['open'].pk}/", {"status": "done"}).status_code == 403
    assert client.get(f"/tasks/{tasks['open'].pk}/edit/").status_code == 403
    assert Task.objects.get(pk=tasks["open"].pk).status == "open"


def test_a_bad_task_form_is_a_400_that_changes_nothing(personas, shared_case):
    response = page_client(personas, "contributor").post(
        f"/cases/{shared_case.pk}/tasks/new/",
        {"title": "", "assigned_agency": "nope", "visibility": "x"},
    )
    assert response.status_code == 400
    assert elements(response.content, "p", cls="field-error")
    assert not Task.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 10, 15, tzinfo=dt.UTC), tick=False)
def test_my_agencys_tasks_page_and_dashboard_show_overdue_first(personas, work):
    tasks, _ = work
    client = page_client(personas, "contributor")
    for url in ("/tasks/", "/"):
        html = client.get(url).content.decode()
        rows = elements(html, "tr", attr="data-task-id")
        assert [int(r.attrs["data-task-id"]) for r in rows] == [
            tasks["open"].pk,
            tasks["restricted"].pk,
        ]
        assert "overdue" in rows[0].classes
    excluded = page_client(personas, "excluded").get("/tasks/?scope=all").content.decode()
    assert _row_ids(excluded, "data-task-id") == {tasks["open"].pk}
    panel = client.get("/dashboard/panels/tasks/")
    assert _row_ids(panel.content.decode(), "data-task-id") == {
        tasks["open"].pk,
        tasks["restricted"].pk,
    }


def test_redacting_from_the_page_asks_first_and_keeps_the_digest(
    personas, shared_case, work, django_capture_on_commit_callbacks
):
    _, files = work
    evidence = files["open"]
    assert page_client(personas, "excluded").get(f"/files/{evidence.pk}/redact/").status_code == 403
    client = page_client(personas, "manager")
    assert client.get(f"/files/{evidence.pk}/redact/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/files/{evidence.pk}/redact/", {"reason": "Wrong case"})
    assert response.status_code == 302
    page = client.get(f"/cases/{shared_case.pk}/").content.decode()
    item = [e for e in elements(page, "li", attr="data-file-id") if "redacted" in e.classes]
    assert item and evidence.sha256 in item[0].text
    assert client.get(f"/files/{evidence.pk}/download").status_code == 404


def test_an_upload_past_the_limit_is_refused_on_the_page(
    personas, shared_case, evidence_dir, settings
):
    settings.EVIDENCE_MAX_BYTES = 1000
    client = page_client(personas, "contributor")
    big = client.post(
        f"/cases/{shared_case.pk}/files/new/",
        {"file": SimpleUploadedFile("big.bin", b"x" * 200_000), "visibility": "case"},
    )
    assert big.status_code == 413
    just_over = client.post(
        f"/cases/{shared_case.pk}/files/new/",
        {"file": SimpleUploadedFile("big.bin", b"x" * 1001), "visibility": "case"},
    )
    assert just_over.status_code == 400
    assert elements(just_over.content, "p", cls="field-error")
    assert not EvidenceFile.objects.exists()
