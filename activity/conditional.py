"""Conditional requests of the API (RFC 9110): an object's ETag is ``"<version>-<digest>"``,
its version (what a write checks with If-Match) and a digest of the answer (so that an
If-None-Match read answers 304 only when the caller's whole answer is unchanged: access
levels and latest notes are part of it, and they change without a new version).

Services take the versions an If-Match names and compare them with the object's, under its
row lock; a mismatch is ``VersionConflict``, which the API answers 412.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read the object with: the change is made only if the object "
    "is still at that version (412 otherwise, with nothing changed). Without it, the change "
    "is made whatever happened since.",
)


class VersionConflict(Exception):
    """The object changed since the version the caller read."""

    def __init__(self, current: str):
        super().__init__(f"The object is at version {current}.")
        self.current = current


def etag(version: str, data) -> str:
    body = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder)
    return f'"{version}-{hashlib.sha256(body.encode()).hexdigest()[:16]}"'


def if_match(request) -> list[str] | None:
    """The versions named by If-Match, or ``None`` when there is none or it is ``*``."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header or header == "*":
        return None
    versions = []
    for tag in header.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        versions.append(tag.split("-", 1)[0])
    return versions


def check_version(current: str, expected: list[str] | None) -> None:
    if expected is not None and current not in expected:
        raise VersionConflict(current)
