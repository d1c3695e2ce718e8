"""Forms of the tip pages and of a case's identifiers. They parse input; the tips services
decide and write (lengths and control characters are refused there, with the numbers)."""

from django import forms

from agencies.models import Agency, TaskForce
from cases.models import CaseKind
from tips.models import IdentifierKind, Tip, TipSource

IDENTIFIER_HELP = "Phone numbers in any format; plates with the state first, such as MO ABC-123."


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=IdentifierKind.choices)
    value = forms.CharField(label="Identifier", help_text=IDENTIFIER_HELP)

    def __init__(self, *args, **kwargs):
        # Its own ids: it shares the case page with other forms that have fields of its names.
        kwargs.setdefault("auto_id", "identifier_%s")
        super().__init__(*args, **kwargs)


class OptOutForm(forms.Form):
    reason = forms.CharField(
        label="Why this case must not be deconflicted",
        help_text="Recorded in the audit trail. No other agency learns of matches either way.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: it shares the case page with other forms that have fields of its names.
        kwargs.setdefault("auto_id", "opt_out_%s")
        super().__init__(*args, **kwargs)


class _TipText(forms.Form):
    what = forms.CharField(label="What was seen", widget=forms.Textarea(attrs={"rows": 5}))
    where = forms.CharField(label="Where", required=False)
    when = forms.CharField(
        label="When", required=False, help_text="A date, a time, or 'most weekends'."
    )


class TipRecordForm(_TipText):
    task_force = forms.ModelChoiceField(
        queryset=TaskForce.objects.none(), empty_label="Choose a task force"
    )
    source = forms.ChoiceField(choices=TipSource.choices)
    reference = forms.CharField(label="Hotline reference", required=False)
    contact_name = forms.CharField(label="Contact name", required=False)
    contact_phone = forms.CharField(label="Contact phone", required=False)
    contact_email = forms.CharField(label="Contact e-mail", required=False)
    identifiers = forms.CharField(
        label="Identifiers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, kind first: 'phone (816) 555-0117', 'plate MO ABC-123', "
        "'email', 'address', 'handle' or 'url'.",
    )
    field_order = ["task_force", "source", "reference", "what", "where", "when"]

    def __init__(self, *args, task_forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces
        if task_forces.count() == 1:
            self.fields["task_force"].initial = task_forces.first()

    def clean_identifiers(self) -> list[dict]:
        found = []
        for number, line in enumerate(self.cleaned_data["identifiers"].splitlines(), 1):
            kind, _, value = line.strip().partition(" ")
            if not line.strip():
                continue
            if kind.lower() not in IdentifierKind.values:
                raise forms.ValidationError(
                    f"Line {number}: start with the kind ({', '.join(IdentifierKind.values)})."
                )
            found.append({"kind": kind.lower(), "value": value})
        return found


class PublicTipForm(_TipText):
    task_force = forms.ModelChoiceField(
        label="Send it to", queryset=TaskForce.objects.none(), required=False, empty_label=None
    )
    contact_name = forms.CharField(label="Your name (optional)", required=False)
    contact_phone = forms.CharField(
        label="Your phone (optional)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.CharField(
        label="Your e-mail (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A trap for programs that fill every field; hidden from people by the stylesheet.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    field_order = ["task_force", "what", "where", "when"]

    def __init__(self, *args, task_forces, default=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces
        self.fields["task_force"].initial = default

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("Leave this field empty.")
        return ""


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Assign to", queryset=Agency.objects.none(), empty_label="Choose an agency"
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class DuplicateForm(forms.Form):
    duplicate_of = forms.ModelChoiceField(
        label="Duplicate of", queryset=Tip.objects.none(), empty_label="Choose a tip"
    )

    def __init__(self, *args, tips, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate_of"].queryset = tips
        self.fields["duplicate_of"].label_from_instance = lambda tip: (
            f"Tip {tip.pk} · {tip.received_at:%Y-%m-%d} · {tip.where or tip.get_source_display()}"
        )


class CloseTipForm(forms.Form):
    reason = forms.CharField(label="Reason for closing")


class TipCaseForm(forms.Form):
    title = forms.CharField(label="Case title", required=False)
    kind = forms.ChoiceField(label="Kind of case", choices=CaseKind.choices, initial=CaseKind.OTHER)
