"""Conditional requests: every API answer carries an ETag; a GET with a current
If-None-Match answers 304 without a body; a PATCH of a case or a meeting with a stale
If-Match answers 412 and changes nothing, so two people's edits never overwrite each other
unseen."""

import pytest

from cases.models import Case
from meetings.models import Meeting
from tests.personas import api_client
from tests.portal.test_schema_contract import conforms

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(personas):
    return api_client(personas, "manager").get("/api/schema/?format=json").json()


@pytest.mark.parametrize(
    "url",
    [
        lambda case: f"/api/v1/cases/{case.pk}/",
        lambda case: "/api/v1/cases/",
        lambda case: f"/api/v1/cases/{case.pk}/notes/",
        lambda case: "/api/v1/me/",
    ],
)
def test_a_current_if_none_match_answers_304_without_a_body(personas, shared_case, url):
    client = api_client(personas, "manager")
    first = client.get(url(shared_case))
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url(shared_case), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    stale = client.get(url(shared_case), HTTP_IF_NONE_MATCH='"0-stale"')
    assert stale.status_code == 200 and stale.json() == first.json()


def test_a_change_gives_the_case_a_new_etag(personas, shared_case):
    client = api_client(personas, "manager")
    before = client.get(f"/api/v1/cases/{shared_case.pk}/")["ETag"]
    client.patch(f"/api/v1/cases/{shared_case.pk}/", {"summary": "Second motel found."})
    after = client.get(f"/api/v1/cases/{shared_case.pk}/", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before
    assert after.json()["summary"] == "Second motel found."


def test_the_etag_is_each_agencys_own_answer(personas, shared_case):
    # The same case, answered at another level: a cached answer of one agency never
    # passes for another's.
    managing = api_client(personas, "manager").get(f"/api/v1/cases/{shared_case.pk}/")
    viewing = api_client(personas, "viewer").get(
        f"/api/v1/cases/{shared_case.pk}/", HTTP_IF_NONE_MATCH=managing["ETag"]
    )
    assert viewing.status_code == 200 and viewing.json()["my_level"] == "view"


def test_a_stale_if_match_on_a_case_is_a_412_and_changes_nothing(personas, shared_case, schema):
    mine, theirs = api_client(personas, "manager"), api_client(personas, "manager")
    read = mine.get(f"/api/v1/cases/{shared_case.pk}/")["ETag"]
    theirs.patch(f"/api/v1/cases/{shared_case.pk}/", {"title": "Renamed by a colleague"})
    late = mine.patch(f"/api/v1/cases/{shared_case.pk}/", {"title": "My title"}, HTTP_IF_MATCH=read)
    assert late.status_code == 412 and late.json()["code"] == "precondition_failed"
    conforms(schema, "/api/v1/cases/{id}/", "patch", late)
    assert Case.objects.get(pk=shared_case.pk).title == "Renamed by a colleague"
    # With the current ETag, the change is made; the status change checks it too.
    current = mine.get(f"/api/v1/cases/{shared_case.pk}/")["ETag"]
    made = mine.patch(
        f"/api/v1/cases/{shared_case.pk}/",
        {"title": "My title", "status": "active"},
        HTTP_IF_MATCH=current,
    )
    assert made.status_code == 200 and made.json()["title"] == "My title"
    assert made["ETag"] != current
    stale_status = mine.patch(
        f"/api/v1/cases/{shared_case.pk}/", {"status": "closed"}, HTTP_IF_MATCH=current
    )
    assert stale_status.status_code == 412
    assert Case.objects.get(pk=shared_case.pk).status == "active"


def test_if_match_star_or_none_changes_whatever_happened(personas, shared_case):
    client = api_client(personas, "manager")
    star = client.patch(f"/api/v1/cases/{shared_case.pk}/", {"title": "A"}, HTTP_IF_MATCH="*")
    plain = client.patch(f"/api/v1/cases/{shared_case.pk}/", {"title": "B"})
    assert star.status_code == plain.status_code == 200


def test_a_stale_if_match_on_a_meeting_is_a_412_and_changes_nothing(
    personas, weekly_meeting, schema
):
    client = api_client(personas, "coordinator")
    url = f"/api/v1/meetings/{weekly_meeting.pk}/"
    read = client.get(url)["ETag"]
    client.patch(url, {"location": "Room 2"})
    late = client.patch(url, {"location": "Room 9"}, HTTP_IF_MATCH=read)
    assert late.status_code == 412
    conforms(schema, "/api/v1/meetings/{id}/", "patch", late)
    assert Meeting.objects.get(pk=weekly_meeting.pk).location == "Room 2"
    fresh = client.get(url)["ETag"]
    assert client.patch(url, {"location": "Room 9"}, HTTP_IF_MATCH=fresh).status_code == 200
    assert Meeting.objects.get(pk=weekly_meeting.pk).location == "Room 9"


def test_an_if_match_never_tells_a_stranger_anything(personas, shared_case):
    # An agency without access gets the same 404 with or without a precondition.
    outsider = api_client(personas, "member")
    response = outsider.patch(
        f"/api/v1/cases/{shared_case.pk}/", {"title": "x"}, HTTP_IF_MATCH='"1-x"'
    )
    assert response.status_code == 404
    assert outsider.get(f"/api/v1/cases/{shared_case.pk}/").status_code == 404


def test_every_get_documents_if_none_match_and_304(schema):
    for path, methods in schema["paths"].items():
        if "get" in methods:
            names = {p["name"] for p in methods["get"].get("parameters", [])}
            assert "If-None-Match" in names and "304" in methods["get"]["responses"], path
    for path in ("/api/v1/cases/{id}/", "/api/v1/meetings/{id}/"):
        names = {p["name"] for p in schema["paths"][path]["patch"]["parameters"]}
        assert "If-Match" in names and "412" in schema["paths"][path]["patch"]["responses"]


def test_api_answers_are_for_the_caller_alone(personas, shared_case):
    # No shared cache between the portal and its callers may keep one agency's answer.
    client = api_client(personas, "manager")
    for url in (f"/api/v1/cases/{shared_case.pk}/", "/api/v1/me/", "/api/v1/nothing-here/"):
        assert "private" in client.get(url)["Cache-Control"]
