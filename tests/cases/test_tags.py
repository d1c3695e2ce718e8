"""Tags: each task force's vocabulary, kept by its coordinators; the tags of a case, set
by managing agencies from its task force's vocabulary; the case list filtered by tag."""

import pytest

from cases import services
from cases.models import Tag
from tests.frontend.elements import elements
from tests.personas import ANONYMOUS, api_client, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary(personas):
    coordinator = personas.user("coordinator")
    return {
        name: services.tag_create(actor=coordinator, task_force=personas.task_force, name=name)
        for name in ("Illicit massage", "Labor", "Minor victim")
    }


def test_coordinators_keep_the_vocabulary(personas):
    created = api_client(personas, "coordinator").post(
        "/api/v1/tags/", {"task_force": personas.task_force.pk, "name": "Minor victim"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "minor-victim"
    again = api_client(personas, "coordinator").post(
        "/api/v1/tags/", {"task_force": personas.task_force.pk, "name": "minor  victim"}
    )
    assert again.status_code == 400
    for persona in ("manager", "contributor", "other"):
        refused = api_client(personas, persona).post(
            "/api/v1/tags/", {"task_force": personas.task_force.pk, "name": "Labor"}
        )
        assert refused.status_code == 403
    assert Tag.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("manager", True), ("member", True), ("viewer", True), ("other", False)],
)
def test_a_vocabulary_is_seen_by_the_task_forces_members_only(personas, vocabulary, persona, sees):
    names = {
        t["name"] for t in api_client(personas, persona).get("/api/v1/tags/").json()["results"]
    }
    assert (names == set(vocabulary)) if sees else not names


@pytest.mark.parametrize(
    ("persona", "status"),
    [("manager", 200), ("contributor", 403), ("viewer", 403), ("member", 404), ("other", 404)],
)
def test_only_managing_agencies_tag_a_case(personas, shared_case, vocabulary, persona, status):
    response = api_client(personas, persona).put(
        f"/api/v1/cases/{shared_case.pk}/tags/",
        {"tags": [vocabulary["Labor"].pk]},
        format="json",
    )
    assert response.status_code == status
    assert shared_case.tags.exists() == (status == 200)


def test_a_tag_of_another_task_force_is_refused(personas, shared_case):
    foreign = services.tag_create(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        name="Ours",
    )
    personas.other_task_force.coordinators.add(personas.user("other"))
    theirs = services.tag_create(
        actor=personas.user("other"), task_force=personas.other_task_force, name="Theirs"
    )
    response = api_client(personas, "manager").put(
        f"/api/v1/cases/{shared_case.pk}/tags/", {"tags": [foreign.pk, theirs.pk]}, format="json"
    )
    assert response.status_code == 400
    assert not shared_case.tags.exists()


def test_the_case_list_filters_by_tag_in_the_api_and_the_page(personas, shared_case, vocabulary):
    services.case_set_tags(
        actor=personas.user("manager"), case=shared_case, tags=[vocabulary["Labor"]]
    )
    client = api_client(personas, "viewer")
    labor, minor = vocabulary["Labor"].pk, vocabulary["Minor victim"].pk
    assert [c["id"] for c in client.get(f"/api/v1/cases/?tag={labor}").json()["results"]] == [
        shared_case.pk
    ]
    assert client.get(f"/api/v1/cases/?tag={minor}").json()["results"] == []
    assert client.get("/api/v1/cases/?tag=nope").status_code == 400
    page = page_client(personas, "viewer").get(f"/cases/?tag={labor}").content.decode()
    assert elements(page, "span", cls="tag")
    tagged = page_client(personas, "viewer").get(f"/cases/{shared_case.pk}/").content.decode()
    assert [e.text for e in elements(tagged, "a", cls="tag")] == ["Labor"]


def test_anonymous_sees_no_tags(personas, vocabulary):
    assert api_client(personas, ANONYMOUS).get("/api/v1/tags/").status_code in (401, 403)


def test_tag_pages(personas, shared_case, vocabulary):
    coordinator = page_client(personas, "coordinator")
    page = coordinator.get("/tags/").content.decode()
    assert {e.attrs["data-tag-id"] for e in elements(page, "li", attr="data-tag-id")} == {
        str(t.pk) for t in vocabulary.values()
    }
    assert elements(page, "form", cls="tag-form")
    assert not elements(
        page_client(personas, "member").get("/tags/").content, "form", cls="tag-form"
    )
    assert (
        page_client(personas, "member")
        .post(f"/tags/{personas.task_force.slug}/new/", {"name": "x"})
        .status_code
        == 403
    )
    added = coordinator.post(f"/tags/{personas.task_force.slug}/new/", {"name": "Hotel"})
    assert added.status_code == 302
    manager = page_client(personas, "manager")
    saved = manager.post(f"/cases/{shared_case.pk}/tags/", {"tags": [vocabulary["Labor"].pk]})
    assert saved.status_code == 302
    assert list(shared_case.tags.values_list("name", flat=True)) == ["Labor"]
    refused = page_client(personas, "viewer").post(
        f"/cases/{shared_case.pk}/tags/", {"tags": [vocabulary["Minor victim"].pk]}
    )
    assert refused.status_code == 403
    removed = coordinator.post(f"/tags/{vocabulary['Labor'].pk}/delete/")
    assert removed.status_code == 302
    assert not shared_case.tags.exists()


@pytest.mark.parametrize("tags", [{}, "1", 5, {"a": 1}])
def test_tags_must_be_a_list_of_ids(personas, shared_case, vocabulary, tags):
    response = api_client(personas, "manager").put(
        f"/api/v1/cases/{shared_case.pk}/tags/", {"tags": tags}, format="json"
    )
    assert response.status_code == 400
