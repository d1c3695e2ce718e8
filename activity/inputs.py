"""Input fields shared by every app's API, at the lowest floor so that each app may use them.

DRF's ``CharField`` turns a JSON number into text (``{"body": 0}`` saves the note "0"),
while the schema promises a string: a client that sends a number has a bug the API should
name rather than hide (found by `make fuzz`, Schemathesis' negative data).
"""

import django_filters
from django import forms
from rest_framework import serializers


class TextField(serializers.CharField):
    """A ``CharField`` that takes JSON strings only: a number, a boolean, a list or an
    object is a 400 naming the field."""

    default_error_messages = {"not_text": "Give text (a JSON string), not {kind}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text", kind=type(data).__name__)
        return super().to_internal_value(data)


class _StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``), absent for no filter; anything else is invalid.
    Django's NullBooleanField reads any other word as "unknown", so ``?active=null`` or
    ``?active=yes`` answered the whole list unfiltered, as if the filter was not given."""

    widget = forms.TextInput
    WORDS = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str) and value.lower() in self.WORDS:
            return self.WORDS[value.lower()]
        raise forms.ValidationError("Give true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A boolean query filter (documented as a boolean) that refuses what is not one: 400."""

    field_class = _StrictBooleanField
