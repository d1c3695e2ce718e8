"""Every event the system can emit, with the payload it carries, in one screen.

Payloads hold only what every member of the audience may see: a restricted note's text
goes only to the agencies it names, and a confidential meeting's details only to its
invited agencies. ``live.publish`` checks each payload against ``PAYLOAD_KEYS`` and turns
it into plain JSON (dates become ISO 8601 strings) before it is stored or sent.
"""

from django.db import models


class EventKind(models.TextChoices):
    # Cases (subject: the case). Payload: {"case": {"id", "number", "title"}, ...}
    CASE_SHARED = "case.shared", "Case shared"  # + {"agency", "level"}
    CASE_UNSHARED = "case.unshared", "Case unshared"  # + {"agency"}; to those keeping access
    # Sent only to the agency that lost a case; {"case": {"id"}} only, and why.
    CASE_WITHDRAWN = "case.withdrawn", "Case withdrawn"  # + {"reason"}
    CASE_UPDATED = "case.updated", "Case updated"  # + {"fields": [...], "status"}
    CASE_NOTE_ADDED = "case.note_added", "Note added"  # + {"note": {"id", "body", ...}}
    CASE_NOTE_EDITED = "case.note_edited", "Note edited"  # + {"note": {"id", "body", ...}}
    CASE_NOTE_REDACTED = "case.note_redacted", "Note redacted"  # + {"note": {"id"}}
    # Evidence files (subject: the case), to the agencies that may see the file.
    CASE_FILE_ADDED = "case.file_added", "File added"  # + {"file": {"id", "name", ...}}
    CASE_FILE_REDACTED = "case.file_redacted", "File redacted"  # + {"file": {"id", "name"}}
    # Tasks (subject: the case), to the agencies that may see the task.
    # Payload: {"case", "task": {"id", "title", "status", "due_on", "assigned_agency"}}
    TASK_ASSIGNED = "task.assigned", "Task assigned"
    TASK_STATUS_CHANGED = "task.status_changed", "Task status changed"  # + {"from_status"}
    TASK_UPDATED = "task.updated", "Task changed"  # + {"fields": [...]}
    # Meetings (subject: the meeting). Payload: {"meeting": {"id", "title", "starts_at", ...}}
    MEETING_SCHEDULED = "meeting.scheduled", "Meeting scheduled"
    MEETING_UPDATED = "meeting.updated", "Meeting changed"  # + {"answers_reset": bool}
    MEETING_CANCELLED = "meeting.cancelled", "Meeting cancelled"
    MEETING_RSVP = "meeting.rsvp", "Answer to a meeting"  # + {"agency", "response"}
    # Sent to agencies that no longer see a meeting; {"meeting": {"id"}} only.
    MEETING_WITHDRAWN = "meeting.withdrawn", "Meeting withdrawn"  # + {"reason"}
    TRAINING_REGISTRATION = "training.registration", "Training registration"  # + {"status"}
    # Task forces (subject: the task force). Payload: {"task_force", "agency", "change"}
    TASKFORCE_MEMBERSHIP = "taskforce.membership", "Task force membership"
    # Webhooks (subject: the endpoint), to its agency. Payload: {"webhook": {"id", "url"}}
    WEBHOOK_DISABLED = "webhook.disabled", "Webhook disabled"  # + {"reason"}
    # Tips (subject: the tip), to its coordinators and the recording and assigned agencies
    # (while current members of its task force).
    # Payload: {"tip": {"id", "source", "status", "task_force"}}
    TIP_RECEIVED = "tip.received", "Tip received"
    TIP_TRIAGED = "tip.triaged", "Tip triaged"  # + {"status", "agency"}
    # Deconfliction (subject: the notice), for a case to the one agency it is addressed to,
    # for a tip to its coordinators and its assigned agency only:
    # {"notice": {"id", "kind", "other_agency", "contact", ...}} and that agency's own
    # {"case": {"id", "number", "title"}} or {"tip": {"id"}}; nothing of
    # the other side but its agency and liaison.
    DECONFLICTION_MATCH = "deconfliction.match", "Deconfliction match"


# The keys every payload of a kind carries; a payload may add more.
PAYLOAD_KEYS: dict[str, frozenset[str]] = {
    EventKind.CASE_SHARED: frozenset({"case", "agency", "level"}),
    EventKind.CASE_UNSHARED: frozenset({"case", "agency"}),
    EventKind.CASE_WITHDRAWN: frozenset({"case", "reason"}),
    EventKind.CASE_UPDATED: frozenset({"case", "fields", "status"}),
    EventKind.CASE_NOTE_ADDED: frozenset({"case", "note"}),
    EventKind.CASE_NOTE_EDITED: frozenset({"case", "note"}),
    EventKind.CASE_NOTE_REDACTED: frozenset({"case", "note"}),
    EventKind.CASE_FILE_ADDED: frozenset({"case", "file"}),
    EventKind.CASE_FILE_REDACTED: frozenset({"case", "file"}),
    EventKind.TASK_ASSIGNED: frozenset({"case", "task"}),
    EventKind.TASK_STATUS_CHANGED: frozenset({"case", "task", "from_status"}),
    EventKind.TASK_UPDATED: frozenset({"case", "task", "fields"}),
    EventKind.MEETING_SCHEDULED: frozenset({"meeting"}),
    EventKind.MEETING_UPDATED: frozenset({"meeting", "answers_reset"}),
    EventKind.MEETING_CANCELLED: frozenset({"meeting"}),
    EventKind.MEETING_RSVP: frozenset({"meeting", "agency", "response"}),
    EventKind.MEETING_WITHDRAWN: frozenset({"meeting", "reason"}),
    EventKind.TRAINING_REGISTRATION: frozenset({"meeting", "registration"}),
    EventKind.TASKFORCE_MEMBERSHIP: frozenset({"task_force", "agency", "role", "change"}),
    EventKind.WEBHOOK_DISABLED: frozenset({"webhook", "reason"}),
    EventKind.TIP_RECEIVED: frozenset({"tip"}),
    EventKind.TIP_TRIAGED: frozenset({"tip", "status", "agency"}),
    EventKind.DECONFLICTION_MATCH: frozenset({"notice"}),
}
