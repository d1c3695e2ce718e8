"""Forms of the pages. They parse input; the services decide and write."""

from django import forms
from django.core.exceptions import ValidationError

from agencies.models import Agency, TaskForce
from cases.models import NOTE_MAX_LENGTH, AccessLevel, CaseKind, CasePriority, NoteVisibility


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: by field where it names one, else on top."""
    for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


class CaseOpenForm(forms.Form):
    task_force = forms.ModelChoiceField(queryset=TaskForce.objects.none())
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=CaseKind.choices)
    priority = forms.ChoiceField(choices=CasePriority.choices, initial=CasePriority.NORMAL)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args, task_forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces


class CaseEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=CaseKind.choices)
    priority = forms.ChoiceField(choices=CasePriority.choices)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    victims_identified = forms.IntegerField(min_value=0)
    victims_referred = forms.IntegerField(min_value=0)
    arrests = forms.IntegerField(min_value=0)
    charges_filed = forms.IntegerField(min_value=0)


class ShareForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    level = forms.ChoiceField(choices=AccessLevel.choices)
    purpose = forms.CharField(max_length=500, help_text="The MOU or request the share rests on.")
    expires_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional."
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[])
    reason = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


class NoteForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=NOTE_MAX_LENGTH, strip=False
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
    reason = forms.CharField(max_length=500)
