"""The OpenAPI schema is the contract integrations are generated from: it validates, every
operation documents the errors it can answer in their one shape, and what the API really
answers (pages, redaction, cancelling, answers, each error) is what the schema says, checked
by validating each response body against the schema of its path, method and status."""

import pytest
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from cases.api.common import NotesCursorPagination
from cases.models import NoteVisibility
from tests.cases.factories import NoteFactory
from tests.conftest import bearer_client
from tests.personas import api_client

pytestmark = pytest.mark.django_db

OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(personas):
    response = api_client(personas, "manager").get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _json_schema(node):
    """OpenAPI 3.0 in JSON Schema terms: ``nullable`` is the value or null, and ``oneOf``
    is read as ``anyOf`` (a blank URL is both the empty string and a string whose format,
    uri, this validator does not check)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {("anyOf" if k == "oneOf" else k): _json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def conforms(schema: dict, path: str, method: str, response) -> None:
    """Fail unless ``response`` has a status the operation documents and a JSON body that
    its schema accepts."""
    operation = schema["paths"][path][method]
    documented = operation["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {path} answered an undocumented {status}"
    body_schema = documented[status]["content"]["application/json"]["schema"]
    root = {**_json_schema(body_schema), "components": _json_schema(schema["components"])}
    errors = list(Draft202012Validator(root).iter_errors(response.json()))
    assert errors == [], f"{method.upper()} {path} {status}: {errors[0].message}"


def test_the_schema_is_valid_openapi(schema):
    validate_schema(schema)


def test_every_operation_documents_its_errors_in_the_one_shape(schema):
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "detail"}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in OPERATIONS:
                continue
            expected = {"400", "401", "403"} | ({"404"} if "{" in path else set())
            assert expected <= set(operation["responses"]), f"{method} {path}"
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", f"{method} {path} {status}"


def test_every_body_is_json_and_anything_else_answers_415(schema, personas, shared_case):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in OPERATIONS and "requestBody" in operation:
                # Evidence files are the one upload: a file, sent as multipart/form-data.
                wanted = (
                    ["multipart/form-data"]
                    if path == "/api/v1/cases/{id}/files/"
                    else ["application/json"]
                )
                assert list(operation["requestBody"]["content"]) == wanted, f"{method} {path}"
                assert {"413", "415"} <= set(operation["responses"]), f"{method} {path}"
    notes = shared_case.notes.count()
    response = api_client(personas, "manager").post(
        f"/api/v1/cases/{shared_case.pk}/notes/", {"body": "Sent as a form"}, format="multipart"
    )
    assert response.status_code == 415
    conforms(schema, "/api/v1/cases/{id}/notes/", "post", response)
    assert shared_case.notes.count() == notes


def test_a_body_over_the_limit_answers_413_in_the_error_shape(schema, personas, shared_case):
    notes = shared_case.notes.count()
    response = api_client(personas, "manager").post(
        f"/api/v1/cases/{shared_case.pk}/notes/", {"body": "x" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    conforms(schema, "/api/v1/cases/{id}/notes/", "post", response)
    assert shared_case.notes.count() == notes


def test_every_page_size_names_its_default_and_maximum(schema):
    sizes = [
        parameter["schema"]
        for methods in schema["paths"].values()
        for method, operation in methods.items()
        if method in OPERATIONS
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "page_size"
    ]
    assert len(sizes) >= 8
    assert all(1 <= size["default"] <= size["maximum"] for size in sizes)


def test_a_page_size_within_the_maximum_is_honoured(personas, shared_case, monkeypatch):
    monkeypatch.setattr(NotesCursorPagination, "max_page_size", 2)
    for index in range(3):
        NoteFactory(actor=personas.user("manager"), case=shared_case, body=f"Note {index}")
    response = api_client(personas, "manager").get(
        f"/api/v1/cases/{shared_case.pk}/notes/", {"page_size": 2}
    )
    assert len(response.json()["results"]) == 2
    assert response.json()["next"]


def test_a_page_size_outside_the_documented_range_is_a_400(schema, personas, shared_case):
    """Found by `make fuzz`: ``page_size=201`` answered 200 rows where the schema's maximum
    is 200, and ``page_size=0`` or ``abc`` the default page; both now name the parameter."""
    manager = api_client(personas, "manager")
    lists = [
        ("/api/v1/cases/{id}/notes/", f"/api/v1/cases/{shared_case.pk}/notes/", 200),
        ("/api/v1/cases/", "/api/v1/cases/", 200),
        ("/api/v1/events/", "/api/v1/events/", 500),
    ]
    for path, url, maximum in lists:
        for size in (maximum + 1, 0, -1, "abc", "", "9" * 5000):
            response = manager.get(url, {"page_size": size})
            assert response.status_code == 400, (path, size)
            assert list(response.json()["fields"]) == ["page_size"]
            conforms(schema, path, "get", response)
        assert manager.get(url, {"page_size": maximum}).status_code == 200


def test_cursor_pages_answer_the_page_the_schema_describes(
    schema, personas, shared_case, case_notes
):
    manager = api_client(personas, "manager")
    case = shared_case.pk
    for path, url in [
        ("/api/v1/cases/{id}/notes/", f"/api/v1/cases/{case}/notes/"),
        ("/api/v1/cases/{id}/access-report/", f"/api/v1/cases/{case}/access-report/"),
        ("/api/v1/events/", "/api/v1/events/?since=0"),
    ]:
        response = manager.get(url)
        assert set(response.json()) == {"next", "previous", "results"}
        conforms(schema, path, "get", response)
    # A page that has a next one gives it as a link the schema documents.
    response = manager.get(f"/api/v1/cases/{case}/notes/?page_size=1")
    assert response.json()["next"]
    conforms(schema, "/api/v1/cases/{id}/notes/", "get", response)


def test_revisions_are_the_plain_list_the_schema_describes(schema, personas, case_notes):
    response = api_client(personas, "manager").get(f"/api/v1/notes/{case_notes.open.pk}/revisions/")
    assert isinstance(response.json(), list)
    conforms(schema, "/api/v1/notes/{id}/revisions/", "get", response)


def test_redacting_answers_the_redacted_note_by_post_or_delete(schema, personas, shared_case):
    manager = api_client(personas, "manager")
    first, second = (
        NoteFactory(actor=personas.user("manager"), case=shared_case, body=body)
        for body in ("Wrong suspect named.", "Wrong plate number.")
    )
    response = manager.post(
        f"/api/v1/notes/{first.pk}/redact/", {"reason": "Named in error"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["redacted_at"] is not None
    conforms(schema, "/api/v1/notes/{id}/redact/", "post", response)
    response = manager.delete(
        f"/api/v1/notes/{second.pk}/", {"reason": "Named in error"}, format="json"
    )
    assert response.status_code == 200
    conforms(schema, "/api/v1/notes/{id}/", "delete", response)


def test_a_read_token_cannot_redact(schema, personas, shared_case):
    note = NoteFactory(actor=personas.user("manager"), case=shared_case)
    reader = bearer_client(personas.user("manager"), scope="read")
    response = reader.post(f"/api/v1/notes/{note.pk}/redact/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    conforms(schema, "/api/v1/notes/{id}/redact/", "post", response)
    note.refresh_from_db()
    assert note.redacted_at is None


def test_a_restricted_note_cannot_be_redacted_by_an_agency_left_out(schema, personas, case_notes):
    assert case_notes.restricted.visibility == NoteVisibility.RESTRICTED
    response = api_client(personas, "viewer").post(
        f"/api/v1/notes/{case_notes.restricted.pk}/redact/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404
    conforms(schema, "/api/v1/notes/{id}/redact/", "post", response)
    case_notes.restricted.refresh_from_db()
    assert case_notes.restricted.redacted_at is None


def test_cancelling_and_answering_a_meeting_answer_what_the_schema_says(
    schema, personas, weekly_meeting
):
    invited = api_client(personas, "invited")
    response = invited.post(
        f"/api/v1/meetings/{weekly_meeting.pk}/rsvp/", {"response": "accepted"}, format="json"
    )
    assert response.status_code == 200
    conforms(schema, "/api/v1/meetings/{id}/rsvp/", "post", response)
    coordinator = api_client(personas, "coordinator")
    response = coordinator.post(
        f"/api/v1/meetings/{weekly_meeting.pk}/cancel/", {"reason": "Room closed"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    conforms(schema, "/api/v1/meetings/{id}/cancel/", "post", response)


def test_each_error_answers_the_documented_shape(schema, personas, shared_case, case_notes):
    note = case_notes.open
    manager = api_client(personas, "manager")
    answers = [
        (
            "/api/v1/cases/{id}/notes/",
            "get",
            manager.get(f"/api/v1/cases/{shared_case.pk}/notes/?cursor=abc"),
            400,
        ),
        ("/api/v1/cases/{id}/", "get", APIClient().get(f"/api/v1/cases/{shared_case.pk}/"), 401),
        (
            "/api/v1/cases/{id}/",
            "get",
            api_client(personas, "other").get(f"/api/v1/cases/{shared_case.pk}/"),
            404,
        ),
        (
            "/api/v1/notes/{id}/",
            "patch",
            manager.patch(f"/api/v1/notes/{note.pk}/", {"body": "x"}, format="json"),
            428,
        ),
        (
            "/api/v1/notes/{id}/",
            "patch",
            manager.patch(
                f"/api/v1/notes/{note.pk}/", {"body": "x"}, format="json", HTTP_IF_MATCH='"99"'
            ),
            412,
        ),
    ]
    for path, method, response, status in answers:
        assert response.status_code == status, (path, method, response.json())
        assert {"code", "detail"} <= set(response.json())
        conforms(schema, path, method, response)


def test_only_the_coordinators_cancel_a_meeting_by_post(schema, personas, weekly_meeting):
    """Another task force's agency does not see the meeting (404); an invited agency sees
    it but may not cancel it (403); nothing changes either way."""
    url = f"/api/v1/meetings/{weekly_meeting.pk}/cancel/"
    for persona, status in (("other", 404), ("invited", 403)):
        response = api_client(personas, persona).post(url, {"reason": "Not mine"})
        assert response.status_code == status, persona
        conforms(schema, "/api/v1/meetings/{id}/cancel/", "post", response)
    weekly_meeting.refresh_from_db()
    assert not weekly_meeting.is_cancelled


def test_a_page_that_does_not_exist_answers_the_documented_404(schema, personas, shared_case):
    """Found by `make fuzz`: ``?page=0`` and a page past the last answered an undocumented
    404. Pages count from 1 in the schema, and the 404 is documented on every numbered list."""
    manager = api_client(personas, "manager")
    for path in ("/api/v1/cases/", "/api/v1/agencies/", "/api/v1/task-forces/"):
        page = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "page")
        assert page["schema"]["minimum"] == 1
        for number in (0, 99):
            response = manager.get(path, {"page": number})
            assert response.status_code == 404, (path, number)
            conforms(schema, path, "get", response)


def test_an_if_match_that_is_no_etag_answers_the_documented_428(schema, personas, shared_case):
    """Found by `make fuzz`: redacting with an optional If-Match that is not an ETag
    (``W/"4J"``) answered 428, which only the operations requiring If-Match documented."""
    note = NoteFactory(actor=personas.user("manager"), case=shared_case)
    response = api_client(personas, "manager").post(
        f"/api/v1/notes/{note.pk}/redact/", {"reason": "x"}, format="json", HTTP_IF_MATCH='W/"4J"'
    )
    assert response.status_code == 428
    conforms(schema, "/api/v1/notes/{id}/redact/", "post", response)
    note.refresh_from_db()
    assert note.redacted_at is None


def test_every_link_leads_to_an_operation_of_the_schema(schema):
    operations = {
        operation["operationId"]: (path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method in OPERATIONS
    }
    links = [
        link
        for methods in schema["paths"].values()
        for method, operation in methods.items()
        if method in OPERATIONS
        for response in operation["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert len(links) >= 20
    for link in links:
        path, operation = operations[link["operationId"]]
        names = {p["name"] for p in operation.get("parameters", [])}
        for parameter in link["parameters"]:
            assert parameter.split(".", 1)[-1] in names, (link, path)


def test_text_is_a_json_string_not_a_number(schema, personas, shared_case):
    """Found by `make fuzz`: ``{"body": 0}`` saved the note "0" where the schema asks for a
    string; every text input of the API now refuses a number, a boolean or a list."""
    manager = api_client(personas, "manager")
    notes = shared_case.notes.count()
    for body in (0, 1.5, True, ["text"], {"text": "x"}):
        response = manager.post(
            f"/api/v1/cases/{shared_case.pk}/notes/", {"body": body}, format="json"
        )
        assert response.status_code == 400, body
        assert list(response.json()["fields"]) == ["body"]
        conforms(schema, "/api/v1/cases/{id}/notes/", "post", response)
    assert shared_case.notes.count() == notes
    response = manager.patch(f"/api/v1/cases/{shared_case.pk}/", {"title": 42}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["title"]


def test_an_empty_filter_is_documented_and_read_as_not_given(schema, personas):
    """Found by `make fuzz`: ``?kind=`` answered the whole list where the schema's enum
    allows no empty value; django-filter reads it as "not given", and the schema now says so."""
    parameters = schema["paths"]["/api/v1/agencies/"]["get"]["parameters"]
    kind = next(p for p in parameters if p["name"] == "kind")
    assert kind["allowEmptyValue"] is True
    assert not any(p.get("allowEmptyValue") for p in parameters if p["name"].startswith("page"))
    manager = api_client(personas, "manager")
    everyone = manager.get("/api/v1/agencies/").json()["count"]
    response = manager.get("/api/v1/agencies/", {"kind": ""})
    assert response.json()["count"] == everyone
    conforms(schema, "/api/v1/agencies/", "get", response)


def test_a_path_with_a_line_break_under_api_answers_json_404(personas):
    """Found by `make fuzz`: a line break in a path id fell past the API's catch-all and
    answered an HTML page."""
    response = api_client(personas, "manager").post("/api/v1/people/1%0A%C3%A0/invitation/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}
