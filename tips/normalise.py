"""Identifiers as deconfliction compares them: each kind normalised to one spelling, then
turned into a keyed digest (HMAC-SHA256 with a key derived from the server's secret for this
purpose alone), so the match index holds no readable identifier and nobody without the key
can make a digest to look one up."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.crypto import salted_hmac

from agencies.jurisdictions import Jurisdiction
from tips.models import IDENTIFIER_MAX_LENGTH, IdentifierKind

MATCH_SALT = "crossroads.tips.identifier-match"
DEFAULT_REGION = "US"
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Words of street addresses written one way, so "12 North Main Street" and "12 N Main St."
# are the same address.
ABBREVIATIONS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "highway": "hwy",
    "court": "ct",
    "place": "pl",
    "parkway": "pkwy",
    "terrace": "ter",
    "circle": "cir",
    "suite": "ste",
    "apartment": "apt",
    "number": "no",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "interstate": "i",
}
PLATE = re.compile(r"^([A-Za-z]{2})\s*[:\s/-]\s*(.+)$")


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "Enter a phone number, such as (816) 555-0142 or +1 816 555 0142."
        ) from exc
    if not phonenumbers.is_possible_number(number):
        raise ValidationError("This is not a possible phone number; check the digits.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _email(value: str) -> str:
    value = value.lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValidationError("Enter an e-mail address, such as name@example.com.") from exc
    return value


def _address(value: str) -> str:
    words = re.sub(r"[^\w\s]", " ", value.lower()).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def _plate(value: str) -> str:
    found = PLATE.match(value)
    state = found.group(1).upper() if found else ""
    if not found or state not in Jurisdiction.values or state == "US":
        raise ValidationError("Write the state first, then the plate, such as MO ABC-123.")
    plate = re.sub(r"[^A-Z0-9]", "", found.group(2).upper())
    if not 1 <= len(plate) <= 10:
        raise ValidationError("A plate has 1 to 10 letters or digits after its state.")
    return f"{state} {plate}"


def _handle(value: str) -> str:
    value = value.lower().lstrip("@")
    if not value or any(ch.isspace() for ch in value):
        raise ValidationError("A handle is one word, such as @name or name.")
    return value


def _url(value: str) -> str:
    text = value if "://" in value else f"https://{value}"
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError as exc:
        raise ValidationError("Enter a web address, such as example.com/ad/123.") from exc
    if parts.scheme.lower() not in ("http", "https") or "." not in host:
        raise ValidationError("Enter a web address, such as example.com/ad/123.")
    host = host.removeprefix("www.")
    path = re.sub(r"/+", "/", parts.path).rstrip("/")
    query = urlencode(sorted(parse_qsl(parts.query)))
    return host + path + (f"?{query}" if query else "")


NORMALISERS = {
    IdentifierKind.PHONE: _phone,
    IdentifierKind.EMAIL: _email,
    IdentifierKind.ADDRESS: _address,
    IdentifierKind.PLATE: _plate,
    IdentifierKind.HANDLE: _handle,
    IdentifierKind.URL: _url,
}


def normalise(kind: str, value) -> str:
    """The one spelling of ``value`` as an identifier of ``kind``; ``ValidationError`` with
    a message per field when it is not one."""
    if kind not in NORMALISERS:
        raise ValidationError({"kind": f"Choose one of: {', '.join(IdentifierKind.values)}."})
    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise ValidationError({"value": "Enter the identifier."})
    if len(value) > IDENTIFIER_MAX_LENGTH:
        raise ValidationError(
            {"value": f"An identifier is limited to {IDENTIFIER_MAX_LENGTH} characters."}
        )
    if CONTROL.search(value):
        raise ValidationError({"value": "An identifier cannot contain control characters."})
    try:
        normalised = NORMALISERS[kind](value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from exc
    if not normalised or len(normalised) > IDENTIFIER_MAX_LENGTH:
        raise ValidationError({"value": "Enter the identifier."})
    return normalised


def match_key(kind: str, normalised: str) -> str:
    """The keyed digest deconfliction compares: equal exactly for equal kind and value."""
    return salted_hmac(MATCH_SALT, f"{kind}\n{normalised}", algorithm="sha256").hexdigest()
