"""Case work pages: tasks (on a case, one task, my agency's list) and evidence files
(upload, download, redaction).

Every object comes through the policy (``cases.access``, ``cases.work_access``: 404 when
not visible, 403 when the level is missing); every change goes through ``cases.services``.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from activity.conditional import VersionConflict
from agencies.models import Agency
from cases import access, services, work_access, work_selectors
from cases.api.files import attachment, body_too_large
from cases.models import AccessLevel, TaskStatus
from frontend.forms import apply_service_errors
from frontend.tags import case_tags_context
from frontend.work_forms import FileRedactForm, FileUploadForm, TaskForm, TaskStatusForm


def _case_agencies(case):
    return Agency.objects.filter(pk__in=access.case_agency_ids(case)).order_by("short_name")


def _task_form(case, data=None, initial=None) -> TaskForm:
    assignable_ids = work_access.assignable_agency_ids(case)
    return TaskForm(
        data,
        initial=initial,
        agencies=_case_agencies(case),
        assignable=Agency.objects.filter(pk__in=assignable_ids).order_by("short_name"),
        people=get_user_model()
        .objects.filter(is_active=True, profile__agency_id__in=assignable_ids)
        .select_related("profile__agency")
        .order_by("profile__agency__short_name", "last_name", "first_name"),
    )


def work_context(request, case, level) -> dict:
    """What the case page shows of tasks and files (``frontend.cases`` adds it)."""
    can_contribute = access.has_level(level, AccessLevel.CONTRIBUTE)
    files = work_selectors.case_files(request.user, case)
    return {
        "tasks": [
            {"task": task, "overdue": work_selectors.is_overdue(task)}
            for task in work_selectors.case_tasks(request.user, case)
        ],
        "files": [
            {
                "file": evidence,
                "can_redact": work_access.can_redact_file(request.user, evidence, level),
            }
            for evidence in files
        ],
        "file_form": FileUploadForm(agencies=_case_agencies(case)) if can_contribute else None,
        **case_tags_context(case, level),
    }


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request, pk: int):
    """A new task on a case (contributing agencies)."""
    case, _ = access.case_for(request.user, pk, need=AccessLevel.CONTRIBUTE)
    form = _task_form(case, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Task assigned to {task.assigned_agency.short_name}.")
            return redirect(task.get_absolute_url())
    return render(
        request,
        "frontend/task_form.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


# How the history shows stored values: statuses and visibilities as words, dates as dates.
SHOWN_VALUES = {
    "status": dict(TaskStatus.choices),
    "visibility": {"case": "Every agency with access", "restricted": "Restricted"},
}


def _shown(name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if name in SHOWN_VALUES:
        return SHOWN_VALUES[name].get(value, value)
    if name == "due_on":
        return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
    if name == "restricted_to":
        names = Agency.objects.filter(pk__in=value).values_list("short_name", flat=True)
        return ", ".join(sorted(names))
    return str(value)


def _task_history(user, task):
    return [
        {
            "change": change,
            "fields": [
                (name, _shown(name, before), _shown(name, after))
                for name, (before, after) in sorted(change.fields.items())
            ],
        }
        for change in work_access.visible_task_changes(user, task)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk: int):
    """A task with its history; POST changes its status (contributing agencies)."""
    task, level = work_access.task_for(request.user, pk)
    can_edit = work_access.can_edit_task(level)
    form = TaskStatusForm(request.POST or None, initial={"status": task.status})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your agency may read this task but not change it.")
        if form.is_valid():
            try:
                task = services.task_update(actor=request.user, task=task, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Task is now {task.get_status_display().lower()}.")
                return redirect("task-detail", pk=task.pk)
    return render(
        request,
        "frontend/task_detail.html",
        {
            "task": task,
            "case": task.case,
            "overdue": work_selectors.is_overdue(task),
            "can_edit": can_edit,
            "status_form": form,
            "history": _task_history(request.user, task),
        },
        status=400 if form.errors else 200,
    )


class TaskEditForm(TaskForm):
    version = forms.CharField(widget=forms.HiddenInput)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int):
    task, level = work_access.task_for(request.user, pk)
    if not work_access.can_edit_task(level):
        raise PermissionDenied("Your agency may read this task but not change it.")
    form = _task_form(task.case)
    form = TaskEditForm(
        request.POST or None,
        initial={
            "title": task.title,
            "description": task.description,
            "assigned_agency": task.assigned_agency,
            "assignee": task.assignee,
            "due_on": task.due_on,
            "status": task.status,
            "visibility": task.visibility,
            "restricted_to": task.restricted_to.all(),
            "version": task.version,
        },
        agencies=form.fields["restricted_to"].queryset,
        assignable=form.fields["assigned_agency"].queryset,
        people=form.fields["assignee"].queryset,
    )
    if not work_access.can_change_task_audience(request.user, task):
        # Who may read the task is its creating agency's to decide: others are not offered it.
        del form.fields["visibility"], form.fields["restricted_to"]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            task = services.task_update(actor=request.user, task=task, if_match=[version], **data)
        except VersionConflict:
            form.add_error(
                None,
                "Someone changed this task while you were editing it. Open it again to see "
                "the change, then make yours.",
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Task updated.")
            return redirect("task-detail", pk=task.pk)
    return render(
        request,
        "frontend/task_form.html",
        {"case": task.case, "task": task, "form": form},
        status=400 if form.errors else 200,
    )


STATUS_FILTERS = {
    "": "Open and in progress",
    "all": "Every status",
    **{value: label for value, label in TaskStatus.choices},
}


@login_required
@require_GET
def task_list(request):
    """My agency's tasks across cases, overdue first; or every task the agency may see."""
    scope = "all" if request.GET.get("scope") == "all" else "mine"
    wanted = request.GET.get("status", "")
    if wanted not in STATUS_FILTERS:
        wanted = ""
    tasks = work_selectors.task_list(
        request.user,
        assigned="mine" if scope == "mine" else "",
        status=wanted if wanted in TaskStatus.values else "",
    )
    if not wanted:
        tasks = tasks.filter(status__in=work_selectors.OPEN_STATUSES)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/task_list.html",
        {
            "page": page,
            "rows": [{"task": t, "overdue": work_selectors.is_overdue(t)} for t in page],
            "scope": scope,
            "status": wanted,
            "status_filters": STATUS_FILTERS.items(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_upload(request, pk: int):
    """Upload an evidence file to a case (contributing agencies)."""
    case, _ = access.case_for(request.user, pk, need=AccessLevel.CONTRIBUTE)
    if request.method == "POST" and body_too_large(request):
        # Refused before the body is read.
        form = FileUploadForm(agencies=_case_agencies(case))
        messages.error(request, f"{services.FileTooLarge()} Choose a smaller file.")
        return render(
            request, "frontend/file_upload.html", {"case": case, "form": form}, status=413
        )
    form = FileUploadForm(
        request.POST or None, request.FILES or None, agencies=_case_agencies(case)
    )
    if request.method == "POST" and form.is_valid():
        try:
            evidence = services.file_upload(
                actor=request.user,
                case=case,
                upload=form.cleaned_data["file"],
                visibility=form.cleaned_data["visibility"],
                restricted_to=form.cleaned_data["restricted_to"],
            )
        except services.FileTooLarge as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{evidence.name} is kept; SHA-256 {evidence.sha256}.")
            return redirect(evidence.get_absolute_url())
    return render(
        request,
        "frontend/file_upload.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def file_download(request, pk: int):
    """The file's bytes, through the policy, as an audited attachment."""
    evidence, _ = work_access.file_for(request.user, pk)
    try:
        handle = services.file_open(actor=request.user, evidence=evidence)
    except services.FileGone as exc:
        raise Http404("This file was redacted.") from exc
    return attachment(handle, evidence)


@login_required
@require_http_methods(["GET", "POST"])
def file_redact(request, pk: int):
    """Redact a file: the GET asks for the reason and says what happens to the bytes."""
    evidence, level = work_access.file_for(request.user, pk)
    if evidence.is_redacted:
        messages.error(request, "This file is redacted already.")
        return redirect(evidence.get_absolute_url())
    if not work_access.can_redact_file(request.user, evidence, level):
        raise PermissionDenied("Only the uploading agency or a managing agency redacts a file.")
    form = FileRedactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_redact(
                actor=request.user, evidence=evidence, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "File redacted; its digest stays on record.")
            return redirect(evidence.get_absolute_url())
    return render(
        request,
        "frontend/confirm.html",
        {
            "title": "Redact this file?",
            "intro": format_html(
                "{} ({} bytes), uploaded by {} to {}.",
                evidence.name,
                f"{evidence.size:,}",
                evidence.uploaded_by_agency.short_name,
                evidence.case.number,
            ),
            "consequences": [
                "Its content is deleted for good: nobody can download it any more.",
                "Its name, size and SHA-256 digest stay on the case, with your name, the "
                "time and your reason, for the chain of custody.",
            ],
            "action_url": request.path,
            "confirm_label": "Redact the file",
            "cancel_url": evidence.get_absolute_url(),
            "form": form,
            "danger": True,
        },
        status=400 if form.errors else 200,
    )
