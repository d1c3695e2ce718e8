"""Forms of the meeting pages. They parse input; the meeting services decide and write.

The meeting form offers a recurrence picker (does not repeat, daily, weekly on chosen days,
monthly on the Nth weekday or on a day of the month; ends never, on a date or after N times)
and writes the RRULE from it: people never type a raw rule, which stays for the API.
"""

import datetime as dt
import zoneinfo

from django import forms

from agencies.models import Agency, Profession
from meetings import recurrence_text
from meetings.models import (
    AGENDA_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TOPICS_MAX_LENGTH,
    VIDEO_LINK_MAX_LENGTH,
    Answer,
    MeetingKind,
)
from meetings.recurrence import MAX_INTERVAL, MAX_OCCURRENCES, UNTIL_HORIZON

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WEEKDAY_CHOICES = [(code, name[:3]) for code, name in recurrence_text.WEEKDAY_NAMES.items()]
KEEP_RULE = "keep"


def ten_years_after(moment) -> dt.date:
    try:
        return (moment + UNTIL_HORIZON).date()
    except (OverflowError, ValueError):
        # Past year 9999 there is no date to compare with: any last date is within ten years.
        return dt.date.max


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, case):
        return f"{case.number} · {case.title}"


class MeetingForm(forms.Form):
    """Scheduling or changing a meeting. Times are entered in the meeting's time zone."""

    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(choices=MeetingKind.choices, label="Kind of meeting")
    starts_at = forms.DateTimeField(widget=DATETIME, label="Starts")
    ends_at = forms.DateTimeField(widget=DATETIME, label="Ends")
    timezone = forms.CharField(
        max_length=64,
        initial="America/Chicago",
        label="Time zone",
        help_text="The zone the times above are in, e.g. America/Chicago.",
    )
    case = CaseChoiceField(
        queryset=None,
        required=False,
        empty_label="Not about a case",
        label="About a case",
        help_text="Only agencies with access to the case can be invited.",
    )
    agenda = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=AGENDA_MAX_LENGTH
    )
    location = forms.CharField(max_length=LOCATION_MAX_LENGTH, required=False)
    video_url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=VIDEO_LINK_MAX_LENGTH,
        label="Video link",
        help_text="The link people join the call with.",
    )
    # The recurrence picker.
    repeat = forms.ChoiceField(
        choices=[
            (recurrence_text.NEVER, "Does not repeat"),
            (recurrence_text.DAILY, "Daily"),
            (recurrence_text.WEEKLY, "Weekly"),
            (recurrence_text.MONTHLY, "Monthly"),
        ],
        initial=recurrence_text.NEVER,
        required=False,
        label="Repeats",
    )
    interval = forms.IntegerField(
        min_value=1, max_value=MAX_INTERVAL, initial=1, required=False, label="Every"
    )
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="On",
        help_text="None chosen: the weekday of the first meeting.",
    )
    monthly_by = forms.ChoiceField(
        choices=[
            (recurrence_text.BY_WEEKDAY, "On a weekday of the month (e.g. the second Tuesday)"),
            (recurrence_text.BY_MONTHDAY, "On a day of the month (e.g. the 15th)"),
        ],
        initial=recurrence_text.BY_WEEKDAY,
        required=False,
        widget=forms.RadioSelect,
        label="Monthly",
    )
    month_position = forms.TypedChoiceField(
        choices=[("", "As the first meeting"), *recurrence_text.POSITION_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        label="Which",
    )
    month_weekday = forms.ChoiceField(
        choices=[("", "As the first meeting"), *recurrence_text.WEEKDAY_NAMES.items()],
        required=False,
        label="Weekday",
    )
    month_day = forms.IntegerField(min_value=1, max_value=31, required=False, label="Day")
    ends = forms.ChoiceField(
        choices=[
            (recurrence_text.ENDS_NEVER, "Never"),
            (recurrence_text.ENDS_ON, "On a date"),
            (recurrence_text.ENDS_AFTER, "After a number of meetings"),
        ],
        initial=recurrence_text.ENDS_NEVER,
        required=False,
        widget=forms.RadioSelect,
        label="Ends",
    )
    until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Last date"
    )
    count = forms.IntegerField(
        min_value=1, max_value=MAX_OCCURRENCES, required=False, label="Number of meetings"
    )
    invited_agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    invite_all = forms.BooleanField(required=False, label="Invite every member agency")
    confidential = forms.BooleanField(
        required=False, help_text="Calendars then show only the time and 'Busy'."
    )
    open_to_all = forms.BooleanField(
        required=False, label="Training open to every agency in the portal"
    )
    topics = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=TOPICS_MAX_LENGTH
    )
    capacity = forms.IntegerField(min_value=0, required=False, label="Seats")
    registration_deadline = forms.DateTimeField(
        required=False, widget=DATETIME, label="Registration closes"
    )
    eligible_professions = forms.MultipleChoiceField(
        choices=Profession.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Open to these professions",
        help_text="None chosen: open to every profession.",
    )

    def __init__(self, *args, agencies, cases=None, kept_rule: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_agencies"].queryset = agencies
        if cases is None:
            del self.fields["case"]
        else:
            self.fields["case"].queryset = cases
        self.kept_rule = kept_rule
        if kept_rule:
            # A rule written over the API that the picker cannot show stays as it is unless
            # the coordinator picks another.
            label = f"As it is: {recurrence_text.describe(kept_rule)}"
            self.fields["repeat"].choices = [(KEEP_RULE, label), *self.fields["repeat"].choices]

    def clean_timezone(self):
        value = self.cleaned_data["timezone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError("Not a known time zone (e.g. America/Chicago).")
        return value

    def clean(self):
        data = super().clean()
        repeat = data.get("repeat") or recurrence_text.NEVER
        if repeat == KEEP_RULE and self.kept_rule:
            data["recurrence"] = self.kept_rule
            return data
        ends = data.get("ends") or recurrence_text.ENDS_NEVER
        if repeat != recurrence_text.NEVER:
            until, starts = data.get("until"), data.get("starts_at")
            if ends == recurrence_text.ENDS_ON and not until:
                self.add_error("until", "Give the date of the last meeting.")
            elif ends == recurrence_text.ENDS_ON and starts and until < starts.date():
                self.add_error("until", "The last date is before the first meeting.")
            elif ends == recurrence_text.ENDS_ON and starts and until > ten_years_after(starts):
                self.add_error("until", "A series ends at most ten years after it starts.")
            if ends == recurrence_text.ENDS_AFTER and not data.get("count"):
                self.add_error("count", "Give the number of meetings.")
        picked = recurrence_text.Picked(
            repeat=repeat,
            interval=data.get("interval") or 1,
            weekdays=data.get("weekdays") or [],
            monthly_by=data.get("monthly_by") or recurrence_text.BY_WEEKDAY,
            month_position=data.get("month_position"),
            month_weekday=data.get("month_weekday") or None,
            month_day=data.get("month_day"),
            ends=ends,
            until=data.get("until"),
            count=data.get("count"),
        )
        starts = data.get("starts_at")
        data["recurrence"] = (
            recurrence_text.build(picked, first_start=starts) if starts is not None else ""
        )
        return data

    def localized(self) -> dict:
        """What the services take: the entered wall-clock times read in the chosen zone,
        the picker's choices turned into the rule."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in PICKER_FIELDS and name != "repeat"
        }
        tz = zoneinfo.ZoneInfo(data["timezone"])
        for name in ("starts_at", "ends_at", "registration_deadline"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None).replace(tzinfo=tz)
        return data

    @staticmethod
    def picker_initial(rule: str) -> dict:
        """The picker's fields for a stored rule; a rule it cannot show is kept as it is."""
        picked = recurrence_text.pick(rule)
        if picked is None:
            return {"repeat": KEEP_RULE}
        return {
            "repeat": picked.repeat,
            "interval": picked.interval,
            "weekdays": picked.weekdays,
            "monthly_by": picked.monthly_by,
            "month_position": picked.month_position,
            "month_weekday": picked.month_weekday or "",
            "month_day": picked.month_day,
            "ends": picked.ends,
            "until": picked.until,
            "count": picked.count,
        }


PICKER_FIELDS = (
    "interval",
    "weekdays",
    "monthly_by",
    "month_position",
    "month_weekday",
    "month_day",
    "ends",
    "until",
    "count",
)


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        choices=[
            (Answer.ACCEPTED, "Accept"),
            (Answer.TENTATIVE, "Tentative"),
            (Answer.DECLINED, "Decline"),
        ],
        label="Answer",
    )
    attendees = forms.CharField(
        max_length=SHORT_TEXT_MAX_LENGTH, required=False, label="Who will attend"
    )
    note = forms.CharField(max_length=SHORT_TEXT_MAX_LENGTH, required=False)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="Choose an agency"
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
            if len(agencies) == 1:
                self.fields["agency"].initial = agencies[0].pk


class ActionItemForm(forms.Form):
    description = forms.CharField(max_length=SHORT_TEXT_MAX_LENGTH, label="What is to be done")
    assignee_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Agency", empty_label="Choose an agency"
    )
    due_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due"
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee_agency"].queryset = agencies
        if len(agencies) == 1:
            self.fields["assignee_agency"].initial = agencies[0].pk
