"""What public registration for trainings rests on: the signed links sent by e-mail, and the
days of a training on which people are checked in.

Links carry no secret of their own: they are sealed or signed with the portal's key, so
nobody can make one. A confirmation link carries what the person typed, so nothing is
stored before the e-mail address is confirmed; it is sealed (``activity.sealed``: encrypted,
so the name, address and phone in it stay out of access logs and browser history) and
expires after ``PUBLIC_CONFIRM_HOURS``. Cancel and certificate links are signed
(``django.core.signing``) and name the registration and a digest of its e-mail address:
once the registrant's data is erased they open nothing.
"""

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing

from activity import sealed
from meetings import recurrence
from meetings.models import Meeting, Registration

CONFIRM_SALT = "meetings.public.confirm"
REGISTRATION_SALT = "meetings.public.registration"
# A training's days are counted up to this many (a meeting lasts at most 31 days).
MAX_DAYS = 31


class BadLink(Exception):
    """A link that was altered, has expired or no longer names anything."""


def confirm_token(meeting: Meeting, registrant: dict) -> str:
    return sealed.seal({"m": meeting.pk, **registrant}, purpose=CONFIRM_SALT)


def read_confirm_token(token: str) -> dict:
    """The meeting id (``m``) and what the person typed; ``BadLink`` when altered or old."""
    try:
        return sealed.unseal(
            token,
            purpose=CONFIRM_SALT,
            max_age=dt.timedelta(hours=settings.PUBLIC_CONFIRM_HOURS),
        )
    except sealed.Expired as exc:
        raise BadLink(
            "This confirmation link has expired. Register again to receive a new one."
        ) from exc
    except sealed.Unreadable as exc:
        raise BadLink("This link is not valid. Copy the whole link from the e-mail.") from exc


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def registration_token(registration: Registration) -> str:
    return signing.dumps(
        {"r": registration.pk, "h": _email_digest(registration.contact_email)},
        salt=REGISTRATION_SALT,
    )


def registration_from_token(token: str) -> Registration:
    """The registration a cancel or certificate link names; ``BadLink`` otherwise (also once
    the registrant's data was erased)."""
    try:
        data = signing.loads(token, salt=REGISTRATION_SALT)
        registration = Registration.objects.select_related("meeting", "user").get(pk=data["r"])
    except (signing.BadSignature, Registration.DoesNotExist, KeyError, TypeError) as exc:
        raise BadLink("This link is not valid. Copy the whole link from the e-mail.") from exc
    email = registration.contact_email
    if registration.erased_at is not None or not email or _email_digest(email) != data.get("h"):
        raise BadLink("This link is no longer valid.")
    return registration


def site_url(path: str) -> str:
    """An absolute link for an e-mail (``SITE_URL`` names the portal's address)."""
    return settings.SITE_URL.rstrip("/") + path


def training_days(meeting: Meeting) -> list[dt.date]:
    """The local dates on which the training meets: each occurrence of a repeating training
    (cancelled ones left out), or each date a single training spans."""
    tz = ZoneInfo(meeting.timezone)
    if meeting.recurrence:
        found = recurrence.occurrences(
            meeting, meeting.starts_at, meeting.starts_at + dt.timedelta(days=400)
        )
        days = sorted({o.starts_at.astimezone(tz).date() for o in found if not o.cancelled})
        return days[:MAX_DAYS]
    first = meeting.starts_at.astimezone(tz).date()
    last = (meeting.ends_at - dt.timedelta(microseconds=1)).astimezone(tz).date()
    span = min((last - first).days, MAX_DAYS - 1)
    return [first + dt.timedelta(days=n) for n in range(span + 1)]


def daily_hours(meeting: Meeting) -> tuple[dt.time, dt.time]:
    """The hours of a day of the training, in its zone."""
    tz = ZoneInfo(meeting.timezone)
    return meeting.starts_at.astimezone(tz).time(), meeting.ends_at.astimezone(tz).time()
