"""Forms of the training pages: public registration, opening a training to the public."""

from django import forms

from agencies.models import Profession
from meetings.models import PHONE_MAX_LENGTH, REGISTRANT_TEXT_MAX_LENGTH

# Lengths are checked by the service with the numbers ("limited to 200 characters; this one
# has 213"); a maxlength on the input would cut a paste short without a word.


class PublicRegistrationForm(forms.Form):
    name = forms.CharField(
        label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.CharField(
        label="E-mail",
        help_text="We send a link to this address: your seat is held once you follow it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone (optional)",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    organisation = forms.CharField(
        label="Agency or organisation",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    profession = forms.ChoiceField(
        label="Profession", choices=[("", "Choose…"), *Profession.choices]
    )
    job_title = forms.CharField(
        label="Job title", widget=forms.TextInput(attrs={"autocomplete": "organization-title"})
    )
    # A trap for programs that fill every field; hidden from people by the stylesheet.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, professions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if professions:
            self.fields["profession"].help_text = "Open to: " + ", ".join(
                Profession(p).label for p in professions if p in Profession.values
            )
        for name, limit in (("name", REGISTRANT_TEXT_MAX_LENGTH), ("phone", PHONE_MAX_LENGTH)):
            self.fields[name].widget.attrs["data-limit"] = str(limit)

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                "Leave this field empty: it is there to stop automated sign-ups."
            )
        return ""


class PublicSettingsForm(forms.Form):
    public_registration = forms.BooleanField(
        label="Open to public registration (people without an account)", required=False
    )
    slug = forms.CharField(
        label="Page address",
        required=False,
        help_text="Letters, digits and hyphens: the page is /trainings/<address>/.",
    )
    organisers = forms.CharField(
        label="Organisers",
        required=False,
        help_text="Named on the public page and on certificates; the task force if empty.",
    )
