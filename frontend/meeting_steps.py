"""Confirmation steps of the meeting pages (frontend/confirm.html): what cancelling a
meeting or one of its occurrences does, and who is told, before it is done."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from meetings import selectors
from meetings.models import SHORT_TEXT_MAX_LENGTH


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=SHORT_TEXT_MAX_LENGTH,
        required=False,
        label="Reason (optional)",
        help_text="The invited agencies read it with the cancellation.",
    )


def _told(meeting) -> list[str]:
    audience = selectors.cancellation_audience(meeting)
    lines = []
    if audience["everyone"]:
        lines.append("Every agency in the portal sees this training and sees it cancelled.")
    if audience["agencies"]:
        lines.append("The invited agencies are told: " + ", ".join(audience["agencies"]) + ".")
    elif not audience["everyone"]:
        lines.append("No agency is invited; the task force's coordinators are told.")
    if audience["registered"]:
        people = "person" if audience["registered"] == 1 else "people"
        lines.append(
            f"{audience['registered']} registered {people} see it cancelled on the training's "
            "page and in their calendars."
        )
    return lines


def cancel_step(request, meeting) -> dict:
    """The confirmation of cancelling the whole meeting, with the reason field."""
    return {
        "title": f"Cancel {meeting.title}?",
        "intro": "Every occurrence of this meeting is cancelled.",
        "consequences": [
            *_told(meeting),
            "It stays visible as cancelled in calendars, on dashboards and on its page; "
            "it cannot be changed afterwards.",
        ],
        "form": CancelForm(request.POST or None),
        "action_url": reverse("meeting-cancel", args=[meeting.pk]),
        "confirm_label": "Cancel the meeting",
        "cancel_url": meeting.get_absolute_url(),
        "cancel_label": "Keep the meeting",
        "danger": True,
        "meeting": meeting,
    }


def occurrence_cancel_step(request, meeting, original_start) -> dict:
    """The confirmation of cancelling one occurrence; the original start rides along."""
    when = date_format(timezone.localtime(original_start), "DATETIME_FORMAT")
    return {
        "title": f"Cancel the meeting of {when}?",
        "intro": f"Only this occurrence of {meeting.title} is cancelled; the others stay.",
        "consequences": [
            *_told(meeting),
            "It stays visible as cancelled in calendars and on the meeting's page.",
        ],
        "form": OccurrenceForm(initial={"original_start": original_start.isoformat()}),
        "action_url": reverse("meeting-occurrence", args=[meeting.pk]),
        "confirm_label": "Cancel this occurrence",
        "cancel_url": meeting.get_absolute_url(),
        "cancel_label": "Keep it",
        "danger": True,
        "meeting": meeting,
    }


class OccurrenceForm(forms.Form):
    original_start = forms.CharField(widget=forms.HiddenInput)
    action = forms.CharField(widget=forms.HiddenInput, initial="cancel")
