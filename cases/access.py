"""The case policy: the one place that decides who sees and does what with cases and notes.

Every read asks here: API views, page views, templates (through their views), exports, the
meetings policy (for a meeting about a case) and the audiences of live events. The rules:

- An agency sees a case only through a share, held as guardian object permissions on the
  agency's group: view, contribute (adds notes), manage (edits and shares). Membership of
  the task force alone opens nothing. Beside the grants, one ``CaseAccess`` row per agency
  and case holds the same in the shape lists read; ``grant`` and ``revoke`` write both.
- A case-wide note is seen by every agency that sees the case; a restricted note only by
  the agencies it lists, which are among those.
- What the caller may not see does not exist for them (404); what they may see but not do
  is refused (403). Each such 404 is recorded in the audit trail (``refused``) with the id
  asked for, the same whether or not the object exists.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from guardian.shortcuts import assign_perm, remove_perm

from activity.clock import policy_today
from activity.services import audit_denied
from agencies.access import acting_agency
from agencies.models import Agency, TaskForceMembership
from cases.models import (
    AccessLevel,
    Case,
    CaseAccess,
    CaseAgencyPermission,
    CaseShare,
    Note,
    NoteRevision,
    NoteVisibility,
)

# Each level grants its own permission and those of the levels below it.
LEVEL_PERMISSIONS = {
    AccessLevel.VIEW: ("view_case",),
    AccessLevel.CONTRIBUTE: ("view_case", "contribute_case"),
    AccessLevel.MANAGE: ("view_case", "contribute_case", "manage_case"),
}
LEVEL_RANK = {AccessLevel.VIEW: 1, AccessLevel.CONTRIBUTE: 2, AccessLevel.MANAGE: 3}
ALL_CASE_PERMISSIONS = LEVEL_PERMISSIONS[AccessLevel.MANAGE]


# Grants: the only code that writes guardian permissions on cases and the access rows.


def grant(case: Case, agency: Agency, level: str, *, expires_on: dt.date | None = None) -> None:
    """Give ``agency`` exactly ``level`` on ``case`` (replacing any other level), until the
    end of ``expires_on`` if given."""
    wanted = set(LEVEL_PERMISSIONS[level])
    for codename in ALL_CASE_PERMISSIONS:
        if codename in wanted:
            assign_perm(f"cases.{codename}", agency.group, case)
        else:
            remove_perm(f"cases.{codename}", agency.group, case)
    CaseAccess.objects.update_or_create(
        case=case,
        agency=agency,
        defaults={
            "level": level,
            # The lead's own access never expires.
            "expires_on": None if agency.pk == case.lead_agency_id else expires_on,
            "case_updated_at": case.updated_at,
        },
    )
    # Notes added while a dated share had run out count once it is extended.
    refresh_latest_notes(case)


def revoke(case: Case, agency: Agency) -> None:
    """Take every permission on ``case`` from ``agency``."""
    CaseAgencyPermission.objects.filter(content_object=case, group=agency.group).delete()
    CaseAccess.objects.filter(case=case, agency=agency).delete()


def note_added(note: Note) -> None:
    """Move the newest-note time of the agencies that may read a new note. Only forward
    (the greater of both): two notes committed at once cannot move it back."""
    rows = CaseAccess.objects.filter(case_id=note.case_id)
    if note.visibility != NoteVisibility.CASE:
        rows = rows.filter(agency__in=note.restricted_to.values("pk"))
    at = Value(note.created_at)
    rows.update(last_note_at=Greatest(Coalesce("last_note_at", at), at))


def refresh_latest_notes(case: Case) -> None:
    """Set, on each access row of ``case``, the time of the newest note that agency may
    read: after a note's visibility changes and when an agency is given the case. A few
    small queries on one case's notes."""
    notes = case.notes.order_by()
    case_wide = notes.filter(visibility=NoteVisibility.CASE).aggregate(at=Max("created_at"))["at"]
    restricted = dict(
        Note.restricted_to.through.objects.filter(
            note__case=case, note__visibility=NoteVisibility.RESTRICTED
        )
        .values("agency_id")
        .annotate(at=Max("note__created_at"))
        .values_list("agency_id", "at")
    )
    for row in CaseAccess.objects.filter(case=case).only("pk", "agency_id", "last_note_at"):
        times = [at for at in (case_wide, restricted.get(row.agency_id)) if at is not None]
        latest = max(times, default=None)
        if row.last_note_at != latest:
            CaseAccess.objects.filter(pk=row.pk).update(last_note_at=latest)


# Expiry: a share past its date opens nothing from that moment, decided by comparing
# dates; nothing has to run first. `manage.py end_expired_shares` (daily, from cron) then
# ends such shares for the record: the grant goes and the audit trail says so.


def _expired_case_ids(agency: Agency) -> QuerySet:
    return CaseShare.objects.expired().filter(agency_id=agency.pk).values("case_id")


# Cases


def _opening(agency: Agency, prefix: str = "") -> Q:
    """The agency's access rows that open their case today (``prefix`` reaches them
    through a relation)."""
    return Q(**{f"{prefix}agency_id": agency.pk}) & (
        Q(**{f"{prefix}expires_on__isnull": True})
        | Q(**{f"{prefix}expires_on__gte": policy_today()})
    )


def visible_cases(user) -> QuerySet[Case]:
    """Cases the caller's agency may view: those its access rows open today. Lists order
    and annotate through that same join (``access__``)."""
    agency = acting_agency(user)
    if agency is None:
        return Case.objects.none()
    # One filter() call: every condition holds for the same row, through one join.
    return Case.objects.filter(_opening(agency, prefix="access__"))


def visible_access_rows(user) -> QuerySet[CaseAccess]:
    """The caller's agency's access rows that open their case today: one per case of
    ``visible_cases``, for lists that count and cut on them alone."""
    agency = acting_agency(user)
    if agency is None:
        return CaseAccess.objects.none()
    return CaseAccess.objects.filter(_opening(agency))


def _level_of(codenames: set[str]) -> str | None:
    for level in (AccessLevel.MANAGE, AccessLevel.CONTRIBUTE, AccessLevel.VIEW):
        if set(LEVEL_PERMISSIONS[level]) <= codenames:
            return level
    return None


def agency_level(case: Case, agency: Agency | None) -> str | None:
    """The level ``agency`` holds on ``case``, or ``None``."""
    if agency is None:
        return None
    codenames = set(
        CaseAgencyPermission.objects.filter(content_object=case, group_id=agency.group_id)
        .exclude(content_object_id__in=_expired_case_ids(agency))
        .values_list("permission__codename", flat=True)
    )
    return _level_of(codenames)


def has_level(level: str | None, needed: str) -> bool:
    return level is not None and LEVEL_RANK[level] >= LEVEL_RANK[needed]


def refused(user, model, pk) -> Http404:
    """The 404 for an object the caller may not see (or that does not exist: one answer for
    both), recorded in the audit trail as denied, with the id asked for only."""
    audit_denied(actor=user, model=model, requested_id=pk)
    return Http404()


def case_for(user, pk, *, need: str = AccessLevel.VIEW, queryset=None) -> tuple[Case, str]:
    """The case and the caller's level; 404 if they may not see it, 403 if they may see it
    but lack ``need``."""
    try:
        case = (queryset if queryset is not None else visible_cases(user)).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise refused(user, Case, pk) from exc
    level = agency_level(case, acting_agency(user))
    if level is None:
        raise refused(user, Case, pk)
    if not has_level(level, need):
        raise PermissionDenied(f"Your agency's access to this case does not allow this ({need}).")
    return case, level


def case_agency_ids(case: Case) -> set[int]:
    """Agencies that may view ``case``: the audience of what happens to it."""
    expired = CaseShare.objects.expired().filter(case=case).values("agency_id")
    return set(
        Agency.objects.filter(
            group__caseagencypermission__content_object=case,
            group__caseagencypermission__permission__codename="view_case",
        )
        .exclude(pk__in=expired)
        .values_list("pk", flat=True)
    )


def shareable_agency_ids(case: Case) -> set[int]:
    """Agencies a case may be shared with (or whose share may change): the active current
    members of its task force, except its lead, whose own access never changes."""
    members = TaskForceMembership.objects.current().filter(task_force_id=case.task_force_id)
    return set(
        Agency.objects.filter(pk__in=members.values("agency_id"), active=True)
        .exclude(pk=case.lead_agency_id)
        .values_list("pk", flat=True)
    )


def can_revoke(level: str | None, case: Case, agency_id: int) -> bool:
    """A managing agency revokes any share but the lead agency's."""
    return has_level(level, AccessLevel.MANAGE) and agency_id != case.lead_agency_id


def access_until(case: Case) -> dict[int, dt.date]:
    """The last day of access of each agency whose share of ``case`` is dated: events about
    the case carry it, so replay stops with the share."""
    return dict(
        case.shares.active()
        .filter(expires_on__isnull=False)
        .exclude(agency_id=case.lead_agency_id)
        .values_list("agency_id", "expires_on")
    )


# Notes


def restriction_filter(model, agency: Agency) -> Q:
    """The rule of restricted notes, for any model that has it (``visibility`` and
    ``restricted_to``: notes, tasks, evidence files): case-wide, or listing ``agency``."""
    restricted_to_agency = model.restricted_to.through.objects.filter(agency_id=agency.pk)
    column = f"{model._meta.model_name}_id"
    return Q(visibility=NoteVisibility.CASE) | Q(pk__in=restricted_to_agency.values(column))


def _note_filter(agency: Agency) -> Q:
    return restriction_filter(Note, agency)


def visible_notes(user, case: Case) -> QuerySet[Note]:
    """Notes of ``case`` the caller's agency may read. The caller must see the case: ask
    ``case_for`` first."""
    agency = acting_agency(user)
    if agency is None:
        return Note.objects.none()
    return case.notes.filter(_note_filter(agency))


def note_for(user, pk) -> tuple[Note, str]:
    """The note and the caller's level on its case; 404 unless they may read both."""
    agency = acting_agency(user)
    if agency is None:
        raise refused(user, Note, pk)
    try:
        note = (
            Note.objects.filter(case__in=visible_cases(user))
            .filter(_note_filter(agency))
            .select_related("case", "author", "author_agency")
            .get(pk=pk)
        )
    except (Note.DoesNotExist, ValueError, TypeError) as exc:
        raise refused(user, Note, pk) from exc
    level = agency_level(note.case, agency)
    if level is None:
        raise refused(user, Note, pk)
    return note, level


def note_agency_ids(note: Note) -> set[int]:
    """Agencies that may read ``note`` now."""
    case_agencies = case_agency_ids(note.case)
    if note.visibility == NoteVisibility.CASE:
        return case_agencies
    return case_agencies & set(note.restricted_to.values_list("pk", flat=True))


def can_edit_note(user, note: Note, level: str) -> bool:
    """The author's agency edits its notes while it may contribute."""
    agency = acting_agency(user)
    return (
        agency is not None
        and note.author_agency_id == agency.pk
        and has_level(level, AccessLevel.CONTRIBUTE)
        and not note.is_redacted
    )


def can_redact_note(user, note: Note, level: str) -> bool:
    """The author's agency, or an agency that manages the case, redacts a note."""
    if note.is_redacted:
        return False
    return can_edit_note(user, note, level) or has_level(level, AccessLevel.MANAGE)


def visible_revisions(user, note: Note) -> list[NoteRevision]:
    """Revisions of a readable note, each only if the caller's agency could read that
    version: widening a note later does not open its earlier restricted text."""
    agency = acting_agency(user)
    if agency is None:
        return []
    return [
        revision
        for revision in note.revisions.select_related("edited_by").order_by("version")
        if revision.visibility == NoteVisibility.CASE or agency.pk in revision.restricted_to
    ]
