"""The one "today" that rules are decided on.

Pages show times in the viewer's zone (the frontend activates it per request), but whether a
share has expired, a membership is current or an event may still be replayed must not depend
on who is looking or which zone they picked on their profile: it is decided on the portal's
own zone, settings.TIME_ZONE, for the pages, the API and the socket alike.
"""

import datetime as dt

from django.utils import timezone


def policy_today() -> dt.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())
