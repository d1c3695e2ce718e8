"""E-mail to training registrants: the confirmation link, the registration (with the
training's calendar file and a cancel link), moving up from the waiting list, and the
certificate. Each message has a text and an HTML part rendered from templates
(``meetings/mail/<name>.txt`` and ``.html``); services send them after commit."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from meetings import ics, public
from meetings.models import Meeting, Registration

logger = logging.getLogger(__name__)


def training_facts(meeting: Meeting) -> dict:
    """What every message and public page says of a training."""
    starts, ends = public.daily_hours(meeting)
    return {
        "meeting": meeting,
        "days": public.training_days(meeting),
        "starts": starts,
        "ends": ends,
        "organisers": meeting.organisers or meeting.task_force.name,
        "hotline_name": settings.HOTLINE_NAME,
        "hotline_phone": settings.HOTLINE_PHONE,
        "page_url": public.site_url(reverse("public-training", args=[meeting.public_slug]))
        if meeting.public_slug
        else "",
    }


def _send(template: str, subject: str, to: str, context: dict, attachments=()) -> None:
    text = render_to_string(f"meetings/mail/{template}.txt", context)
    html = render_to_string(f"meetings/mail/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


def _links(registration: Registration) -> dict:
    token = public.registration_token(registration)
    return {
        "cancel_url": public.site_url(reverse("public-registration-cancel", args=[token])),
        "certificate_url": public.site_url(reverse("public-certificate", args=[token])),
    }


def _calendar(meeting: Meeting) -> list[tuple]:
    try:
        body = ics.calendar(
            [meeting],
            url_for=lambda m: training_facts(m)["page_url"] or public.site_url("/"),
            name=meeting.title,
        )
    except ics.RenderError:
        logger.warning("Training %s has no calendar file to attach.", meeting.pk)
        return []
    return [("training.ics", body, "text/calendar")]


def send_confirm_request(meeting: Meeting, registrant: dict, token: str) -> None:
    url = public.site_url(reverse("public-registration-confirm", args=[token]))
    context = {
        **training_facts(meeting),
        "registrant": registrant,
        "confirm_url": url,
        "hours": settings.PUBLIC_CONFIRM_HOURS,
    }
    _send("confirm", f"Confirm your registration: {meeting.title}", registrant["email"], context)


def send_registered(registration: Registration) -> None:
    meeting = registration.meeting
    context = {**training_facts(meeting), "registration": registration, **_links(registration)}
    subject = (
        f"You are registered: {meeting.title}"
        if registration.status == "confirmed"
        else f"You are on the waiting list: {meeting.title}"
    )
    _send("registered", subject, registration.contact_email, context, _calendar(meeting))


def send_moved_up(registration: Registration) -> None:
    if not registration.contact_email:
        return
    meeting = registration.meeting
    context = {**training_facts(meeting), "registration": registration, **_links(registration)}
    _send(
        "moved_up",
        f"A seat is yours: {meeting.title}",
        registration.contact_email,
        context,
        _calendar(meeting),
    )


def send_certificate(registration: Registration) -> None:
    meeting = registration.meeting
    context = {**training_facts(meeting), "registration": registration, **_links(registration)}
    _send(
        "certificate",
        f"Your certificate of completion: {meeting.title}",
        registration.contact_email,
        context,
    )
