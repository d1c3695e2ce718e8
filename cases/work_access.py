"""The case policy for tasks and evidence files: the rule of notes, applied to them.

A task or a file is seen only by agencies that see its case; a restricted one only by the
agencies it lists (``access.restriction_filter``, the very rule of restricted notes); a
file on a note also needs the note to be readable (and not redacted). What the caller may
not see answers 404 (recorded as refused), what they may see but not do 403. Kept beside
``cases/access.py``, which it builds on, so that neither passes 400 lines.
"""

from django.db.models import Q, QuerySet

from agencies.access import acting_agency
from agencies.models import Agency, TaskForce
from agencies.selectors import user_task_forces
from cases import access
from cases.models import (
    AccessLevel,
    Case,
    CaseShare,
    EvidenceFile,
    Note,
    NoteVisibility,
    Tag,
    Task,
)

# Tasks


def visible_tasks(user) -> QuerySet[Task]:
    """Every task the caller's agency may see, across its cases."""
    agency = acting_agency(user)
    if agency is None:
        return Task.objects.none()
    return Task.objects.filter(case__in=access.visible_cases(user).values("pk")).filter(
        access.restriction_filter(Task, agency)
    )


def task_for(user, pk) -> tuple[Task, str]:
    """The task and the caller's level on its case; 404 unless they may see both."""
    try:
        task = (
            visible_tasks(user)
            .select_related("case", "assigned_agency", "assignee", "created_by_agency")
            .get(pk=pk)
        )
    except (Task.DoesNotExist, ValueError, TypeError) as exc:
        raise access.refused(user, Task, pk) from exc
    level = access.agency_level(task.case, acting_agency(user))
    if level is None:
        raise access.refused(user, Task, pk)
    return task, level


def _restricted_ids(obj) -> set[int]:
    return set(obj.restricted_to.values_list("pk", flat=True))


def task_agency_ids(task: Task) -> set[int]:
    """Agencies that may see ``task`` now: the audience of its events."""
    case_agencies = access.case_agency_ids(task.case)
    if task.visibility == NoteVisibility.CASE:
        return case_agencies
    return case_agencies & _restricted_ids(task)


def can_edit_task(level: str | None) -> bool:
    """Agencies that contribute to the case create and change its tasks."""
    return access.has_level(level, AccessLevel.CONTRIBUTE)


def can_change_task_audience(user, task: Task) -> bool:
    """Only the agency that created a task changes who sees it (its visibility and the
    agencies it is restricted to), as only the author's agency edits a note."""
    agency = acting_agency(user)
    return agency is not None and agency.pk == task.created_by_agency_id


def _reads_change(agency_id: int, visibility: str | None, restricted_to) -> bool:
    return visibility == NoteVisibility.CASE or agency_id in (restricted_to or [])


def visible_task_changes(user, task: Task) -> list:
    """The history of a readable task, each change only if the caller's agency could read
    the task both before and after it: widening a task later does not open what was
    written while it was restricted to others (the rule of ``access.visible_revisions``)."""
    agency = acting_agency(user)
    if agency is None:
        return []
    shown, before = [], None
    for change in task.changes.select_related("changed_by", "changed_by_agency").order_by(
        "changed_at", "id"
    ):
        now = _reads_change(agency.pk, change.visibility, change.restricted_to)
        if now and (before is None or before):
            shown.append(change)
        before = now
    return shown


def assignable_agency_ids(case: Case) -> set[int]:
    """Agencies a task of ``case`` may be assigned to: those that may contribute to it."""
    expired = CaseShare.objects.expired().filter(case=case).values("agency_id")
    return set(
        Agency.objects.filter(
            group__caseagencypermission__content_object=case,
            group__caseagencypermission__permission__codename="contribute_case",
        )
        .exclude(pk__in=expired)
        .values_list("pk", flat=True)
    )


# Evidence files


def visible_files(user) -> QuerySet[EvidenceFile]:
    """Every evidence file the caller's agency may see, across its cases."""
    agency = acting_agency(user)
    if agency is None:
        return EvidenceFile.objects.none()
    # A file on a redacted note is not served to anyone: the redaction took its context.
    readable_notes = (
        Note.objects.filter(access.restriction_filter(Note, agency))
        .filter(redacted_at__isnull=True)
        .values("pk")
    )
    return (
        EvidenceFile.objects.filter(case__in=access.visible_cases(user).values("pk"))
        .filter(access.restriction_filter(EvidenceFile, agency))
        .filter(Q(note__isnull=True) | Q(note__in=readable_notes))
    )


def file_for(user, pk) -> tuple[EvidenceFile, str]:
    """The file and the caller's level on its case; 404 unless they may see both."""
    try:
        evidence = (
            visible_files(user)
            .select_related("case", "uploaded_by", "uploaded_by_agency", "redacted_by")
            .get(pk=pk)
        )
    except (EvidenceFile.DoesNotExist, ValueError, TypeError) as exc:
        raise access.refused(user, EvidenceFile, pk) from exc
    level = access.agency_level(evidence.case, acting_agency(user))
    if level is None:
        raise access.refused(user, EvidenceFile, pk)
    return evidence, level


def file_agency_ids(evidence: EvidenceFile) -> set[int]:
    """Agencies that may see ``evidence`` now: the audience of its events."""
    readers = access.case_agency_ids(evidence.case)
    if evidence.visibility != NoteVisibility.CASE:
        readers &= _restricted_ids(evidence)
    if evidence.note_id is not None:
        readers &= access.note_agency_ids(evidence.note)
    return readers


def can_upload_file(level: str | None) -> bool:
    return access.has_level(level, AccessLevel.CONTRIBUTE)


def can_redact_file(user, evidence: EvidenceFile, level: str | None) -> bool:
    """The uploading agency (while it may contribute) or a managing agency redacts a file."""
    if evidence.is_redacted:
        return False
    agency = acting_agency(user)
    own = (
        agency is not None
        and evidence.uploaded_by_agency_id == agency.pk
        and access.has_level(level, AccessLevel.CONTRIBUTE)
    )
    return own or access.has_level(level, AccessLevel.MANAGE)


# Tags


def visible_tags(user) -> QuerySet[Tag]:
    """The vocabularies of the task forces the caller's agency belongs to today, and of
    those the caller coordinates."""
    coordinated = user.coordinated_task_forces.values("pk") if user.is_authenticated else []
    return Tag.objects.filter(
        Q(task_force__in=user_task_forces(user).values("pk")) | Q(task_force__in=coordinated)
    ).select_related("task_force")


def can_manage_tags(user, task_force: TaskForce) -> bool:
    """A task force's coordinators keep its vocabulary."""
    return user.is_authenticated and task_force.coordinators.filter(pk=user.pk).exists()


def can_tag_case(level: str | None) -> bool:
    """Agencies that manage a case choose its tags."""
    return access.has_level(level, AccessLevel.MANAGE)
