"""Page middleware: the viewer's time zone, and the portal's own error pages.

The viewer's time zone is active for the whole request of a page.

Which zone is decided by ``agencies.selectors.viewer_time_zone``; this only switches it on,
so every ``{{ dt }}`` and ``timezone.localtime`` of the request shows it. The API keeps the
portal's default zone: its times carry their offset, and integrations expect one stable form.
"""

import logging
import zoneinfo

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views import defaults

from agencies.selectors import viewer_time_zone

logger = logging.getLogger("django.request")


class ViewerTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_api(request):
            return self.get_response(request)
        try:
            zone = zoneinfo.ZoneInfo(viewer_time_zone(request.user))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            # A zone removed from the system's database since it was chosen: the default.
            zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class FriendlyErrorsMiddleware:
    """The portal's own 404, 403 and 500 pages, also in DEBUG (``make run``), where Django
    would otherwise answer a dead link with its debug page listing every URL of the portal
    and an error with a traceback. Without DEBUG Django's handlers render the same templates,
    so this does nothing there. API paths keep their JSON errors (DRF and ``portal.api``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG and not _is_api(request):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404:
                # CommonMiddleware (further out) still turns this into a redirect when the
                # path only lacks its trailing slash.
                return defaults.page_not_found(request, Http404())
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG or _is_api(request):
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, SuspiciousOperation | BadRequest):
            # Too many fields, a bad host...: a 400, as without debug, not a server error.
            return defaults.bad_request(request, exception)
        # The traceback goes to the console, where the developer running the portal reads it.
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return defaults.server_error(request)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")
