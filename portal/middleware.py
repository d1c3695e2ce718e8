"""Sign-in middleware: idle and expired sessions, and the second step owed before anything.

Each decides with ``agencies.sessions`` and ``agencies.signin`` and writes nothing to the
database: a read stays a read.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_otp.middleware import OTPMiddleware

from agencies.sessions import activity_cookie, idle_limit, session_state
from agencies.signin import SecondStep, second_step

ENDED_MESSAGES = {
    "idle": "You were signed out after {minutes} minutes without activity. Sign in again.",
    "expired": "Your session reached its time limit. Sign in again.",
}


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _anonymous():
    user = AnonymousUser()

    async def auser():
        return user

    return user, auser


class IdleSessionMiddleware:
    """A session idle past ``SESSION_IDLE_MINUTES`` or older than its absolute expiry is
    treated as signed out: the request is anonymous (pages send the person to sign in, the
    API answers 401/403) and the browser is told to drop the session cookie. Every response
    to a live session renews the signed activity cookie that ``agencies.sessions`` reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookie_name = settings.SESSION_ACTIVITY_COOKIE_NAME
        state = session_state(request.session, request.COOKIES.get(cookie_name))
        ended = state is not None and state.ended is not None
        if ended:
            request.user, request.auser = _anonymous()
            if not _is_api(request):
                minutes = int(idle_limit().total_seconds() // 60)
                messages.info(request, ENDED_MESSAGES[state.ended].format(minutes=minutes))
        response = self.get_response(request)
        if ended and not request.session.modified:
            response.delete_cookie(
                settings.SESSION_COOKIE_NAME,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        if request.user.is_authenticated and request.session.session_key:
            response.set_cookie(
                cookie_name,
                activity_cookie(request.session.session_key),
                max_age=int(idle_limit().total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        elif cookie_name in request.COOKIES:
            response.delete_cookie(cookie_name, samesite=settings.SESSION_COOKIE_SAMESITE)
        return response


class VerifiedDeviceMiddleware(OTPMiddleware):
    """django-otp's middleware: ``request.user.is_verified()`` says whether this session
    passed the second step. django-otp also drops a removed device's id from the session,
    which saves the session on a read; here the session is left as it is (the id of a
    removed device verifies nothing, and the next sign-in replaces it)."""

    @staticmethod
    def _finalize_device(request, user, device):
        if device is not None and (device.user_id != user.pk or not device.confirmed):
            return None
        return device


# Where a person who owes the second step may go: the step itself, signing out, and the
# keep-alive of the page they are on.
SECOND_STEP_ROUTES = {"login", "logout", "signin-verify", "mfa-enrol", "session-active"}


class SecondFactorMiddleware:
    """A signed-in person who owes the second step (``agencies.signin.second_step``) is led
    to it before any other page: to enter a code, or to set up an authenticator where the
    portal requires one. The API answers such a browser session 403 ``mfa_required``; bearer
    tokens are not sessions and are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or self._allowed(request):
            return self.get_response(request)
        step = second_step(user, verified=user.is_verified())
        if step is None:
            return self.get_response(request)
        if _is_api(request):
            response = JsonResponse(
                {
                    "code": "mfa_required",
                    "detail": "Finish signing in with your second factor, or use a token.",
                },
                status=403,
            )
            add_never_cache_headers(response)
            return response
        target = "signin-verify" if step is SecondStep.VERIFY else "mfa-enrol"
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else ""
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return HttpResponseRedirect(reverse(target) + query)

    @staticmethod
    def _allowed(request) -> bool:
        if _is_api(request) and request.headers.get("Authorization", "").lower().startswith(
            "bearer "
        ):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in SECOND_STEP_ROUTES


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """Django's conditional GET for the API only: every answer carries an ETag (the view's,
    or a digest of the body), and a GET with a current If-None-Match answers 304 without
    a body. Pages are left alone: they carry a CSRF token and change with every message.

    An answer that says nothing of caching is marked private: it holds what one caller may
    see, which no shared cache (a proxy, a CDN) may keep and hand to another."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return super().process_response(request, response)
