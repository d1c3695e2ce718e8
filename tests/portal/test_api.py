"""API plumbing: unknown paths answer the JSON 404 whatever the method."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "patch", "delete", "options"]


def call(client, method, path):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data="{}", content_type="application/json")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/nothing-here", "/api/x"])
def test_an_unknown_api_path_is_a_json_404_for_every_method(method, path):
    # A browser-like client that enforces CSRF: a write must not meet the HTML CSRF page.
    response = call(Client(enforce_csrf_checks=True), method, path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@pytest.mark.parametrize("method", METHODS)
def test_an_unknown_api_path_is_a_json_404_for_a_signed_in_browser(method, personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.user("manager"))
    response = call(client, method, "/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_head_request_to_an_unknown_api_path_is_a_404():
    assert Client(enforce_csrf_checks=True).head("/api/v1/nothing-here/").status_code == 404
