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

    def _get_filter_parameters(self):
        # django-filter reads an empty value (?kind=) as "not given", as a form's blank
        # choice is: the schema says so (found by `make fuzz`, which sent ?kind= expecting a
        # 400 from the enum).
        return [{**p, "allowEmptyValue": True} for p in super()._get_filter_parameters()]


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
    "428": "If-Match is required, or is not an ETag the API gave: send the ETag the object "
    "was read with.",
    "429": "Too many requests for this token (or session): wait the seconds in Retry-After.",
}
# A page-numbered list answers 404 for a page that does not exist, as DRF does.
NO_SUCH_PAGE = "No such page: `page` is below 1 or past the last page."

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
            # Optional or not, an If-Match that is not one of the API's ETags answers 428.
            statuses.update({"412", "428"})
        if parameter["in"] == "query" and parameter["name"] == "page":
            statuses.add("404")
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
                description = ERROR_DESCRIPTIONS.get(status, "Error.")
                if status == "404" and "{" not in path:
                    description = NO_SUCH_PAGE
                response = responses.setdefault(status, {"description": description})
                response["content"] = body
            responses["429"]["headers"] = RETRY_AFTER
            if "409" in responses:
                responses["409"]["headers"] = RETRY_AFTER
    return result


def _link(operation_id: str, **parameters: str) -> dict:
    return {"operationId": operation_id, "parameters": parameters}


CASE_FROM_BODY = {"id": "$response.body#/id"}
NOTE_FROM_BODY = {"id": "$response.body#/id", "header.If-Match": "$response.header.ETag"}
MEETING_FROM_BODY = {"id": "$response.body#/id"}
FIRST_OF_PAGE = {"id": "$response.body#/results/0/id"}

# OpenAPI links: where the answer of one operation gives what another needs. Clients read
# them as "what can I do next", and Schemathesis' stateful phase (`make fuzz`) follows them
# to test sequences (open a case, add a note to it, edit the note with its ETag, ...).
LINKS = {
    ("/api/v1/cases/", "get", "200"): {
        "GetFirstCase": _link("v1_cases_retrieve", **FIRST_OF_PAGE),
    },
    ("/api/v1/cases/", "post", "201"): {
        "GetCase": _link("v1_cases_retrieve", **CASE_FROM_BODY),
        "UpdateCase": _link("v1_cases_partial_update", **CASE_FROM_BODY),
        "ListNotes": _link("v1_cases_notes_list", **CASE_FROM_BODY),
        "AddNote": _link("v1_cases_notes_create", **CASE_FROM_BODY),
        "ListAccess": _link("v1_cases_access_list", **CASE_FROM_BODY),
        "ShareCase": _link("v1_cases_access_create", **CASE_FROM_BODY),
        "GetAccessReport": _link("v1_cases_access_report_list", **CASE_FROM_BODY),
    },
    ("/api/v1/cases/{id}/access/", "post", "201"): {
        "RevokeShare": _link(
            "v1_cases_access_destroy", id="$request.path.id", agency_id="$response.body#/agency/id"
        ),
    },
    ("/api/v1/cases/{id}/notes/", "get", "200"): {
        "GetFirstNote": _link("v1_notes_retrieve", **FIRST_OF_PAGE),
    },
    ("/api/v1/cases/{id}/notes/", "post", "201"): {
        "GetNote": _link("v1_notes_retrieve", id="$response.body#/id"),
        "EditNote": _link("v1_notes_partial_update", **NOTE_FROM_BODY),
        "RedactNote": _link("v1_notes_redact_create", **NOTE_FROM_BODY),
        "GetRevisions": _link("v1_notes_revisions_list", id="$response.body#/id"),
    },
    ("/api/v1/notes/{id}/", "get", "200"): {
        "EditNote": _link("v1_notes_partial_update", **NOTE_FROM_BODY),
    },
    ("/api/v1/meetings/", "get", "200"): {
        "GetFirstMeeting": _link("v1_meetings_retrieve", **FIRST_OF_PAGE),
    },
    ("/api/v1/meetings/", "post", "201"): {
        "GetMeeting": _link("v1_meetings_retrieve", **MEETING_FROM_BODY),
        "UpdateMeeting": _link("v1_meetings_partial_update", **MEETING_FROM_BODY),
        "AnswerMeeting": _link("v1_meetings_rsvp_create", **MEETING_FROM_BODY),
        "ChangeOccurrence": _link("v1_meetings_occurrences_create", **MEETING_FROM_BODY),
        "ListRegistrations": _link("v1_meetings_registrations_list", **MEETING_FROM_BODY),
        "Register": _link("v1_meetings_registrations_create", **MEETING_FROM_BODY),
        "GetCalendarFile": _link("v1_meetings_ics_retrieve", **MEETING_FROM_BODY),
        "CancelMeeting": _link("v1_meetings_cancel_create", **MEETING_FROM_BODY),
    },
    ("/api/v1/meetings/{id}/registrations/", "post", "201"): {
        "CancelRegistration": _link(
            "v1_meetings_registrations_destroy", id="$request.path.id", rid="$response.body#/id"
        ),
    },
}


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: the OpenAPI links of ``LINKS`` (drf-spectacular
    has no way to declare them on a view). tests/portal/test_schema_contract.py checks that
    each names an operation the schema has."""
    for (path, method, status), links in LINKS.items():
        operation = result.get("paths", {}).get(path, {}).get(method)
        if operation is not None and status in operation.get("responses", {}):
            operation["responses"][status]["links"] = links
    return result
