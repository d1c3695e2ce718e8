"""Reads of the cases app that depend on who asks; visibility itself comes from the policy."""

from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery

from activity.models import AuditRecord
from cases import access
from cases.models import Case, CaseShare, Note

# Only these fields can be used to order case lists.
CASE_ORDERINGS = {
    "updated": ("-updated_at", "-id"),
    "-updated": ("updated_at", "id"),
    "created": ("-created_at", "-id"),
    "-created": ("created_at", "id"),
    "number": ("number", "id"),
    "-number": ("-number", "-id"),
    "title": ("title", "id"),
    "priority": ("-priority_rank", "-updated_at", "-id"),
}


PRIORITY_RANK = models.Case(
    models.When(priority="urgent", then=models.Value(4)),
    models.When(priority="high", then=models.Value(3)),
    models.When(priority="normal", then=models.Value(2)),
    default=models.Value(1),
    output_field=models.IntegerField(),
)


def case_list(user) -> QuerySet[Case]:
    """The caller's visible cases with what a list shows, in a fixed number of queries.

    The date of the latest note is not part of it: as a column it was computed for every
    row a page skips (an OFFSET still evaluates the select list), and the last page of the
    largest agency took 470 ms (benchmark). ``with_latest_notes`` adds it to a page.
    """
    return (
        access.visible_cases(user)
        .select_related("task_force", "lead_agency")
        .annotate(priority_rank=PRIORITY_RANK)
    )


def _latest_readable_note(user):
    return (
        Note.objects.filter(case=OuterRef("pk"))
        .filter(access.readable_note_condition(user))
        .order_by("-created_at")
        .values("created_at")[:1]
    )


def with_latest_notes(user, cases) -> list[Case]:
    """The page's cases, each with ``last_note_at``: the newest note the caller may read (a
    restricted note of another agency must not show even as a date), in one query."""
    cases = list(cases)
    latest = dict(
        Note.objects.filter(case_id__in=[case.pk for case in cases])
        .filter(access.readable_note_condition(user))
        .values("case_id")
        .annotate(latest=Max("created_at"))
        .values_list("case_id", "latest")
    )
    for case in cases:
        case.last_note_at = latest.get(case.pk)
    return cases


def by_latest_activity(user) -> QuerySet[Case]:
    """The caller's cases with the newest readable note first; cases without notes after
    them, by their own last change (they have no activity to show first)."""
    return (
        case_list(user)
        .annotate(last_note_at=Subquery(_latest_readable_note(user)))
        .order_by(F("last_note_at").desc(nulls_last=True), "-updated_at", "-id")
    )


def case_search(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    return queryset.filter(
        Q(title__icontains=text) | Q(number__icontains=text) | Q(summary__icontains=text)
    )


def case_detail_queryset(user) -> QuerySet[Case]:
    return access.visible_cases(user).select_related("task_force", "lead_agency", "opened_by")


def active_shares(case: Case) -> QuerySet[CaseShare]:
    """Who has access to the case, why, since when and until when."""
    return case.shares.active().select_related("agency", "granted_by").order_by("agency__name")


def note_timeline(user, case: Case) -> QuerySet[Note]:
    """The caller's readable notes of a case, newest first."""
    return (
        access.visible_notes(user, case)
        .select_related("author", "author_agency", "redacted_by")
        .prefetch_related("restricted_to")
        .order_by("-created_at", "-id")
    )


def case_access_report(case: Case) -> QuerySet[AuditRecord]:
    """Who read the case and which notes, when: from the audit trail."""
    return (
        AuditRecord.objects.filter(
            target_type__app_label="cases",
            target_type__model="case",
            target_id=str(case.pk),
            action="case.read",
        )
        .select_related("actor", "agency")
        .order_by("-id")
    )


def case_reader_summary(case: Case):
    """Reads of the case per agency: how many, and the last."""
    return (
        case_access_report(case)
        .order_by()
        .values("agency__short_name", "agency__name")
        .annotate(reads=Count("id"), last_read=Max("created_at"))
        .order_by("-last_read")
    )


def readable_notes_read(user, case: Case, records) -> list[tuple]:
    """Each access-report record with the notes read that ``user`` may read too (in the
    order read): a restricted note the reader's agency is not given must not show, even as
    an id. One query for the notes of the whole page."""
    wanted = {n for record in records for n in record.changes.get("notes", [])}
    readable = {
        note.pk: note
        for note in access.visible_notes(user, case)
        .filter(pk__in=wanted)
        .only("pk", "body", "redacted_at")
    }
    return [
        (record, [readable[n] for n in record.changes.get("notes", []) if n in readable])
        for record in records
    ]
