"""API plumbing shared by every app: pagination and the one error shape.

Every API error is JSON of the form
``{"code": "<machine code>", "detail": "<human message>", "fields": {"<field>": ["..."]}}``;
``fields`` appears only for validation errors.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from activity.conditional import VersionConflict
from activity.idempotency import Replayed
from activity.pagination import DocumentedPageSize


class PageNumberPagination(DocumentedPageSize, pagination.PageNumberPagination):
    """Page-numbered lists; clients choose up to 200 rows a page with ``?page_size=``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                # Pages count from 1; a page that does not exist answers 404 (portal.schema).
                parameter["schema"] = {"type": "integer", "minimum": 1, "default": 1}
        return parameters


def _first_message(data) -> str:
    if isinstance(data, list) and data:
        return _first_message(data[0])
    if isinstance(data, dict) and data:
        key, value = next(iter(data.items()))
        message = _first_message(value)
        return message if key in ("non_field_errors", "detail") else f"{key}: {message}"
    return str(data)


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"The body is over the limit of {limit:,} bytes; send less at once.")


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_code = "precondition_failed"
    default_detail = "It changed since you read it; fetch it again and reapply your change."


def exception_handler(exc, context):
    """Render every DRF error in the documented shape.

    A model or service ``ValidationError`` is bad input too: it becomes a 400, never a 500.
    A missing object says only "Not found.", whatever it was.
    """
    if isinstance(exc, Replayed):
        record = exc.record
        headers = {**record.headers, "Idempotent-Replayed": "true"}
        return Response(record.body, status=record.status, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, VersionConflict):
        exc = PreconditionFailed()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer would be its HTML 400 page.
        exc = BodyTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "code": "invalid",
            "detail": _first_message(fields),
            "fields": fields,
        }
    else:
        detail = getattr(exc, "detail", str(exc))
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(detail),
        }
    return response


# CSRF protects a view's effects; this one has none. Without the exemption a write to an
# unknown path meets the CSRF middleware first and answers its HTML 403 page.
@csrf_exempt
def json_not_found(request, *args, **kwargs):
    """404 for unknown paths under /api/ answers JSON, like the rest of the API, whatever
    the method."""
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


def server_error(request, *args, **kwargs):
    """A 500 says as little as possible, in JSON under /api/ and as a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "server_error", "detail": "Something went wrong on our side."}, status=500
        )
    return defaults.server_error(request)
