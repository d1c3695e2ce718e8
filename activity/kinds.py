"""Every event the system can emit, with the payload it carries, in one screen.

Payloads hold only what every member of the audience may see: a restricted note's text
goes only to the agencies it names, and a confidential meeting's details only to its
invited agencies.
"""

from django.db import models


class EventKind(models.TextChoices):
    # Cases (subject: the case). Payload: {"case": {"id", "number", "title"}, ...}
    CASE_SHARED = "case.shared", "Case shared"  # + {"agency", "level"}
    CASE_UNSHARED = "case.unshared", "Case unshared"  # + {"agency"}; sent to the agency too
    CASE_UPDATED = "case.updated", "Case updated"  # + {"fields": [...], "status"}
    CASE_NOTE_ADDED = "case.note_added", "Note added"  # + {"note": {"id", "body", ...}}
    CASE_NOTE_EDITED = "case.note_edited", "Note edited"  # + {"note": {"id", "body", ...}}
    CASE_NOTE_REDACTED = "case.note_redacted", "Note redacted"  # + {"note": {"id"}}
    # Meetings (subject: the meeting). Payload: {"meeting": {"id", "title", "starts_at"}}
    MEETING_SCHEDULED = "meeting.scheduled", "Meeting scheduled"
    MEETING_UPDATED = "meeting.updated", "Meeting changed"  # + {"answers_reset": bool}
    MEETING_CANCELLED = "meeting.cancelled", "Meeting cancelled"
    MEETING_RSVP = "meeting.rsvp", "Answer to a meeting"  # + {"agency", "response"}
    TRAINING_REGISTRATION = "training.registration", "Training registration"  # + {"status"}
    # Task forces (subject: the task force). Payload: {"task_force", "agency", "change"}
    TASKFORCE_MEMBERSHIP = "taskforce.membership", "Task force membership"
