"""The events API refuses bad input with a clear 400 in the API's error shape."""

import base64

import pytest

from activity import live
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

LARGEST_ID = 2**63 - 1


def cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "raw",
    [
        "99999999999999999999999",  # past a 64-bit id: overflowed in the database
        str(LARGEST_ID + 1),
        "²",  # a digit to str.isdigit, not to int
        "٣",  # a decimal digit to int, but not an ASCII id
        "-1",
        "+1",
        " 1",
        "1e3",
        "",
        "abc",
    ],
)
def test_a_since_that_is_not_an_event_id_is_a_400(personas, raw):
    response = bearer_client(personas.user("manager")).get("/api/v1/events/", {"since": raw})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["since"]


def test_the_largest_event_id_is_a_valid_since(personas, shared_case):
    response = bearer_client(personas.user("manager")).get(
        "/api/v1/events/", {"since": str(LARGEST_ID)}
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "raw",
    [
        "cD1hYmM=",  # base64 of "p=abc", as the red team sent it
        cursor("p=99999999999999999999999"),
        cursor(f"p={LARGEST_ID + 1}"),
        cursor("p=²"),
        cursor("p="),
        cursor("r=x"),
        cursor("o=x"),  # undecodable for DRF: was a 404
        "not base64 at all",
        "é",  # not even ASCII
    ],
)
def test_a_forged_event_cursor_is_a_400(personas, raw):
    response = bearer_client(personas.user("manager")).get("/api/v1/events/", {"cursor": raw})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["cursor"]


def test_the_event_cursor_still_pages_through_the_stream(personas, shared_case):
    client = bearer_client(personas.user("manager"))
    everything = client.get("/api/v1/events/", {"since": "0"}).json()["results"]
    assert len(everything) >= 3
    seen, url = [], "/api/v1/events/?since=0&page_size=2"
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += [event["id"] for event in page.json()["results"]]
        url = page.json()["next"]
    assert seen == [event["id"] for event in everything]


@pytest.mark.parametrize("raw", ["0", "7", "000", str(LARGEST_ID)])
def test_parse_since_reads_ascii_ids(raw):
    assert live.parse_since(raw) == int(raw)


@pytest.mark.parametrize("raw", ["", "²", "٣", "-1", "1.0", str(LARGEST_ID + 1), "9" * 5000])
def test_parse_since_refuses_anything_else(raw):
    with pytest.raises(ValueError, match="id"):
        live.parse_since(raw)
