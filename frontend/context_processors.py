from django.conf import settings

from agencies import access


def portal(request):
    """What every page's layout needs: the hotline in the footer, the viewer's agency and
    the sections the policy opens to them."""
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    return {
        "hotline_name": settings.HOTLINE_NAME,
        "hotline_phone": settings.HOTLINE_PHONE,
        "viewer_agency": profile.agency if profile is not None else None,
        "can_manage_people": access.can_manage_people(user) if profile is not None else False,
    }
