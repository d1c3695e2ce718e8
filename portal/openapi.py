"""Settings of the OpenAPI schema (/api/schema/) and its docs page (/api/docs/), read by
drf-spectacular as settings.SPECTACULAR_SETTINGS. Plain data: no environment is read here."""

OPENAPI = {
    "TITLE": "Crossroads API",
    "DESCRIPTION": (
        "Coordination portal for multi-agency human trafficking task forces, for "
        "integrations: an agency's records system, a calendar, an analytics job. Every call "
        "answers as the person whose session or token it uses and shows only what their "
        "agency was given. Authenticate with a browser session (and CSRF token) or "
        "`Authorization: Bearer <token>`. Errors are JSON (the `Error` schema): "
        '`{"code": ..., "detail": ..., "fields": {...}}`; each operation lists the error '
        "statuses it can answer."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI comes from the portal (drf-spectacular-sidecar), not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI's online validator badge would fetch an image from validator.swagger.io
    # with the schema's address in it on any host but localhost: no page loads from
    # another host.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # The docs' sections, one per resource (portal.schema), in the order a reader needs them.
    "TAGS": [
        {"name": "me", "description": "Who the session or token belongs to."},
        {
            "name": "agencies",
            "description": "Agencies; contact details only for partners; an agency's own report.",
        },
        {
            "name": "task-forces",
            "description": "Task forces, their member agencies and their quarterly reports.",
        },
        {"name": "cases", "description": "Cases your agency was given, who has access, notes."},
        {"name": "notes", "description": "One note: edit (with If-Match), redact, revisions."},
        {"name": "tasks", "description": "Tasks across your cases; one task (If-Match), history."},
        {"name": "files", "description": "Evidence files: metadata, download, redaction."},
        {"name": "tags", "description": "Task force tag vocabularies (coordinators keep them)."},
        {"name": "search", "description": "Cases, notes, tasks and file names you may see."},
        {
            "name": "meetings",
            "description": "Meetings, answers, occurrences, minutes, trainings, .ics files.",
        },
        {"name": "events", "description": "The live event stream, resumed with ?since=."},
        {"name": "tips", "description": "Tips to your task forces or agency, and their triage."},
        {
            "name": "identifiers",
            "description": "Identifiers of cases (phones, plates, ...) matched blindly.",
        },
        {"name": "people", "description": "Your agency's people (agency admins)."},
        {"name": "tokens", "description": "Your agency's API tokens (agency admins)."},
        {
            "name": "webhooks",
            "description": "Your agency's webhook endpoints and their deliveries (agency admins).",
        },
        {"name": "audit", "description": "Your agency's audit trail (agency admins)."},
        {
            "name": "reports",
            "description": "Task force and agency reports: aggregate figures, small ones hidden.",
        },
        {
            "name": "public",
            "description": "Trainings open to public registration, and tips: no sign-in needed.",
        },
    ],
    # Enums as components (drf-spectacular's default hook), then every operation's errors and
    # the links between operations.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.schema.document_errors",
        # OpenAPI links between operations (open a case -> read it, add a note -> edit it).
        "portal.schema.add_links",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "agencies.models.AgencyKind",
        "CaseKindEnum": "cases.models.CaseKind",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "AccessLevelEnum": "cases.models.AccessLevel",
        "NoteVisibilityEnum": "cases.models.NoteVisibility",
        "MeetingKindEnum": "meetings.models.MeetingKind",
        "ProfessionEnum": "agencies.models.Profession",
        "AgencyRoleEnum": "agencies.models.AgencyRole",
        # Memberships kept the name they had before people's roles joined the schema.
        "RoleEnum": "agencies.models.MembershipRole",
        "PersonStatusEnum": "agencies.selectors.PersonStatus",
        "TokenStateEnum": "agencies.selectors.TokenState",
        "TokenScopeEnum": "agencies.models.TokenScope",
        "IdentifierKindEnum": "tips.models.IdentifierKind",
        "TipSourceEnum": "tips.models.TipSource",
        "TipStatusEnum": "tips.models.TipStatus",
        "TaskStatusEnum": "cases.models.TaskStatus",
        "OutcomeKindEnum": "cases.models.OutcomeKind",
    },
}
