"""Cursor pagination for the append-only lists ordered by id: the event log, the audit trail
and what is built like them (case notes).

DRF's ``CursorPagination`` puts the decoded position into the id filter unchecked, so a forged
cursor (``p=abc``, or an id past 64 bits) fails in the database with a 500, and it answers an
undecodable cursor with 404. Here both are bad input: a 400 in the API's error shape.
"""

from rest_framework import exceptions, pagination

from activity.live import parse_since

INVALID_CURSOR = "This cursor is not one the API gave: follow the next and previous links as given."


class DocumentedPageSize:
    """``page_size`` as the schema documents it, with its default and its maximum: a whole
    number from 1 to the maximum, anything else a 400 naming the parameter. (DRF gives the
    default for a page size it cannot read and the maximum for a larger one; a client that
    asks for 500 rows and silently gets 200 learns nothing.)"""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        digits = raw.isascii() and raw.isdigit() and len(raw) <= 9
        if not (digits and 1 <= int(raw) <= self.max_page_size):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page: {self.page_size} by default, at most {self.max_page_size}."
                )
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters


class IdCursorPagination(DocumentedPageSize, pagination.CursorPagination):
    """Pages by id (``ordering`` is ``"id"`` or ``"-id"``); subclasses choose the direction
    and page sizes."""

    ordering = "id"
    page_size_query_param = "page_size"

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from None
        if cursor is None or cursor.position is None:
            return cursor
        # The position is the id of the last row of the page before: a "since" like the
        # events'. DRF compares it with positions it reads from rows as text, so it stays text.
        try:
            position = str(parse_since(cursor.position))
        except ValueError:
            raise exceptions.ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from None
        return cursor._replace(position=position)
