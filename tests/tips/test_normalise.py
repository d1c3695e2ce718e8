"""Identifiers are compared in one spelling per kind, through a keyed digest."""

import pytest
from django.core.exceptions import ValidationError

from tips.normalise import match_key, normalise


@pytest.mark.parametrize(
    "typed",
    ["(816) 555-0142", "816.555.0142", "+1 816 555 0142", "1-816-555-0142", "8165550142"],
)
def test_every_spelling_of_a_us_phone_number_is_one_e164_number(typed):
    assert normalise("phone", typed) == "+18165550142"


def test_a_foreign_number_keeps_its_country():
    assert normalise("phone", "+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("typed", ["MO ABC-123", "mo abc 123", "MO:ABC123", "MO-AB C-12 3"])
def test_plates_lose_dashes_and_spaces_and_keep_their_state(typed):
    assert normalise("plate", typed) == "MO ABC123"


def test_the_same_plate_of_another_state_is_another_plate():
    assert match_key("plate", normalise("plate", "KS ABC123")) != match_key(
        "plate", normalise("plate", "MO ABC123")
    )


def test_addresses_are_written_one_way():
    assert normalise("address", "1200 North Main Street, Apartment 4") == normalise(
        "address", "1200 N. Main St. apt 4"
    )


def test_emails_handles_and_urls_are_normalised():
    assert normalise("email", " Name@Example.COM ") == "name@example.com"
    assert normalise("handle", "@Velvet_Rose") == "velvet_rose"
    assert normalise("url", "https://WWW.Example.com/ads/123/#top") == "example.com/ads/123"
    assert normalise("url", "example.com/ads/123") == "example.com/ads/123"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("phone", "call me"),
        ("phone", "12"),
        ("email", "not an address"),
        ("plate", "ABC123"),
        ("plate", "ZZ ABC123"),
        ("url", "javascript:alert(1)"),
        ("handle", "two words"),
        ("phone", "816\x00555"),
        ("phone", ""),
        ("fax", "8165550142"),
        ("phone", 8165550142),
        ("address", "x" * 301),
    ],
)
def test_what_is_not_an_identifier_is_refused(kind, value):
    with pytest.raises(ValidationError):
        normalise(kind, value)


def test_the_match_key_is_a_keyed_digest_not_the_value(settings):
    key = match_key("phone", "+18165550142")
    assert len(key) == 64 and "8165550142" not in key
    assert key == match_key("phone", "+18165550142")
    assert key != match_key("email", "+18165550142")
    settings.SECRET_KEY = "another server's key" * 3
    assert match_key("phone", "+18165550142") != key
