"""What a refused write must leave as it was: the rows of every table a case, note or
meeting write touches, and the number of events and audit records.

Every permission matrix takes ``database_state()`` before a write and, when the answer is
a refusal, checks ``assert_unchanged(before)`` after it (healthchecks.io's
``refresh_from_db`` habit, for every table at once): a write refused with 403 that still
changed a row is as bad as one that answered 200.
"""

from django.contrib.auth.models import Group

from activity.models import AuditOutcome, AuditRecord, Event, EventAudience
from agencies.models import ApiToken, TaskForce
from cases.models import (
    Case,
    CaseAgencyPermission,
    CaseShare,
    CaseStatusChange,
    CaseUserPermission,
    Note,
    NoteRevision,
)
from meetings.models import (
    ActionItem,
    CalendarFeed,
    Invitation,
    Meeting,
    OccurrenceChange,
    Registration,
)

# The statuses that refuse a request: nothing may have changed after them.
REFUSALS = frozenset({400, 401, 403, 404, 405, 409, 412, 428})

# The audit records a read writes (activity.services.audit_read): a refused write may
# still record that a token was used, and the refusal itself (a request for something the
# caller may not see is recorded as denied, with no other effect).
READ_AUDITS = ("case.read", "token.used")

TABLES = {
    "Case": Case.objects,
    "CaseStatusChange": CaseStatusChange.objects,
    "CaseShare": CaseShare.objects,
    "CaseAgencyPermission": CaseAgencyPermission.objects,
    "CaseUserPermission": CaseUserPermission.objects,
    "Note": Note.objects,
    "Note.restricted_to": Note.restricted_to.through.objects,
    "NoteRevision": NoteRevision.objects,
    "Meeting": Meeting.objects,
    "Invitation": Invitation.objects,
    "OccurrenceChange": OccurrenceChange.objects,
    "ActionItem": ActionItem.objects,
    "Registration": Registration.objects,
    "CalendarFeed": CalendarFeed.objects,
    "ApiToken": ApiToken.objects,
    "TaskForce.coordinators": TaskForce.coordinators.through.objects,
    "Group.permissions": Group.permissions.through.objects,
    "EventAudience": EventAudience.objects,
}


def database_state() -> dict[str, object]:
    """Every row of the tables above, and how many events and audit records (reads aside)."""
    state = {name: list(manager.order_by("pk").values()) for name, manager in TABLES.items()}
    state["Event count"] = Event.objects.count()
    state["AuditRecord count (reads aside)"] = (
        AuditRecord.objects.exclude(action__in=READ_AUDITS)
        .exclude(outcome=AuditOutcome.DENIED)
        .count()
    )
    return state


def assert_unchanged(before: dict[str, object]) -> None:
    """Fail, naming the tables and rows that changed, unless the database is as ``before``."""
    after = database_state()
    changed = []
    for name, rows in before.items():
        if after[name] == rows:
            continue
        if isinstance(rows, int):
            changed.append(f"{name}: {rows} -> {after[name]}")
            continue
        old = {row["id"]: row for row in rows}
        new = {row["id"]: row for row in after[name]}
        for pk in sorted(old.keys() | new.keys()):
            if old.get(pk) != new.get(pk):
                changed.append(f"{name} {pk}: {old.get(pk)} -> {new.get(pk)}")
    assert not changed, "A refused request changed the database:\n" + "\n".join(changed)
