"""Tag pages: a task force's vocabulary (its coordinators keep it) and the tags of a case
(set by the agencies that manage it). The policy decides (``cases.work_access``); the
services write."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.selectors import user_coordinated_task_forces, user_task_forces
from cases import access, services, work_access
from cases.models import TAG_MAX_LENGTH, AccessLevel, Tag
from frontend.forms import apply_service_errors


class TagForm(forms.Form):
    name = forms.CharField(max_length=TAG_MAX_LENGTH, label="New tag")


class CaseTagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = case.task_force.tags.order_by("name")


def case_tags_context(case, level) -> dict:
    """What the case page shows of tags (``frontend.case_work`` adds it)."""
    tags = list(case.tags.order_by("name"))
    context = {"case_tags": tags}
    if work_access.can_tag_case(level) and case.task_force.tags.exists():
        context["tags_form"] = CaseTagsForm(case=case, initial={"tags": tags})
    return context


@login_required
@require_POST
def case_tags(request, pk: int):
    case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    form = CaseTagsForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_set_tags(actor=request.user, case=case, tags=form.cleaned_data["tags"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Tags saved.")
    else:
        messages.error(request, "Choose tags from the task force's list.")
    return redirect(f"{case.get_absolute_url()}#tags")


def _vocabularies(user, forms_by_task_force=None):
    coordinated = set(user_coordinated_task_forces(user).values_list("pk", flat=True))
    task_forces = (user_task_forces(user) | user_coordinated_task_forces(user)).distinct()
    return [
        {
            "task_force": task_force,
            "tags": list(task_force.tags.order_by("name")),
            "can_manage": task_force.pk in coordinated,
            "form": (forms_by_task_force or {}).get(task_force.pk) or TagForm(),
        }
        for task_force in task_forces.order_by("name")
    ]


@login_required
@require_GET
def tag_list(request):
    """The tag vocabularies of the person's task forces; coordinators add and remove."""
    return render(request, "frontend/tag_list.html", {"vocabularies": _vocabularies(request.user)})


@login_required
@require_POST
def tag_create(request, slug: str):
    task_force = user_coordinated_task_forces(request.user).filter(slug=slug).first()
    if task_force is None:
        raise PermissionDenied("Only the task force's coordinators keep its tags.")
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            tag = services.tag_create(
                actor=request.user, task_force=task_force, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Tag “{tag.name}” added to {task_force.name}.")
            return redirect("tag-list")
    return render(
        request,
        "frontend/tag_list.html",
        {"vocabularies": _vocabularies(request.user, {task_force.pk: form})},
        status=400,
    )


@login_required
@require_http_methods(["POST"])
def tag_delete(request, pk: int):
    tag = work_access.visible_tags(request.user).filter(pk=pk).first()
    if tag is None:
        raise access.refused(request.user, Tag, pk)
    services.tag_delete(actor=request.user, tag=tag)
    messages.success(request, f"Tag “{tag.name}” removed.")
    return redirect("tag-list")
