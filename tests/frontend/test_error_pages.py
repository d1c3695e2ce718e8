"""The portal's own error pages, also in DEBUG (``make run``): a dead link never shows
Django's debug page with the list of every URL; the API keeps its JSON errors."""

import pytest
from django.template import loader
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

DEBUG_PAGE_MARKS = ("URLconf", "technical", "Django tried these URL patterns", "Traceback")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_portal_page(response, status: int):
    assert response.status_code == status
    page = response.content.decode()
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in page
    assert 'class="card error-page"' in page
    assert 'class="topbar"' in page
    return page


@override_settings(DEBUG=True)
def test_a_dead_link_shows_the_portals_404_in_debug(personas):
    page = assert_portal_page(signed_in(personas.user("viewer")).get("/no/such/page/"), 404)
    assert 'class="mainnav"' in page
    assert "/admin/" not in page


@override_settings(DEBUG=True)
def test_a_dead_link_for_an_anonymous_visitor_offers_sign_in(client):
    page = assert_portal_page(client.get("/no/such/page/"), 404)
    assert 'href="/login/"' in page


@override_settings(DEBUG=True)
def test_a_404_from_a_view_is_the_portals_in_debug(personas):
    response = signed_in(personas.user("viewer")).get("/cases/999999/")
    assert_portal_page(response, 404)


@override_settings(DEBUG=True)
def test_a_403_from_a_view_is_the_portals_in_debug(personas):
    # A liaison who is not an agency admin is refused the people section.
    response = signed_in(personas.user("viewer")).get("/agency/people/")
    page = assert_portal_page(response, 403)
    assert "admins manage its people." in page


@override_settings(DEBUG=True)
def test_a_missing_trailing_slash_still_redirects_in_debug(personas):
    response = signed_in(personas.user("viewer")).get("/directory")
    assert response.status_code == 301
    assert response["Location"] == "/directory/"


@override_settings(DEBUG=True)
def test_the_api_keeps_json_errors_in_debug(personas):
    client = signed_in(personas.user("viewer"))
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = client.get("/api/v1/cases/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@override_settings(DEBUG=True)
def test_an_error_in_a_view_shows_the_portals_500_in_debug(personas, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr("frontend.views.selectors.task_force_list", broken)
    client = signed_in(personas.user("viewer"))
    response = client.get("/directory/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "boom" not in page
    assert 'class="card error-page"' in page


def test_without_debug_the_same_pages_answer(personas):
    client = signed_in(personas.user("viewer"))
    assert_portal_page(client.get("/no/such/page/"), 404)
    assert_portal_page(client.get("/agency/people/"), 403)


def test_the_500_page_renders_standalone():
    # No request, no context processor, no database: it must render when all else fails.
    page = loader.get_template("500.html").render({})
    assert 'class="card error-page"' in page
    assert "1-888-373-7888" in page
    assert "{%" not in page
