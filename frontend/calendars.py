"""Calendar pages: the month and week of a person's meetings, a meeting's iCalendar file,
and the private subscription feed with the page that shows and replaces its URL."""

import calendar as month_calendar
import datetime as dt
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from meetings import access, ics, recurrence, selectors, services, timing
from meetings.models import CalendarFeed

logger = logging.getLogger(__name__)


def _month(request) -> dt.date:
    """The month asked for; this month when none is, or one outside the range calendars
    look at (the dates around it would overflow)."""
    try:
        month = dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = None
    if month is None or not timing.in_window_range(month):
        month = timezone.localdate().replace(day=1)
    return month


def _week_start(request) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = None
    if day is None or not timing.in_window_range(day):
        day = timezone.localdate()
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)  # weeks start on Sunday


def _occurrences_by_day(user, first: dt.date, days: int) -> dict[dt.date, list]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=days)
    by_day: dict[dt.date, list] = {}
    for meeting in selectors.meetings_in_window(selectors.meeting_list(user), start, end):
        for occurrence in recurrence.occurrences(
            meeting, start, end, changes=list(meeting.occurrence_changes.all())
        ):
            day = timezone.localtime(occurrence.starts_at).date()
            by_day.setdefault(day, []).append(occurrence)
    return by_day


@login_required
def meeting_calendar(request):
    """A month (or, with ``?view=week``, a week) of the agency's meetings and the
    trainings open to the person."""
    can_schedule = bool(access.coordinated_task_force_ids(request.user))
    if request.GET.get("view") == "week":
        first = _week_start(request)
        by_day = _occurrences_by_day(request.user, first, 7)
        days = [first + dt.timedelta(days=i) for i in range(7)]
        return render(
            request,
            "frontend/meeting_week.html",
            {
                "days": [{"date": day, "items": by_day.get(day, [])} for day in days],
                "first": first,
                "previous_week": first - dt.timedelta(days=7),
                "next_week": first + dt.timedelta(days=7),
                "can_schedule": can_schedule,
            },
        )
    month = _month(request)
    last_day = month_calendar.monthrange(month.year, month.month)[1]
    by_day = _occurrences_by_day(request.user, month, last_day)
    weeks = [
        [
            {"date": day, "in_month": day.month == month.month, "items": by_day.get(day, [])}
            for day in week
        ]
        for week in month_calendar.Calendar(firstweekday=6).monthdatescalendar(
            month.year, month.month
        )
    ]
    return render(
        request,
        "frontend/meeting_calendar.html",
        {
            "month": month,
            "weeks": weeks,
            "previous_month": (month - dt.timedelta(days=1)).replace(day=1),
            "next_month": (month + dt.timedelta(days=32)).replace(day=1),
            "can_schedule": can_schedule,
        },
    )


def _ics(request, meetings, name, filename, *, skip_failures=False):
    body = ics.calendar(
        meetings,
        url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
        name=name,
        skip_failures=skip_failures,
    )
    return ics.response(body, filename)


@login_required
def meeting_ics(request, pk: int):
    """The meeting's .ics; one that cannot be written sends the person back to its page
    with the reason."""
    meeting = access.meeting_for(request.user, pk)
    try:
        response = _ics(request, [meeting], meeting.task_force.name, f"meeting-{meeting.pk}.ics")
    except ics.RenderError as error:
        messages.error(request, str(error))
        return redirect(meeting)
    services.meeting_record_export(actor=request.user, meeting=meeting)
    return response


@login_required
def calendar_subscription(request):
    """The person's private subscription URL (made when they ask for it), and a button to
    replace it."""
    if request.method == "POST":
        replaced = services.feed_for(request.user) is not None
        services.feed_rotate(actor=request.user)
        messages.success(
            request,
            "New subscription address: the old one no longer works."
            if replaced
            else "Your subscription address is ready.",
        )
        return redirect("calendar-subscription")
    feed = services.feed_for(request.user)
    return render(
        request,
        "frontend/calendar_subscription.html",
        {"feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else None},
    )


def calendar_feed(request, token: str):
    """The subscription itself: no session, the token is the key. Unknown or rotated
    tokens, and people who may no longer log in, get 404. A meeting that cannot be written
    is left out (and logged) rather than failing the whole feed."""
    from agencies.auth import agency_allows_login

    feed = CalendarFeed.objects.select_related("user__profile__agency").filter(token=token).first()
    if feed is None or not agency_allows_login(feed.user):
        raise Http404
    recent = timezone.now() - dt.timedelta(days=180)
    meetings = (
        access.feed_meetings(feed.user)
        .filter(~Q(recurrence="") | Q(ends_at__gte=recent))
        .select_related("organizer", "task_force")
        .prefetch_related("occurrence_changes")
    )
    response = _ics(request, meetings, "Crossroads", "crossroads.ics", skip_failures=True)
    services.feed_record_read(feed=feed)
    return response
