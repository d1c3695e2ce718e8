"""Reads of the meetings app that depend on who asks; visibility comes from the policy."""

import datetime as dt

from django.db.models import Q, QuerySet

from meetings import access
from meetings.models import Meeting, MeetingStatus, Registration, RegistrationStatus


def meeting_list(user) -> QuerySet[Meeting]:
    """Visible meetings with what a list shows, in a fixed number of queries."""
    return (
        access.visible_meetings(user)
        .select_related("task_force", "organizer", "case")
        .prefetch_related("invitations__agency", "occurrence_changes", "registrations")
        .order_by("starts_at", "id")
    )


def meetings_in_window(queryset, start: dt.datetime, end: dt.datetime) -> QuerySet[Meeting]:
    """Meetings that may have an occurrence in [start, end): single ones that overlap it,
    recurring ones that started before its end (their rule decides the rest), and any
    with an occurrence moved into it."""
    return queryset.filter(
        Q(recurrence="", starts_at__lt=end, ends_at__gt=start)
        | (~Q(recurrence="") & Q(starts_at__lt=end))
        | Q(occurrence_changes__starts_at__lt=end, occurrence_changes__ends_at__gt=start)
    ).distinct()


def registrations_for(user, meeting: Meeting) -> QuerySet[Registration]:
    """Coordinators see a training's registrations; anyone else sees their own."""
    registrations = meeting.registrations.select_related("user__profile__agency").order_by(
        "created_at", "id"
    )
    if access.can_see_registrations(user, meeting):
        return registrations
    return registrations.filter(user=user)


def confirmed_count(meeting: Meeting) -> int:
    """Seats taken (the list's prefetched registrations when there)."""
    return sum(1 for r in meeting.registrations.all() if r.status == RegistrationStatus.CONFIRMED)


def seats_left(meeting: Meeting) -> int | None:
    """Seats not taken (``None`` without a capacity); 0 means the waiting list."""
    if meeting.capacity is None:
        return None
    taken = meeting.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    return max(meeting.capacity - taken, 0)


def public_training_list(*, now: dt.datetime) -> QuerySet[Meeting]:
    """Public trainings still to begin, soonest first."""
    return (
        access.public_trainings()
        .filter(status=MeetingStatus.SCHEDULED, starts_at__gt=now)
        .select_related("task_force")
        .order_by("starts_at", "id")
    )


def roster(meeting: Meeting, *, search: str = "") -> QuerySet[Registration]:
    """A training's live registrations with their check-ins, for its coordinators; ``search``
    finds people by name (a portal user's name or username too) or organisation."""
    registrations = (
        meeting.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("user__profile__agency")
        .prefetch_related("attendances")
        .order_by("status", "name", "user__last_name", "user__first_name", "id")
    )
    for word in search.split()[:5]:
        registrations = registrations.filter(
            Q(name__icontains=word)
            | Q(organisation__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__username__icontains=word)
        )
    return registrations


def action_items(meeting: Meeting):
    """The meeting's action items with their assignee agencies, in one query."""
    return meeting.action_items.select_related("assignee_agency", "meeting")


def live_registration(user, meeting: Meeting) -> Registration | None:
    return (
        meeting.registrations.filter(user=user).exclude(status=RegistrationStatus.CANCELLED).first()
    )


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = registration.meeting.registrations.filter(
        status=RegistrationStatus.WAITLISTED, id__lt=registration.pk
    ).count()
    return ahead + 1


def meeting_history(user, meeting: Meeting):
    """What happened to the meeting, from the audit trail: who (and their agency) did what,
    when. Only the action is shown, not the stored before/after values; who registered for
    a training is shown to its coordinators and to the person who registered only."""
    from activity.models import AuditRecord

    records = (
        AuditRecord.objects.filter(
            target_type__app_label="meetings",
            target_type__model="meeting",
            target_id=str(meeting.pk),
        )
        .exclude(action="meeting.rsvp")
        .select_related("actor", "agency")
        .order_by("-id")
    )
    if not access.can_see_registrations(user, meeting):
        records = records.exclude(Q(action__startswith="training.") & ~Q(actor_id=user.pk))
    return records[:50]


def cancellation_audience(meeting: Meeting) -> dict:
    """Who hears of a cancellation, for the confirmation step: the invited agencies that
    see the meeting now (by name), whether every agency sees it (an open training), and how
    many people hold a registration."""
    from agencies.models import Agency

    invited = Agency.objects.filter(pk__in=access.invited_agency_ids(meeting)).order_by("name")
    return {
        "agencies": [agency.name for agency in invited],
        "everyone": meeting.is_training and meeting.open_to_all,
        "registered": meeting.registrations.exclude(status=RegistrationStatus.CANCELLED).count()
        if meeting.is_training
        else 0,
    }


# The history of a meeting in words; an action not listed reads as its own name in words.
HISTORY_WORDS = {
    "meeting.scheduled": "Scheduled",
    "meeting.updated": "Changed",
    "meeting.cancelled": "Cancelled",
    "meeting.occurrence_cancelled": "One occurrence cancelled",
    "meeting.occurrence_moved": "One occurrence moved",
    "meeting.action_item_added": "Action item added",
    "meeting.action_item_done": "Action item updated",
    "meeting.exported": "Calendar file downloaded",
    "meeting.withdrawn": "Invitation withdrawn",
    "training.registered": "Registered",
    "training.registration_cancelled": "Registration cancelled",
    "training.roster_exported": "Roster downloaded",
}


def history_words(action: str) -> str:
    """``training.registration_cancelled`` → "Registration cancelled"."""
    if action in HISTORY_WORDS:
        return HISTORY_WORDS[action]
    return action.rpartition(".")[2].replace("_", " ").capitalize()
