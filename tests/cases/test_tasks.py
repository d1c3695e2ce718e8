"""Tasks on a case: created by contributors, assigned to contributing agencies, seen only
by agencies that see the case (a restricted task only by those it names), with history,
If-Match, events and the agency's list, overdue first."""

import datetime as dt

import pytest
import time_machine

from activity.models import Event
from cases import services
from cases.models import NoteVisibility, Task, TaskStatus
from tests.personas import ANONYMOUS, api_client

pytestmark = pytest.mark.django_db

PERSONAS = ["manager", "contributor", "viewer", "excluded", "member", "other", ANONYMOUS]


@pytest.fixture
def tasks(personas, shared_case):
    """A case-wide task assigned to CON, and one restricted to MGR and CON (EXC left out)."""
    manager = personas.user("manager")
    open_task = services.task_create(
        actor=manager,
        case=shared_case,
        title="Canvass the truck stop",
        assigned_agency=personas.agency("contributor"),
        due_on=dt.date(2026, 11, 2),
    )
    restricted = services.task_create(
        actor=manager,
        case=shared_case,
        title="Interview informant CI-7",
        assigned_agency=personas.agency("contributor"),
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[],
    )
    return open_task, restricted


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("persona", "sees_case_wide", "sees_restricted"),
    [
        ("manager", True, True),
        ("contributor", True, True),
        ("viewer", True, False),
        ("excluded", True, False),
        ("member", False, False),
        ("other", False, False),
    ],
)
def test_only_agencies_given_the_case_and_the_task_see_it(
    personas, shared_case, tasks, persona, sees_case_wide, sees_restricted
):
    open_task, restricted = tasks
    client = api_client(personas, persona)
    listed = client.get(f"/api/v1/cases/{shared_case.pk}/tasks/")
    across = _ids(client.get("/api/v1/tasks/"))
    if not sees_case_wide:
        assert listed.status_code == 404
    else:
        assert (open_task.pk in _ids(listed), restricted.pk in _ids(listed)) == (
            sees_case_wide,
            sees_restricted,
        )
    assert (open_task.pk in across, restricted.pk in across) == (sees_case_wide, sees_restricted)
    for task, sees in [(open_task, sees_case_wide), (restricted, sees_restricted)]:
        assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == (200 if sees else 404)
        changed = client.patch(f"/api/v1/tasks/{task.pk}/", {"status": "done"}, format="json")
        if not sees:
            assert changed.status_code == 404
    assert Task.objects.get(pk=restricted.pk).status in (TaskStatus.OPEN, TaskStatus.DONE)


def test_anonymous_gets_nothing(personas, shared_case, tasks):
    client = api_client(personas, ANONYMOUS)
    assert client.get("/api/v1/tasks/").status_code in (401, 403)
    assert client.get(f"/api/v1/tasks/{tasks[0].pk}/").status_code in (401, 403)


def test_a_contributor_creates_a_task_for_a_contributing_agency(personas, shared_case):
    response = api_client(personas, "contributor").post(
        f"/api/v1/cases/{shared_case.pk}/tasks/",
        {
            "title": "Pull motel registers",
            "assigned_agency": personas.agency("excluded").pk,
            "assignee": personas.user("excluded").pk,
            "due_on": "2026-11-20",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assigned_agency"]["short_name"] == "EXC"
    assert body["assignee"]["id"] == personas.user("excluded").pk
    assert body["status"] == "open"
    assert body["history"][0]["change"] == "created"
    assert response.headers["ETag"]


@pytest.mark.parametrize(
    ("persona", "agency", "field"),
    [
        ("contributor", "viewer", "assigned_agency"),  # VIEW may only view the case
        ("contributor", "member", "assigned_agency"),  # MEM has no access
        ("contributor", "other", "assigned_agency"),
    ],
)
def test_a_task_goes_only_to_an_agency_that_may_contribute(
    personas, shared_case, persona, agency, field
):
    response = api_client(personas, persona).post(
        f"/api/v1/cases/{shared_case.pk}/tasks/",
        {"title": "x", "assigned_agency": personas.agency(agency).pk},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Task.objects.exists()


def test_an_assignee_of_another_agency_is_refused(personas, shared_case):
    response = api_client(personas, "manager").post(
        f"/api/v1/cases/{shared_case.pk}/tasks/",
        {
            "title": "x",
            "assigned_agency": personas.agency("contributor").pk,
            "assignee": personas.user("excluded").pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "assignee" in response.json()["fields"]


def test_a_viewing_agency_may_not_create_or_change_tasks(personas, shared_case, tasks):
    client = api_client(personas, "viewer")
    created = client.post(
        f"/api/v1/cases/{shared_case.pk}/tasks/",
        {"title": "x", "assigned_agency": personas.agency("contributor").pk},
        format="json",
    )
    assert created.status_code == 403
    changed = client.patch(f"/api/v1/tasks/{tasks[0].pk}/", {"status": "done"}, format="json")
    assert changed.status_code == 403
    assert Task.objects.get(pk=tasks[0].pk).status == TaskStatus.OPEN


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "finished"},
        {"title": ""},
        {"due_on": "tomorrow"},
        {"assigned_agency": 999999},
        {"visibility": "secret"},
    ],
)
def test_bad_task_input_is_a_clear_400_and_changes_nothing(personas, tasks, payload):
    task = tasks[0]
    before = Task.objects.get(pk=task.pk).updated_at
    response = api_client(personas, "contributor").patch(
        f"/api/v1/tasks/{task.pk}/", payload, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Task.objects.get(pk=task.pk).updated_at == before


def test_status_changes_keep_their_history_and_need_the_current_etag(personas, tasks):
    task = tasks[0]
    client = api_client(personas, "contributor")
    read = client.get(f"/api/v1/tasks/{task.pk}/")
    tag = read.headers["ETag"]
    moved = client.patch(
        f"/api/v1/tasks/{task.pk}/", {"status": "in_progress"}, format="json", HTTP_IF_MATCH=tag
    )
    assert moved.status_code == 200, moved.content
    stale = client.patch(
        f"/api/v1/tasks/{task.pk}/", {"status": "done"}, format="json", HTTP_IF_MATCH=tag
    )
    assert stale.status_code == 412
    history = client.get(f"/api/v1/tasks/{task.pk}/").json()["history"]
    assert [h["change"] for h in history] == ["created", "edited"]
    assert history[1]["fields"]["status"] == ["open", "in_progress"]
    assert history[1]["changed_by_agency"]["short_name"] == "CON"
    assert Task.objects.get(pk=task.pk).status == TaskStatus.IN_PROGRESS


def test_events_go_only_to_agencies_that_see_the_task(personas, tasks):
    _, restricted = tasks
    services.task_update(actor=personas.user("contributor"), task=restricted, status="done")
    assigned = Event.objects.filter(kind="task.assigned").order_by("id")
    audiences = [set(e.audience.values_list("agency_id", flat=True)) for e in assigned]
    ids = {p: personas.agency(p).pk for p in ("manager", "contributor", "viewer", "excluded")}
    assert audiences[0] == set(ids.values())
    assert audiences[1] == {ids["manager"], ids["contributor"]}
    changed = Event.objects.get(kind="task.status_changed")
    assert set(changed.audience.values_list("agency_id", flat=True)) == {
        ids["manager"],
        ids["contributor"],
    }
    assert changed.payload["from_status"] == "open"
    assert changed.payload["task"]["status"] == "done"


def test_narrowing_a_task_takes_its_past_events_from_agencies_left_out(personas, tasks):
    open_task, _ = tasks
    services.task_update(
        actor=personas.user("manager"),
        task=open_task,
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[],
    )
    excluded = personas.agency("excluded").pk
    assert not Event.objects.filter(kind__startswith="task.", audience__agency_id=excluded).exists()


@time_machine.travel(dt.datetime(2026, 11, 10, 15, tzinfo=dt.UTC), tick=False)
def test_my_agencys_list_shows_overdue_tasks_first(personas, shared_case, tasks):
    open_task, restricted = tasks
    later = services.task_create(
        actor=personas.user("manager"),
        case=shared_case,
        title="File the affidavit",
        assigned_agency=personas.agency("contributor"),
        due_on=dt.date(2026, 12, 1),
    )
    services.task_create(
        actor=personas.user("manager"),
        case=shared_case,
        title="Not ours",
        assigned_agency=personas.agency("manager"),
    )
    response = api_client(personas, "contributor").get("/api/v1/tasks/?assigned=mine")
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [open_task.pk, later.pk, restricted.pk]
    assert [row["overdue"] for row in rows] == [True, False, False]
    done = api_client(personas, "contributor").get("/api/v1/tasks/?assigned=mine&status=done")
    assert done.json()["results"] == []


@pytest.mark.parametrize("query", ["assigned=theirs", "status=finished"])
def test_bad_list_filters_are_a_400(personas, query):
    response = api_client(personas, "manager").get(f"/api/v1/tasks/?{query}")
    assert response.status_code == 400
