"""Tags: a task force's vocabulary (kept by its coordinators) and the tags of a case
(chosen by the agencies that manage it)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from activity.kinds import EventKind
from activity.services import audit_record
from agencies.models import TaskForce
from cases import work_access
from cases.models import TAG_MAX_LENGTH, AccessLevel, Case, Tag, too_long
from cases.services.checks import publish_case, require_level


@transaction.atomic
def tag_create(*, actor, task_force: TaskForce, name: str) -> Tag:
    """Add a word to a task force's vocabulary (its coordinators)."""
    if not work_access.can_manage_tags(actor, task_force):
        raise PermissionDenied("Only the task force's coordinators keep its tags.")
    name = " ".join((name if isinstance(name, str) else "").split())
    if not name:
        raise ValidationError({"name": "A tag needs a name."})
    if len(name) > TAG_MAX_LENGTH:
        raise ValidationError({"name": too_long("Tag names", TAG_MAX_LENGTH, len(name))})
    slug = slugify(name)[:TAG_MAX_LENGTH]
    if not slug:
        raise ValidationError({"name": "Use letters or digits in a tag's name."})
    if Tag.objects.filter(task_force=task_force, slug=slug).exists():
        raise ValidationError({"name": f"{task_force.name} has this tag already."})
    try:
        with transaction.atomic():
            tag = Tag.objects.create(task_force=task_force, name=name, slug=slug)
    except IntegrityError as exc:
        raise ValidationError({"name": f"{task_force.name} has this tag already."}) from exc
    audit_record(actor=actor, action="tag.created", target=tag, changes={"name": name})
    return tag


@transaction.atomic
def tag_delete(*, actor, tag: Tag) -> None:
    """Take a word out of the vocabulary, and off every case that had it (coordinators)."""
    if not work_access.can_manage_tags(actor, tag.task_force):
        raise PermissionDenied("Only the task force's coordinators keep its tags.")
    audit_record(
        actor=actor,
        action="tag.deleted",
        target=tag,
        changes={"name": tag.name, "cases": tag.cases.count()},
    )
    tag.delete()


@transaction.atomic
def case_set_tags(*, actor, case: Case, tags) -> list[Tag]:
    """Set the tags of a case (managing agencies), from its task force's vocabulary."""
    require_level(actor, case, AccessLevel.MANAGE)
    tags = list(tags or [])
    foreign = [tag.name for tag in tags if tag.task_force_id != case.task_force_id]
    if foreign:
        raise ValidationError(
            {"tags": f"Use the tags of {case.task_force.name}; not: {', '.join(foreign)}."}
        )
    before = sorted(case.tags.values_list("slug", flat=True))
    after = sorted({tag.slug for tag in tags})
    if before == after:
        return list(case.tags.order_by("name"))
    case.tags.set(tags)
    case.save(update_fields=["updated_at"])
    audit_record(actor=actor, action="case.tagged", target=case, changes={"tags": [before, after]})
    publish_case(EventKind.CASE_UPDATED, case, actor=actor, fields=["tags"], status=case.status)
    return list(case.tags.order_by("name"))
