"""Case pages: the list, a case with its notes and sharing, the access report, note edits.

Every object comes through the access policy (404 when not visible, 403 when the level is
missing); every change goes through ``cases.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render

from agencies.models import Agency
from agencies.selectors import user_task_forces
from cases import access, selectors, services
from cases.filters import CaseFilter, for_paging
from cases.models import AccessLevel, CaseStatus
from frontend import case_identifiers
from frontend.case_actions import share_candidates, status_choices
from frontend.case_outcomes import outcomes_context
from frontend.case_work import work_context
from frontend.forms import (
    CaseEditForm,
    CaseOpenForm,
    NoteEditForm,
    NoteForm,
    ShareForm,
    StatusForm,
    apply_service_errors,
)


@login_required
def case_list(request):
    """The cases the person's agency takes part in, filtered and ordered."""
    filterset = CaseFilter(
        request.GET,
        request=request,
        queryset=selectors.case_list(request.user).order_by(*selectors.CASE_ORDERINGS["updated"]),
    )
    if filterset.is_valid():
        cases = for_paging(request.user, filterset.qs, request.GET)
    else:
        cases = filterset.queryset.none()
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    # The tags of the whole page in one query.
    prefetch_related_objects(list(page), "tags")
    levels = {case.pk: AccessLevel(case.access_level).label for case in page}
    return render(
        request,
        "frontend/case_list.html",
        {
            "filter": filterset,
            "page": page,
            "levels": levels,
            "can_open": user_task_forces(request.user).exists(),
        },
    )


@login_required
def case_open(request):
    task_forces = user_task_forces(request.user)
    form = CaseOpenForm(request.POST or None, task_forces=task_forces)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Case {case.number} is open; your agency leads it.")
            return redirect(case)
    return render(request, "frontend/case_open.html", {"form": form})


# A note longer than this, in characters or lines, shows folded with "Show more": a case
# with many long notes stays a page one can scroll through.
FOLD_CHARACTERS = 1200
FOLD_LINES = 12
PREVIEW_CHARACTERS = 600
PREVIEW_LINES = 6


def fold_preview(body: str) -> str:
    """The start of a long note shown while it is folded, or "" for a note short enough to
    show whole."""
    lines = body.splitlines()
    if len(body) <= FOLD_CHARACTERS and len(lines) <= FOLD_LINES:
        return ""
    preview = "\n".join(lines[:PREVIEW_LINES])[:PREVIEW_CHARACTERS]
    return preview.rstrip()


def _case_page(request, case, level, note_form=None):
    notes = list(selectors.note_timeline(request.user, case))
    services.case_record_read(actor=request.user, case=case, note_ids=[n.pk for n in notes])
    agencies_with_access = Agency.objects.filter(pk__in=access.case_agency_ids(case))
    can_manage = access.has_level(level, AccessLevel.MANAGE)
    context = {
        "case": case,
        "level": level,
        "level_label": AccessLevel(level).label,
        "summary_preview": fold_preview(case.summary),
        "can_manage": can_manage,
        "can_contribute": access.has_level(level, AccessLevel.CONTRIBUTE),
        "shares": [
            (share, access.can_revoke(level, case, share.agency_id))
            for share in selectors.active_shares(case)
        ],
        "status_changes": case.status_changes.select_related("changed_by"),
        **outcomes_context(case, can_manage),
        "notes": [
            {
                "note": note,
                "can_edit": access.can_edit_note(request.user, note, level),
                "can_redact": access.can_redact_note(request.user, note, level),
                "preview": fold_preview(note.body),
            }
            for note in notes
        ],
        "note_form": note_form or NoteForm(agencies=agencies_with_access),
        **work_context(request, case, level),
    }
    if can_manage:
        context["share_form"] = ShareForm(agencies=share_candidates(case))
        choices = status_choices(case)
        # Closing has its own button, which asks first.
        context["can_close"] = CaseStatus.CLOSED in dict(choices)
        context["status_form"] = StatusForm(
            choices=[c for c in choices if c[0] != CaseStatus.CLOSED]
        )
    context.update(case_identifiers.case_context(request.user, case, level))
    return render(request, "frontend/case_detail.html", context)


@login_required
def case_detail(request, pk: int):
    """A case, its sharing, and the notes the person's agency may read. POST adds a note."""
    case, level = access.case_for(
        request.user, pk, queryset=selectors.case_detail_queryset(request.user)
    )
    if request.method != "POST":
        return _case_page(request, case, level)
    if not access.has_level(level, AccessLevel.CONTRIBUTE):
        raise PermissionDenied("Your agency may read this case but not add notes.")
    agencies = Agency.objects.filter(pk__in=access.case_agency_ids(case))
    form = NoteForm(request.POST, agencies=agencies)
    if form.is_valid():
        try:
            services.note_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Note added.")
            return redirect(case)
    return _case_page(request, case, level, note_form=form)


@login_required
def case_edit(request, pk: int):
    case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    fields = [
        "title",
        "kind",
        "priority",
        "summary",
        "trafficking_type",
    ]
    form = CaseEditForm(request.POST or None, initial={f: getattr(case, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Case updated.")
            return redirect(case)
    return render(request, "frontend/case_edit.html", {"case": case, "form": form})


@login_required
def case_access_report(request, pk: int):
    """Who read the case and which notes, when. Managing agencies only."""
    case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    page = Paginator(selectors.case_access_report(case), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/case_access_report.html",
        {
            "case": case,
            "page": page,
            "rows": selectors.readable_notes_read(request.user, case, page),
            "summary": selectors.case_reader_summary(case),
        },
    )


@login_required
def note_edit(request, pk: int):
    note, level = access.note_for(request.user, pk)
    if not access.can_edit_note(request.user, note, level):
        raise PermissionDenied("Only the author's agency edits a note.")
    agencies = Agency.objects.filter(pk__in=access.case_agency_ids(note.case))
    initial = {
        "body": note.body,
        "visibility": note.visibility,
        "restricted_to": note.restricted_to.all(),
        "version": note.version,
    }
    form = NoteEditForm(request.POST or None, initial=initial, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.note_edit(
                actor=request.user, note=note, expected_version=data.pop("version"), **data
            )
        except services.VersionConflict:
            form.add_error(
                None,
                "Someone changed this note while you were editing it. Your text is below; "
                "the current version is shown in the case. Copy what you need and edit again.",
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Note updated.")
            return redirect(note.case)
    return render(request, "frontend/note_edit.html", {"note": note, "form": form})


@login_required
def note_revisions(request, pk: int):
    note, _ = access.note_for(request.user, pk)
    return render(
        request,
        "frontend/note_revisions.html",
        {"note": note, "revisions": access.visible_revisions(request.user, note)},
    )
