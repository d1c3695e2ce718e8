from django.conf import settings

from agencies.access import can_read_audit


def portal(request):
    """What every page's layout needs: the hotline in the footer, the viewer's agency, and
    whether they read the audit trail (the link to it)."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return {
        "hotline_name": settings.HOTLINE_NAME,
        "hotline_phone": settings.HOTLINE_PHONE,
        "viewer_agency": profile.agency if profile is not None else None,
        "can_read_audit": user is not None and can_read_audit(user),
    }
