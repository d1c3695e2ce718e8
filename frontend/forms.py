"""Forms of the pages. They parse input; the services decide and write."""

from django import forms
from django.core.exceptions import ValidationError

from agencies.models import Agency, TaskForce
from cases.models import (
    NOTE_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AccessLevel,
    CaseKind,
    CasePriority,
    NoteVisibility,
    TraffickingType,
    too_long,
)


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: by field where it names one, else on top."""
    for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


class LimitedText(forms.CharField):
    """Text with a length limit that the server enforces and the browser does not: a
    ``maxlength`` attribute would cut a pasted note short without a word, so the form
    refuses a long text with both numbers instead (``what`` names it in the plural)."""

    def __init__(self, *, limit: int, what: str, **kwargs):
        self.limit, self.what = limit, what
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # The limit travels as data for the page's counter, never as maxlength.
        attrs["data-limit"] = str(self.limit)
        return attrs

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.limit:
            raise ValidationError(too_long(self.what, self.limit, len(value)))


class CaseOpenForm(forms.Form):
    task_force = forms.ModelChoiceField(
        queryset=TaskForce.objects.none(), empty_label="Choose a task force"
    )
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(choices=CaseKind.choices)
    priority = forms.ChoiceField(choices=CasePriority.choices, initial=CasePriority.NORMAL)
    summary = LimitedText(
        limit=SUMMARY_MAX_LENGTH,
        what="Summaries",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def __init__(self, *args, task_forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces
        candidates = list(task_forces)
        if len(candidates) == 1:
            self.fields["task_force"].initial = candidates[0].pk


class CaseEditForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    kind = forms.ChoiceField(choices=CaseKind.choices)
    priority = forms.ChoiceField(choices=CasePriority.choices)
    summary = LimitedText(
        limit=SUMMARY_MAX_LENGTH,
        what="Summaries",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    trafficking_type = forms.ChoiceField(
        choices=TraffickingType.choices,
        label="Trafficking type",
        help_text="What the task force's reports count the case as.",
    )


class ShareForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), empty_label="Choose an agency")
    level = forms.ChoiceField(
        choices=AccessLevel.choices,
        initial=AccessLevel.VIEW,
        help_text="View reads the case; contribute adds notes; manage edits and shares.",
    )
    purpose = LimitedText(
        limit=PURPOSE_MAX_LENGTH,
        what="Purposes",
        help_text="The MOU or request the share rests on.",
    )
    expires_on = forms.DateField(
        required=False,
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: the last day of access; the share ends after it.",
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        candidates = list(agencies)
        self.has_candidates = bool(candidates)
        if len(candidates) == 1:
            self.fields["agency"].initial = candidates[0].pk


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[], label="New status")
    reason = LimitedText(limit=REASON_MAX_LENGTH, what="Reasons", required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices
        if len(choices) == 1:
            self.fields["status"].initial = choices[0][0]


class NoteForm(forms.Form):
    body = LimitedText(
        limit=NOTE_MAX_LENGTH,
        what="Notes",
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=False,
    )
    visibility = forms.ChoiceField(
        choices=NoteVisibility.choices, initial=NoteVisibility.CASE, widget=forms.RadioSelect
    )
    restricted_to = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restricted_to"].queryset = agencies


class NoteEditForm(NoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RedactForm(forms.Form):
    reason = LimitedText(
        limit=REASON_MAX_LENGTH,
        what="Redaction reasons",
        label="Reason for the redaction",
        help_text="Shown in the note's place to every agency that could read it.",
    )
