"""The dashboard: the start page of a signed-in person, updated live."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from activity import live
from agencies import selectors as agency_selectors
from agencies.access import acting_agency
from cases import selectors as case_selectors
from cases import work_selectors
from meetings import access as meeting_access
from meetings import recurrence
from meetings import selectors as meeting_selectors
from meetings.models import Answer, MeetingKind, MeetingStatus
from tips import selectors as tip_selectors

UPCOMING_DAYS = 30
RECENT_EVENTS = 25


def _upcoming(user, agency):
    """The next occurrences of the agency's meetings, with the agency's answer."""
    now = timezone.now()
    end = now + dt.timedelta(days=UPCOMING_DAYS)
    meetings = list(
        meeting_selectors.meetings_in_window(meeting_selectors.meeting_list(user), now, end)
    )
    answerable = meeting_access.answerable_meeting_ids(user, meetings)
    rows = []
    for meeting in meetings:
        invitation = next(
            (i for i in meeting.invitations.all() if agency and i.agency_id == agency.pk), None
        )
        # One click answers what is still pending; a change of answer is on the meeting page.
        quick_answer = (
            meeting.pk in answerable
            and invitation is not None
            and invitation.response == Answer.PENDING
        )
        for occurrence in recurrence.occurrences(
            meeting, now, end, changes=list(meeting.occurrence_changes.all())
        ):
            if meeting.kind != MeetingKind.TRAINING or invitation is not None:
                rows.append(
                    {
                        "occurrence": occurrence,
                        "invitation": invitation,
                        "quick_answer": quick_answer,
                    }
                )
    return sorted(rows, key=lambda row: row["occurrence"].starts_at)[:15]


def _trainings(user):
    now = timezone.now()
    return [
        meeting
        for meeting in meeting_selectors.meeting_list(user).filter(
            kind=MeetingKind.TRAINING, status=MeetingStatus.SCHEDULED, ends_at__gte=now
        )
        if not meeting.recurrence or meeting.starts_at >= now - dt.timedelta(days=30)
    ][:10]


def _cases(user):
    return case_selectors.by_latest_activity(user)[:10]


def _tips(user):
    """New tips to triage (coordinators) and open tips assigned to the agency."""
    return {
        "to_triage": list(tip_selectors.tips_to_triage(user)[:10]),
        "assigned": list(tip_selectors.tips_assigned(user)[:10]),
    }


def _tasks(user):
    """The agency's open tasks, overdue first, each with whether it is overdue."""
    tasks = work_selectors.task_list(user, assigned="mine").filter(
        status__in=work_selectors.OPEN_STATUSES
    )[:10]
    return [{"task": task, "overdue": work_selectors.is_overdue(task)} for task in tasks]


# The panels a dashboard refreshes when an event says they changed: each renders the same
# template the page includes, from the same selectors, so the access policy decides both.
PANELS = {
    "upcoming": ("frontend/_dashboard_upcoming.html", lambda user, agency: _upcoming(user, agency)),
    "trainings": ("frontend/_dashboard_trainings.html", lambda user, agency: _trainings(user)),
    "cases": ("frontend/_dashboard_cases.html", lambda user, agency: _cases(user)),
    "tips": ("frontend/_dashboard_tips.html", lambda user, agency: _tips(user)),
    "tasks": ("frontend/_dashboard_tasks.html", lambda user, agency: _tasks(user)),
}


@login_required
def home(request):
    """My agency's upcoming meetings with our answer, trainings open to me, the cases my
    agency takes part in with their latest activity, and the live feed."""
    user = request.user
    agency = acting_agency(user)
    recent = list(
        live.events_for(user=user, agency_id=agency.pk if agency else None).order_by("-id")[
            :RECENT_EVENTS
        ]
    )
    return render(
        request,
        "frontend/home.html",
        {
            "agency": agency,
            "task_forces": agency_selectors.user_task_forces(user),
            "coordinated": agency_selectors.user_coordinated_task_forces(user),
            **{name: rows(user, agency) for name, (_, rows) in PANELS.items()},
            "recent_events": [live.frame(event) for event in reversed(recent)],
            "last_event_id": recent[0].pk if recent else 0,
            "heartbeat_seconds": settings.DASHBOARD_HEARTBEAT_SECONDS,
        },
    )


@login_required
@require_GET
def panel(request, name: str):
    """One panel of the dashboard as it stands now, for the live page to swap in."""
    if name not in PANELS:
        raise Http404("No such panel.")
    template, rows = PANELS[name]
    agency = acting_agency(request.user)
    response = render(request, template, {name: rows(request.user, agency)})
    response["Cache-Control"] = "no-store"
    return response
