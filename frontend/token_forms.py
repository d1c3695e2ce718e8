"""Forms of the tokens pages (agency admins). They parse input; the services decide."""

from django import forms

from agencies import access
from agencies.models import TokenScope
from agencies.selectors import TokenState
from agencies.services.tokens import MAX_TOKEN_DAYS


class TokenFilterForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("", "All tokens"), *TokenState.choices], required=False, label="State"
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, profile) -> str:
        name = profile.user.get_full_name() or profile.user.get_username()
        return f"{name} ({profile.user.get_username()})"


class TokenIssueForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What it is for, so it can be told apart: e.g. “RMS sync”."
    )
    person = PersonChoice(
        queryset=None,
        label="Acts as",
        help_text="The token sees and does what this person may: yourself, or a service "
        "account of your agency (a person named after the system, who never signs in).",
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text="Read only tokens never change anything.",
    )
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=MAX_TOKEN_DAYS, initial=90, label="Expires after (days)"
    )
    allowed_networks = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Allowed addresses",
        help_text="One address or network per line (e.g. 203.0.113.0/24). Empty: any address.",
    )

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            access.token_holders(admin)
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        self.fields["person"].initial = admin.profile.pk

    def clean_allowed_networks(self) -> list[str]:
        # The service checks each entry and names the first bad one.
        return self.cleaned_data["allowed_networks"].split()
