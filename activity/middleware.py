"""Request middleware that makes the caller's address available to services and keeps the
reads recorded during the request."""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from activity.request_context import begin_request, end_request


def _address(request) -> str | None:
    # REMOTE_ADDR is the peer uvicorn reports; behind a proxy, uvicorn's --proxy-headers
    # with --forwarded-allow-ips rewrites it from X-Forwarded-For, so it is not parsed here.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Sets the request's context for the audit trail, for sync and async views alike."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(self.get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        tokens = begin_request(_address(request))
        try:
            return self.get_response(request)
        finally:
            end_request(tokens)

    async def __acall__(self, request):
        tokens = begin_request(_address(request))
        try:
            return await self.get_response(request)
        finally:
            end_request(tokens)
