from django.conf import settings


def portal(request):
    """What every page's layout needs: the hotline in the footer and the viewer's agency."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return {
        "hotline_name": settings.HOTLINE_NAME,
        "hotline_phone": settings.HOTLINE_PHONE,
        "viewer_agency": profile.agency if profile is not None else None,
    }
