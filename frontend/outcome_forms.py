"""The forms of a case's outcomes: recording a dated count, withdrawing a wrong one."""

from django import forms

from cases.models import OUTCOME_MAX, AgeGroup, Citizenship, OutcomeKind, Statute
from cases.models.outcomes import WITHDRAWAL_REASON_MAX_LENGTH
from frontend.forms import LimitedText


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(choices=OutcomeKind.choices, label="What happened")
    count = forms.IntegerField(min_value=1, max_value=OUTCOME_MAX, initial=1, label="How many")
    occurred_on = forms.DateField(
        label="On",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day it happened: the report counts it in that quarter.",
    )
    age_group = forms.ChoiceField(
        choices=[("", "—"), *AgeGroup.choices], required=False, label="Victims: age"
    )
    citizenship = forms.ChoiceField(
        choices=[("", "—"), *Citizenship.choices], required=False, label="Victims: citizenship"
    )
    statute = forms.ChoiceField(
        choices=[("", "—"), *Statute.choices], required=False, label="Charges: statutes"
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: it shares the case page with other forms that have fields of its names.
        kwargs.setdefault("auto_id", "outcome_%s")
        super().__init__(*args, **kwargs)


class WithdrawOutcomeForm(forms.Form):
    reason = LimitedText(
        limit=WITHDRAWAL_REASON_MAX_LENGTH,
        what="Reasons",
        help_text="Why the record is wrong; it stays in the case's history with this reason.",
    )
