"""The OpenAPI schema's own rules: its docs group the API by resource (cases, meetings,
notes, ...) instead of one "v1" section holding every operation, and every operation
documents the errors it can answer, in their one shape."""

import re

from drf_spectacular.openapi import AutoSchema

VERSION = re.compile(r"v\d+")


class PortalSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        # Every path starts /api/v1/; the resource is the part after the version. Only the
        # tags change: operation ids keep their names, as clients may be generated from them.
        parts = self._tokenize_path()
        if len(parts) > 1 and VERSION.fullmatch(parts[0]):
            return [parts[1]]
        return parts[:1]


# Every error the API answers has one shape (portal/api.py). Each operation documents the
# statuses it can answer with that shape, so that generated clients know them.
ERROR_SCHEMA = {
    "type": "object",
    "description": "The body of every 4xx and 5xx answer.",
    "properties": {
        "code": {
            "type": "string",
            "description": "A machine-readable code, e.g. invalid, not_authenticated, "
            "permission_denied, not_found, precondition_failed, precondition_required.",
        },
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "fields": {
            "type": "object",
            "additionalProperties": {},
            "description": "400 only: each offending field with its messages.",
        },
    },
    "required": ["code", "detail"],
}

ERROR_DESCRIPTIONS = {
    "400": "Bad input: the query, a header or the body; `fields` names what to fix.",
    "401": "No session or token, or the token is invalid, expired or revoked.",
    "403": "Not allowed: a read-only token, a second step still owed, or an access level "
    "below what this needs.",
    "404": "Not found, or not shared with your agency: the two answer the same.",
    "409": "The request conflicts with the object's state, or a request with the same "
    "Idempotency-Key is still running (retry after Retry-After seconds).",
    "412": "The object changed since the ETag given in If-Match.",
    "413": "The body is over the size limit (2.5 MB by default).",
    "415": "The body is not JSON: send it with `Content-Type: application/json`.",
    "422": "The Idempotency-Key was used before with another request: use a new key.",
    "428": "If-Match is required: send the ETag the object was read with.",
    "429": "Too many requests for this token (or session): wait the seconds in Retry-After.",
}

RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Any unique string (a UUID) you make for this request. A retry with the "
    "same key and body gets the first answer again, with `Idempotent-Replayed: true`, and "
    "changes nothing; the same key with another body answers 422. Kept 24 hours.",
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the answer you hold: 304 without a body if it is current.",
}
NOT_MODIFIED = {"description": "Not modified: the ETag sent in If-None-Match is current."}


def _statuses(path: str, method: str, operation: dict) -> set[str]:
    statuses = {"400", "401", "403", "429"}
    if method == "post":
        statuses.update({"409", "422"})
    if "{" in path:
        statuses.add("404")
    if "requestBody" in operation:
        statuses.update({"413", "415"})
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"] == "If-Match":
            statuses.add("412")
            if parameter.get("required"):
                statuses.add("428")
    # Errors an operation declares itself (with a description only) get the shape too.
    statuses.update(code for code in operation.get("responses", {}) if code[0] in "45")
    return statuses


def _conditional_headers(method: str, operation: dict) -> None:
    """Every POST takes an Idempotency-Key; every GET an If-None-Match (a 304)."""
    parameters = operation.setdefault("parameters", [])
    names = {(p.get("in"), p.get("name")) for p in parameters}
    if method == "post" and ("header", "Idempotency-Key") not in names:
        parameters.append(IDEMPOTENCY_KEY)
    if method == "get" and ("header", "If-None-Match") not in names:
        parameters.append(IF_NONE_MATCH)
        operation["responses"].setdefault("304", NOT_MODIFIED)


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error shape as a component, on every
    operation each error status it can answer, and the headers every POST and GET take."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            _conditional_headers(method, operation)
            for status in sorted(_statuses(path, method, operation)):
                response = responses.setdefault(
                    status, {"description": ERROR_DESCRIPTIONS.get(status, "Error.")}
                )
                response["content"] = body
            responses["429"]["headers"] = RETRY_AFTER
            if "409" in responses:
                responses["409"]["headers"] = RETRY_AFTER
    return result
