from django.conf import settings
from django.utils import timezone

from agencies import access
from agencies.signin import second_step


def portal(request):
    """What every page's layout needs: the hotline in the footer, the viewer's agency, the
    sections the policy opens to them, the system-use notice (sign-in pages), the idle limit
    (the page's keep-alive), the viewer's time zone, and whether the person still owes the
    second step of signing in (then the menu is not shown)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    profile = getattr(user, "profile", None) if signed_in else None
    verified = getattr(user, "is_verified", None)
    return {
        "hotline_name": settings.HOTLINE_NAME,
        "hotline_phone": settings.HOTLINE_PHONE,
        "viewer_agency": profile.agency if profile is not None else None,
        "can_manage_people": access.can_manage_people(user) if profile is not None else False,
        "system_use_notice": settings.SYSTEM_USE_NOTICE,
        "session_idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
        "signin_pending": signed_in
        and second_step(user, verified=bool(verified and verified())) is not None,
        "can_read_audit": signed_in and access.can_read_audit(user),
        # The zone the middleware activated: pages name it, scripts format times in it.
        "viewer_time_zone": timezone.get_current_timezone_name(),
    }
