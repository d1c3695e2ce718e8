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
    # A day reads in the order of its hours, whichever meeting was scheduled first.
    for items in by_day.values():
        items.sort(key=lambda occurrence: (occurrence.starts_at, occurrence.meeting.title))
    return by_day


# The week's time grid: half-hour rows, at least from 07:00 to 19:00, widened to the week's
# meetings. CSS places a meeting by the classes of its first row and its length in rows.
GRID_FIRST_HOUR, GRID_LAST_HOUR, SLOT_MINUTES = 7, 19, 30


def _week_grid(days: list[dict]) -> dict:
    """Rows of the week's time grid, and each meeting's place in its day's column."""
    spans = []
    for day in days:
        midnight = dt.datetime.combine(day["date"], dt.time.min)
        for occurrence in day["items"]:
            start = timezone.localtime(occurrence.starts_at).replace(tzinfo=None)
            end = timezone.localtime(occurrence.ends_at).replace(tzinfo=None)
            start_min = int((start - midnight).total_seconds() // 60)
            # A meeting that runs past midnight is shown up to the end of its first day.
            end_min = min(int((end - midnight).total_seconds() // 60), 24 * 60)
            spans.append((day, occurrence, start_min, max(end_min, start_min + SLOT_MINUTES)))
    first_hour = min([GRID_FIRST_HOUR, *(start // 60 for _, _, start, _ in spans)])
    last_hour = max([GRID_LAST_HOUR, *(-(-end // 60) for _, _, _, end in spans)])
    for day in days:
        day["placed"] = []
    for day, occurrence, start_min, end_min in spans:
        row = (start_min - first_hour * 60) // SLOT_MINUTES + 1
        rows = max(1, -(-(end_min - start_min) // SLOT_MINUTES))
        day["placed"].append({"occurrence": occurrence, "row": row, "rows": rows})
    return {
        "hours": [dt.time(hour) for hour in range(first_hour, last_hour)],
        "slots": (last_hour - first_hour) * 60 // SLOT_MINUTES,
    }


@login_required
def meeting_calendar(request):
    """A month (or, with ``?view=week``, a week) of the agency's meetings and the
    trainings open to the person."""
    can_schedule = bool(access.coordinated_task_force_ids(request.user))
    if request.GET.get("view") == "week":
        first = _week_start(request)
        by_day = _occurrences_by_day(request.user, first, 7)
        today = timezone.localdate()
        days = [
            {"date": day, "items": by_day.get(day, []), "is_today": day == today}
            for day in (first + dt.timedelta(days=i) for i in range(7))
        ]
        return render(
            request,
            "frontend/meeting_week.html",
            {
                "days": days,
                "grid": _week_grid(days),
                "first": first,
                "today": today,
                "previous_week": first - dt.timedelta(days=7),
                "next_week": first + dt.timedelta(days=7),
                "can_schedule": can_schedule,
            },
        )
    month = _month(request)
    last_day = month_calendar.monthrange(month.year, month.month)[1]
    by_day = _occurrences_by_day(request.user, month, last_day)
    today = timezone.localdate()
    weeks = [
        [
            {
                "date": day,
                "in_month": day.month == month.month,
                "items": by_day.get(day, []),
                "is_today": day == today,
            }
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
            "today": today,
            "showing_today": month == today.replace(day=1),
            "has_meetings": bool(by_day),
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
    feed_url = request.build_absolute_uri(feed.get_absolute_url()) if feed else None
    return render(
        request,
        "frontend/calendar_subscription.html",
        {
            "feed_url": feed_url,
            # Calendar apps open webcal:// links as a subscription to the same address.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
        },
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
