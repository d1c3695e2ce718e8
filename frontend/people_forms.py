"""Forms of the people pages (agency admins). They parse input; the services decide."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from agencies.models import AgencyRole, Profession
from agencies.selectors import PersonStatus


class PeopleFilterForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, label="Search")
    status = forms.ChoiceField(
        choices=[("", "Everyone"), *PersonStatus.choices], required=False, label="Status"
    )


class PersonChangeForm(forms.Form):
    """What an agency admin changes of a person of their agency."""

    title = forms.CharField(max_length=120, required=False)
    profession = forms.ChoiceField(choices=Profession.choices)
    role = forms.ChoiceField(
        choices=AgencyRole.choices,
        label="Role in the agency",
        help_text="Liaisons speak for the agency and are listed in the directory.",
    )
    is_agency_admin = forms.BooleanField(
        required=False,
        label="Agency admin",
        help_text="Manages the agency's people and reads its audit trail.",
    )


class PersonInviteForm(PersonChangeForm):
    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Letters, digits and @ . + - _ only, e.g. j.doe.",
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        max_length=254, label="E-mail", help_text="The one-time link to set a password goes here."
    )

    field_order = [
        "first_name",
        "last_name",
        "username",
        "email",
        "title",
        "profession",
        "role",
        "is_agency_admin",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nobody's profession is assumed: trainings decide eligibility by it.
        self.fields["profession"].choices = [("", "Choose…"), *Profession.choices]
        self.fields["role"].initial = AgencyRole.MEMBER


class InvitationPasswordForm(forms.Form):
    """The invited person's first password, typed twice; the service checks the rules."""

    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="The same password again",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "The two passwords differ.")
        return data
