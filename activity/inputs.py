"""Input fields shared by every app's API, at the lowest floor so that each app may use them.

DRF's ``CharField`` turns a JSON number into text (``{"body": 0}`` saves the note "0"),
while the schema promises a string: a client that sends a number has a bug the API should
name rather than hide (found by `make fuzz`, Schemathesis' negative data).
"""

from rest_framework import serializers


class TextField(serializers.CharField):
    """A ``CharField`` that takes JSON strings only: a number, a boolean, a list or an
    object is a 400 naming the field."""

    default_error_messages = {"not_text": "Give text (a JSON string), not {kind}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text", kind=type(data).__name__)
        return super().to_internal_value(data)
