"""The forms of the webhook pages; the rules (URL policy, kinds) are the service's."""

from django import forms

from activity.kinds import EventKind


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="An https:// address on the public internet; redirects are not followed.",
        widget=forms.URLInput(attrs={"placeholder": "https://rms.example.org/crossroads"}),
    )
    description = forms.CharField(
        max_length=200, required=False, help_text="What the endpoint is, e.g. 'RMS sync'."
    )
    kinds = forms.MultipleChoiceField(
        label="Event kinds",
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only events your agency sees are sent, and only of these kinds.",
    )
