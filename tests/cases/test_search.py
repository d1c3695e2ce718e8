"""Search finds cases, notes, tasks and file names the caller may see, ranked, with the
matching words marked and everything else escaped; never a hit the caller may not see.
Runs on SQLite (FTS5) and, with DATABASE_URL set, on PostgreSQL (full-text search)."""

import re

import pytest

from cases import search, services
from cases.models import NoteVisibility
from tests.cases.evidence import upload
from tests.frontend.elements import elements
from tests.personas import ANONYMOUS, api_client, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(personas, shared_case, case_notes, evidence_dir):
    manager = personas.user("manager")
    task = services.task_create(
        actor=manager,
        case=shared_case,
        title="Canvass the corridor motels",
        description="Ask night clerks about the white van.",
        assigned_agency=personas.agency("contributor"),
    )
    secret_task = services.task_create(
        actor=manager,
        case=shared_case,
        title="Protect informant CI-7",
        assigned_agency=personas.agency("contributor"),
        visibility=NoteVisibility.RESTRICTED,
    )
    evidence = upload(manager, shared_case, name="van-photo-corridor.png")
    html_note = services.note_add(
        actor=manager, case=shared_case, body="Corridor <script>alert(1)</script> sighting"
    )
    return {"task": task, "secret_task": secret_task, "file": evidence, "html": html_note}


def _hits(persona, personas, q):
    response = api_client(personas, persona).get("/api/v1/search/", {"q": q})
    assert response.status_code == 200, response.content
    return {(hit["kind"], hit["id"]) for hit in response.json()["results"]}


def test_it_finds_cases_notes_tasks_and_file_names(personas, shared_case, case_notes, content):
    hits = _hits("viewer", personas, "corridor")
    assert ("case", shared_case.pk) in hits
    assert ("task", content["task"].pk) in hits
    assert ("file", content["file"].pk) in hits
    assert ("note", content["html"].pk) in hits
    assert ("note", case_notes.open.pk) in _hits("viewer", personas, "surveillance schedule")


@pytest.mark.parametrize(
    ("persona", "sees_restricted"),
    [("manager", True), ("contributor", True), ("viewer", False), ("excluded", False)],
)
def test_a_restricted_note_or_task_is_never_a_hit_for_an_agency_left_out(
    personas, case_notes, content, persona, sees_restricted
):
    # The restricted note reads "Confidential informant CI-7 met on Tuesday."
    hits = _hits(persona, personas, "informant")
    assert (("note", case_notes.restricted.pk) in hits) == sees_restricted
    assert (("task", content["secret_task"].pk) in hits) == sees_restricted
    assert bool(hits) == sees_restricted


@pytest.mark.parametrize("persona", ["member", "other"])
def test_agencies_without_the_case_find_nothing_of_it(personas, content, persona):
    for q in ("corridor", "motel", "surveillance", "informant", "van"):
        assert _hits(persona, personas, q) == set()


def test_a_redacted_note_is_no_longer_found(personas, case_notes, content):
    services.note_redact(actor=personas.user("manager"), note=case_notes.open, reason="Wrong")
    assert ("note", case_notes.open.pk) not in _hits("manager", personas, "surveillance")


def test_matches_are_marked_and_the_rest_escaped(personas, content):
    response = api_client(personas, "viewer").get("/api/v1/search/", {"q": "sighting"})
    hit = next(h for h in response.json()["results"] if h["id"] == content["html"].pk)
    assert "<mark>sighting</mark>" in hit["snippet"]
    # SQLite keeps the text and escapes it; PostgreSQL's headline drops tags. Either way
    # nothing but the marks is markup.
    assert "<" not in re.sub("</?mark>", "", hit["snippet"])


def test_better_matches_rank_first(personas, shared_case, content):
    services.note_add(
        actor=personas.user("manager"),
        case=shared_case,
        body="Van van van: the van again, the same van.",
    )
    results = api_client(personas, "viewer").get("/api/v1/search/", {"q": "van"}).json()
    ranks = [hit["rank"] for hit in results["results"]]
    assert ranks == sorted(ranks, reverse=True)


@pytest.mark.parametrize("q", ["", "   ", "x" * 201])
def test_an_empty_or_overlong_query_is_a_clear_400(personas, q):
    response = api_client(personas, "viewer").get("/api/v1/search/", {"q": q})
    assert response.status_code == 400
    assert "q" in response.json()["fields"]


@pytest.mark.parametrize("q", ['"', "AND OR NOT", "*", "corridor) OR (x", "NEAR(a b)", "-"])
def test_search_syntax_in_the_words_is_never_an_error(personas, content, q):
    response = api_client(personas, "viewer").get("/api/v1/search/", {"q": q})
    assert response.status_code == 200


def test_anonymous_may_not_search(personas):
    assert api_client(personas, ANONYMOUS).get("/api/v1/search/?q=van").status_code in (401, 403)


def test_the_search_page_shows_marked_hits(personas, content, case_notes):
    page = page_client(personas, "excluded").get("/search/", {"q": "informant corridor"})
    assert page.status_code == 200
    assert not elements(page.content, "li", cls="hit")
    found = page_client(personas, "viewer").get("/search/", {"q": "sighting"}).content
    hits = elements(found, "li", cls="hit")
    assert {int(h.attrs["data-id"]) for h in hits if h.attrs["data-kind"] == "note"} == {
        content["html"].pk
    }
    assert [m.text for m in elements(found, "mark")] == ["sighting"]
    assert not elements(found, "script", attr=None) or all(
        "alert" not in s.text for s in elements(found, "script")
    )


def test_every_page_has_the_search_box_which_keeps_the_words_on_the_search_page(personas):
    client = page_client(personas, "viewer")
    [box] = elements(client.get("/").content, "form", cls="topsearch")
    assert box.attrs["action"] == "/search/" and box.attrs["method"] == "get"
    searched = client.get("/search/", {"q": "motel <b>"}).content
    [field] = [e for e in elements(searched, "input") if e.attrs.get("name") == "q"][:1]
    assert field.attrs["value"] == "motel <b>"  # escaped in the page, read back as typed


def test_the_selector_knows_both_backends():
    assert search.highlighted("a \x02b\x03 <c>") == "a <mark>b</mark> &lt;c&gt;"
