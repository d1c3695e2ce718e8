"""A person's private calendar subscription."""

from django.db import transaction

from activity.services import audit_record
from meetings.models import (
    CalendarFeed,
)


def feed_for(user) -> CalendarFeed | None:
    """The person's subscription, if they made one (reading never creates it)."""
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def feed_rotate(*, actor) -> CalendarFeed:
    """Give the person a (new) subscription URL; an old one stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=actor)
        action = "calendar.feed_created"
    else:
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.save()
        action = "calendar.feed_rotated"
    audit_record(actor=actor, action=action, target=feed)
    return feed
