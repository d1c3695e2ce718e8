"""The API docs page (Swagger UI, served by the portal): a way back to the portal, and one
section per resource."""

from html.parser import HTMLParser

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


class Bar(HTMLParser):
    """The links inside the page's <header>."""

    def __init__(self):
        super().__init__()
        self.depth, self.links = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "header":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == "header":
            self.depth -= 1


@pytest.fixture
def schema(personas):
    client = Client()
    client.force_login(personas.user("manager"))
    return client.get("/api/schema/?format=json").json()


def test_the_api_docs_lead_back_to_the_portal(personas):
    client = Client()
    client.force_login(personas.user("viewer"))
    bar = Bar()
    bar.feed(client.get("/api/docs/").content.decode())
    assert "/" in bar.links


def test_the_api_docs_have_one_section_per_resource(schema):
    for path, operations in schema["paths"].items():
        resource = path.removeprefix("/api/v1/").split("/")[0]
        for method, operation in operations.items():
            assert operation["tags"] == [resource], (method, path)


def test_every_section_says_what_it_holds(schema):
    used = {tag for ops in schema["paths"].values() for op in ops.values() for tag in op["tags"]}
    described = {tag["name"]: tag.get("description") for tag in schema.get("tags", [])}
    assert used <= set(described), used - set(described)
    assert all(described[tag] for tag in used)


def test_operation_ids_keep_their_names(schema):
    # Integrations may generate clients from operation ids: grouping changed only the tags.
    ids = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}
    assert {"v1_cases_list", "v1_meetings_rsvp_create", "v1_notes_partial_update"} <= ids
