import pytest

from agencies.models import Profession
from tests.agencies.factories import AgencyFactory, MembershipFactory, TaskForceFactory
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/me/",
    "/api/v1/agencies/",
    "/api/v1/agencies/{agency}/",
    "/api/v1/task-forces/",
    "/api/v1/task-forces/{task_force}/",
]


def _url(template, personas):
    return template.format(agency=personas.agency("manager").pk, task_force=personas.task_force.pk)


@pytest.mark.parametrize("template", ENDPOINTS)
def test_anonymous_callers_get_a_json_401(api_client, personas, template):
    response = api_client.get(_url(template, personas))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "Authentication credentials were not provided.",
    }


@pytest.mark.parametrize("template", ENDPOINTS)
def test_session_and_token_callers_read_every_endpoint(api_client, personas, template):
    api_client.force_login(personas.user("member"))
    assert api_client.get(_url(template, personas)).status_code == 200
    client = bearer_client(personas.user("member"))
    assert client.get(_url(template, personas)).status_code == 200


def test_session_writes_need_a_csrf_token(personas):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(personas.user("member"))
    response = client.post("/api/v1/agencies/", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_me_describes_the_caller_and_their_task_forces(api_client, personas):
    personas.task_force.coordinators.add(personas.user("manager"))
    api_client.force_login(personas.user("manager"))
    body = api_client.get("/api/v1/me/").json()
    assert body["username"] == "manager.liaison"
    assert body["agency"] == {
        "id": personas.agency("manager").pk,
        "name": "Managing Agency",
        "short_name": "MGR",
    }
    assert body["role"] == "liaison"
    assert body["profession"] == Profession.LAW_ENFORCEMENT
    assert body["task_forces"] == [
        {
            "id": personas.task_force.pk,
            "name": "Task Force One",
            "slug": "tf-one",
            "role": "lead",
            "is_coordinator": True,
        }
    ]


def _by_short_name(results):
    return {row["short_name"]: row for row in results}


def test_agency_contacts_follow_the_directory_rule(api_client, personas):
    api_client.force_login(personas.user("member"))
    rows = _by_short_name(api_client.get("/api/v1/agencies/").json()["results"])
    assert set(rows) == {"MGR", "CON", "VIEW", "EXC", "MEM", "INV", "OTH"}
    assert rows["MGR"]["contact"]["email"] == personas.agency("manager").contact_email
    assert rows["MEM"]["contact"] is not None
    assert rows["OTH"]["contact"] is None


def test_an_outsiders_agency_detail_has_no_contacts_or_liaisons(api_client, personas):
    api_client.force_login(personas.user("member"))
    response = api_client.get(f"/api/v1/agencies/{personas.agency('other').pk}/")
    body = response.json()
    assert body["contact"] is None
    assert body["liaisons"] is None
    assert personas.agency("other").contact_email not in response.content.decode()
    assert personas.user("other").email not in response.content.decode()
    assert body["memberships"][0]["task_force"]["slug"] == "tf-two"


def test_a_partners_agency_detail_lists_its_liaisons(api_client, personas):
    api_client.force_login(personas.user("member"))
    body = api_client.get(f"/api/v1/agencies/{personas.agency('manager').pk}/").json()
    assert body["liaisons"] == [
        {
            "name": personas.user("manager").get_full_name(),
            "title": "Detective",
            "email": personas.user("manager").email,
            "phone": "(816) 555-0142",
        }
    ]


def test_an_unknown_agency_is_a_json_404(api_client, personas):
    api_client.force_login(personas.user("member"))
    response = api_client.get("/api/v1/agencies/999999/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_agencies_filter_by_task_force_kind_and_search(api_client, personas):
    api_client.force_login(personas.user("member"))

    def names(query):
        response = api_client.get(f"/api/v1/agencies/?{query}")
        assert response.status_code == 200, response.content
        return {row["short_name"] for row in response.json()["results"]}

    assert names(f"task_force={personas.task_force.pk}") == {
        "MGR",
        "CON",
        "VIEW",
        "EXC",
        "MEM",
        "INV",
    }
    assert names("search=othe") == {"OTH"}
    assert names("kind=federal") == set()


def test_a_bad_filter_is_a_400_in_the_error_shape(api_client, personas):
    api_client.force_login(personas.user("member"))
    response = api_client.get("/api/v1/agencies/?kind=spaceship")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "kind" in body["fields"]
    assert body["detail"].startswith("kind:")


def test_lists_paginate_and_refuse_a_page_size_past_the_maximum(api_client, personas):
    AgencyFactory.create_batch(205)
    api_client.force_login(personas.user("member"))
    body = api_client.get("/api/v1/agencies/?page_size=2").json()
    assert (body["count"], len(body["results"])) == (212, 2)
    assert "page=2" in body["next"]
    assert len(api_client.get("/api/v1/agencies/?page_size=200").json()["results"]) == 200
    response = api_client.get("/api/v1/agencies/?page_size=1000")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["page_size"]


def test_the_agency_list_runs_a_fixed_number_of_queries(
    api_client, personas, django_assert_max_num_queries
):
    AgencyFactory.create_batch(30)
    api_client.force_login(personas.user("member"))
    with django_assert_max_num_queries(8):
        api_client.get("/api/v1/agencies/?page_size=200")


def test_task_force_detail_lists_current_members_with_roles(api_client, personas):
    MembershipFactory(
        task_force=personas.task_force,
        agency=AgencyFactory(short_name="GONE"),
        left_on="2022-01-01",
    )
    api_client.force_login(personas.user("other"))
    body = api_client.get(f"/api/v1/task-forces/{personas.task_force.pk}/").json()
    members = {m["agency"]["short_name"]: m["role"] for m in body["members"]}
    assert members == {
        "MGR": "lead",
        "CON": "member",
        "VIEW": "member",
        "EXC": "member",
        "MEM": "member",
        "INV": "member",
    }
    assert body["lead_agency"]["short_name"] == "MGR"
    assert body["time_zone"] == "America/Chicago"


def test_the_task_force_list_runs_a_fixed_number_of_queries(
    api_client, personas, django_assert_max_num_queries
):
    for _ in range(10):
        task_force = TaskForceFactory()
        MembershipFactory.create_batch(3, task_force=task_force)
    api_client.force_login(personas.user("member"))
    with django_assert_max_num_queries(8):
        assert len(api_client.get("/api/v1/task-forces/").json()["results"]) == 12


def test_unknown_api_paths_answer_json_404(api_client):
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_openapi_schema_and_docs_are_served(api_client, personas):
    api_client.force_login(personas.user("member"))
    schema = api_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/me/", "/api/v1/agencies/{id}/", "/api/v1/task-forces/{id}/"} <= set(
        document["paths"]
    )
    assert api_client.get("/api/docs/").status_code == 200


def test_the_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_me_writes_nothing(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(personas.user("manager"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me/")
    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    # No subscription yet: the URL appears once the person creates one.
    assert response.json()["calendar_feed_url"] is None


def test_the_active_filter_takes_a_boolean_or_answers_400(api_client, personas):
    """Found by `make fuzz`: ``?active=null`` answered every agency, unfiltered."""
    AgencyFactory(active=False)
    api_client.force_login(personas.user("member"))
    everyone = api_client.get("/api/v1/agencies/").json()["count"]
    inactive = api_client.get("/api/v1/agencies/?active=false").json()["count"]
    assert inactive == 1
    assert api_client.get("/api/v1/agencies/?active=true").json()["count"] == everyone - 1
    for word in ("null", "yes", "2"):
        response = api_client.get(f"/api/v1/agencies/?active={word}")
        assert response.status_code == 400, word
        assert list(response.json()["fields"]) == ["active"]
