"""Forms of the sign-in and account pages. They parse input; the services decide."""

from django import forms


class CodeForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    otp_token = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
    )


class EnrolForm(forms.Form):
    """The confirmation of a new authenticator: its first code, and the signed secret that
    the enrolment page handed out."""

    enrolment = forms.CharField(widget=forms.HiddenInput, max_length=1000)
    otp_token = forms.CharField(
        label="Code from the app",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
