"""Forms of the sign-in and account pages. They parse input; the services decide."""

import zoneinfo

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


def _zone_choices() -> list[tuple[str, str]]:
    # Region/City names only: the legacy aliases (US/Central, EST5EDT) say the same thing less
    # clearly. Underscores read as spaces.
    zones = sorted(
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/"))
    )
    return [(zone, zone.replace("_", " ")) for zone in zones]


class TimeZoneForm(forms.Form):
    """The zone a person's pages show times in; blank follows their task force."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Every time on your pages is shown in this zone, with its name after it.",
    )

    def __init__(self, *args, default_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            ("", f"Same as my task force ({default_zone.replace('_', ' ')})"),
            *_zone_choices(),
        ]
