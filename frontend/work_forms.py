"""Forms of the case work pages: tasks and evidence files. They parse input; the services
decide and write."""

from django import forms
from django.contrib.auth import get_user_model

from agencies.models import Agency
from cases.models import (
    REASON_MAX_LENGTH,
    TASK_DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    NoteVisibility,
    TaskStatus,
)
from frontend.forms import LimitedText


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.get_full_name() or user.get_username()} ({user.profile.agency.short_name})"


class RestrictionMixin(forms.Form):
    visibility = forms.ChoiceField(
        choices=NoteVisibility.choices,
        initial=NoteVisibility.CASE,
        widget=forms.RadioSelect,
        label="Who may see it",
    )
    restricted_to = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )


class TaskForm(RestrictionMixin):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH, label="Task")
    description = LimitedText(
        limit=TASK_DESCRIPTION_MAX_LENGTH,
        what="Descriptions",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    assigned_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Assigned to",
        empty_label="Choose an agency",
        help_text="Agencies that may contribute to the case.",
    )
    assignee = PersonChoice(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Person (optional)",
        empty_label="Anyone at the agency",
    )
    due_on = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(choices=TaskStatus.choices, initial=TaskStatus.OPEN)

    field_order = [
        "title",
        "description",
        "assigned_agency",
        "assignee",
        "due_on",
        "status",
        "visibility",
        "restricted_to",
    ]

    def __init__(self, *args, agencies, assignable, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restricted_to"].queryset = agencies
        self.fields["assigned_agency"].queryset = assignable
        self.fields["assignee"].queryset = people


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices, label="Status")


class FileUploadForm(RestrictionMixin):
    file = forms.FileField(
        label="File",
        help_text="Kept outside the web site; its SHA-256 digest is recorded for the chain "
        "of custody.",
    )

    field_order = ["file", "visibility", "restricted_to"]

    def __init__(self, *args, agencies, **kwargs):
        # Its own ids: the case page also holds the note form, with fields of the same names.
        kwargs.setdefault("auto_id", "file_%s")
        super().__init__(*args, **kwargs)
        self.fields["restricted_to"].queryset = agencies


class FileRedactForm(forms.Form):
    reason = LimitedText(
        limit=REASON_MAX_LENGTH,
        what="Redaction reasons",
        label="Reason for the redaction",
        help_text="Shown in the file's place to every agency that could see it.",
    )
