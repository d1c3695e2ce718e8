"""Tasks on a case: created and changed by contributing agencies, every change kept."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.conditional import check_version
from activity.kinds import EventKind
from activity.services import audit_record
from agencies.access import acting_agency
from agencies.models import Agency
from cases import access, work_access
from cases.models import (
    TASK_DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AccessLevel,
    Case,
    NoteVisibility,
    Task,
    TaskChange,
    TaskStatus,
    too_long,
)
from cases.services.checks import agency_ref, case_ref, require_level
from cases.services.notes import clean_restriction

# What task_update may change.
TASK_FIELDS = (
    "title",
    "description",
    "assigned_agency",
    "assignee",
    "due_on",
    "status",
    "visibility",
    "restricted_to",
)


def _clean_title(title) -> str:
    title = (title if isinstance(title, str) else "").strip()
    if not title:
        raise ValidationError({"title": "A task needs a title."})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError({"title": too_long("Titles", TITLE_MAX_LENGTH, len(title))})
    return title


def _clean_description(description) -> str:
    description = description if isinstance(description, str) else ""
    if len(description) > TASK_DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {"description": too_long("Descriptions", TASK_DESCRIPTION_MAX_LENGTH, len(description))}
        )
    return description


def _clean_assignment(case: Case, agency: Agency | None, assignee):
    if agency is None or agency.pk not in work_access.assignable_agency_ids(case):
        raise ValidationError(
            {"assigned_agency": "Assign the task to an agency that may contribute to the case."}
        )
    if assignee is not None:
        profile = getattr(assignee, "profile", None)
        if not assignee.is_active or profile is None or profile.agency_id != agency.pk:
            raise ValidationError(
                {"assignee": "The person must be an active member of the assigned agency."}
            )
    return agency, assignee


def _clean_status(status) -> str:
    if status not in TaskStatus.values:
        raise ValidationError({"status": f"Choose one of: {', '.join(TaskStatus.values)}."})
    return status


def _restriction(case: Case, creator: Agency, assigned: Agency, visibility, restricted_to):
    """The agencies of a restricted task: those asked for, the creating agency and the
    assigned one (the agency that does the work always sees it)."""
    wanted = list(restricted_to or [])
    if visibility == NoteVisibility.RESTRICTED:
        wanted.append(assigned)
    return clean_restriction(case, creator, visibility, wanted)


def _kept_restriction(task: Task, assigned: Agency, stored: list[int]) -> list[int]:
    """A restricted task's agencies when the change does not touch them: those listed (with
    the creating and assigned agencies) that still have access to the case. An agency that
    lost the case drops out instead of making the task uneditable."""
    if task.visibility != NoteVisibility.RESTRICTED:
        return []
    listed = {*stored, task.created_by_agency_id, assigned.pk}
    return sorted(listed & access.case_agency_ids(task.case))


def task_payload(task: Task) -> dict:
    return {
        "id": task.pk,
        "title": task.title,
        "status": task.status,
        "due_on": task.due_on,
        "assigned_agency": agency_ref(task.assigned_agency),
    }


def _publish(kind: str, task: Task, *, actor, **payload) -> None:
    live.publish(
        kind,
        subject=task.case,
        detail=task,
        payload={"case": case_ref(task.case), "task": task_payload(task), **payload},
        agency_ids=work_access.task_agency_ids(task),
        actor=actor,
        until=access.access_until(task.case),
    )


def _person(user) -> str | None:
    return None if user is None else (user.get_full_name() or user.get_username())


@transaction.atomic
def task_create(
    *,
    actor,
    case: Case,
    title: str,
    assigned_agency: Agency,
    description: str = "",
    assignee=None,
    due_on=None,
    status: str = TaskStatus.OPEN,
    visibility: str = NoteVisibility.CASE,
    restricted_to=None,
) -> Task:
    """Create a task on a case (contributing agencies) and assign it to an agency that
    may contribute, optionally to one of its people."""
    require_level(actor, case, AccessLevel.CONTRIBUTE)
    agency = acting_agency(actor)
    title = _clean_title(title)
    description = _clean_description(description)
    assigned_agency, assignee = _clean_assignment(case, assigned_agency, assignee)
    status = _clean_status(status)
    agency_ids = _restriction(case, agency, assigned_agency, visibility, restricted_to)
    task = Task.objects.create(
        case=case,
        title=title,
        description=description,
        assigned_agency=assigned_agency,
        assignee=assignee,
        due_on=due_on,
        status=status,
        visibility=visibility,
        created_by=actor,
        created_by_agency=agency,
    )
    task.restricted_to.set(agency_ids)
    fields = {
        "title": title,
        "assigned_agency": assigned_agency.short_name,
        "assignee": _person(assignee),
        "due_on": _shown("due_on", due_on),
        "status": status,
        "visibility": visibility,
    }
    TaskChange.objects.create(
        task=task,
        changed_by=actor,
        changed_by_agency=agency,
        changed_at=timezone.now(),
        change="created",
        fields={name: [None, value] for name, value in fields.items()},
        visibility=visibility,
        restricted_to=agency_ids,
    )
    _publish(EventKind.TASK_ASSIGNED, task, actor=actor)
    audit_record(
        actor=actor,
        action="task.created",
        target=task,
        changes={
            "case": case.number,
            "assigned_agency": assigned_agency.pk,
            "visibility": visibility,
            "restricted_to": agency_ids,
        },
    )
    return task


def _shown(name: str, value):
    """A value as the history shows it: agencies by short name, people by name."""
    if name == "assigned_agency":
        return value.short_name
    if name == "assignee":
        return _person(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@transaction.atomic
def task_update(*, actor, task: Task, if_match: list[str] | None = None, **changes) -> Task:
    """Change a task (contributing agencies): its details, its assignment, its status or
    its restriction. With ``if_match`` (the versions an If-Match named), only if the task is
    still at one of them. Each change is kept in the task's history."""
    level = require_level(actor, task.case, AccessLevel.CONTRIBUTE)
    if not work_access.can_edit_task(level):
        raise PermissionDenied("Your agency may not change this task.")
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    check_version(task.version, if_match)
    wanted = {
        "title": _clean_title(changes["title"]) if "title" in changes else task.title,
        "description": _clean_description(changes.get("description", task.description)),
        "status": _clean_status(changes.get("status", task.status)),
        "due_on": changes.get("due_on", task.due_on),
    }
    agency = changes.get("assigned_agency", task.assigned_agency)
    assignee = changes.get("assignee", task.assignee if agency == task.assigned_agency else None)
    if agency != task.assigned_agency or assignee != task.assignee:
        agency, assignee = _clean_assignment(task.case, agency, assignee)
    wanted["assigned_agency"], wanted["assignee"] = agency, assignee
    visibility = changes.get("visibility") or task.visibility
    old_ids = sorted(task.restricted_to.values_list("pk", flat=True))
    kept = _kept_restriction(task, agency, old_ids)
    restricted_to = changes.get("restricted_to")
    if restricted_to is None and visibility == task.visibility:
        agency_ids = kept
    else:
        if restricted_to is None and visibility == NoteVisibility.RESTRICTED:
            restricted_to = Agency.objects.filter(pk__in=kept)
        agency_ids = _restriction(
            task.case, task.created_by_agency, agency, visibility, restricted_to
        )
    # Reassigning a restricted task to an agency it does not list also widens it.
    unchanged = _kept_restriction(task, task.assigned_agency, old_ids)
    if (visibility != task.visibility or agency_ids != unchanged) and (
        not work_access.can_change_task_audience(actor, task)
    ):
        raise PermissionDenied(
            "Only the agency that created this task changes who sees it "
            f"({task.created_by_agency.short_name}); nothing was changed."
        )
    diff = {
        name: [_shown(name, getattr(task, name)), _shown(name, value)]
        for name, value in wanted.items()
        if getattr(task, name) != value
    }
    if visibility != task.visibility:
        diff["visibility"] = [task.visibility, visibility]
    if agency_ids != old_ids:
        diff["restricted_to"] = [old_ids, agency_ids]
    if not diff:
        return task
    readers_before = work_access.task_agency_ids(task)
    from_status = task.status
    for name, value in wanted.items():
        setattr(task, name, value)
    task.visibility = visibility
    task.save()
    task.restricted_to.set(agency_ids)
    TaskChange.objects.create(
        task=task,
        changed_by=actor,
        changed_by_agency=acting_agency(actor),
        changed_at=timezone.now(),
        change="edited",
        fields=diff,
        visibility=task.visibility,
        restricted_to=agency_ids,
    )
    dropped = readers_before - work_access.task_agency_ids(task)
    if dropped:
        live.retract(agency_ids=dropped, detail=task)
    if "assigned_agency" in diff or "assignee" in diff:
        _publish(EventKind.TASK_ASSIGNED, task, actor=actor)
    if "status" in diff:
        _publish(EventKind.TASK_STATUS_CHANGED, task, actor=actor, from_status=from_status)
    others = sorted(set(diff) - {"assigned_agency", "assignee", "status"})
    if others:
        _publish(EventKind.TASK_UPDATED, task, actor=actor, fields=others)
    audit_record(
        actor=actor,
        action="task.updated",
        target=task,
        changes={"fields": sorted(diff), "status": task.status},
    )
    return task


def assignable_people(case: Case, agency: Agency):
    """The active people of ``agency``, for the assignee of a task of ``case``."""
    if agency.pk not in work_access.assignable_agency_ids(case):
        return get_user_model().objects.none()
    return get_user_model().objects.filter(is_active=True, profile__agency=agency)
