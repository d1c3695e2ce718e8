"""The event log and its live fan-out.

``publish`` is called by services inside their transaction: it stores the event with its
audience and, once the transaction commits, rings each audience group through the channel
layer. The log is the truth; the channel layer is only the doorbell: when it is down the
write still succeeds and clients catch up with ``?since=``.
"""

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.dispatch import Signal

from activity.clock import policy_today
from activity.kinds import PAYLOAD_KEYS
from activity.models import Event, EventAudience

logger = logging.getLogger(__name__)


# Ids are 64-bit signed integers (BigAutoField) in every database the portal runs on: a larger
# number cannot name an event and overflows the query.
LARGEST_ID = 2**63 - 1


published = Signal()
"""An event was stored, inside the transaction that stored it.

Sent by ``publish`` with ``event`` and ``agency_ids`` (its agency audience). The agencies app
queues the event for its agencies' webhook endpoints in the same transaction, so a queued
delivery exists exactly when the event does.
"""


def parse_since(raw: str) -> int:
    """The id of the last event a client saw, from a query string or a cursor: ASCII digits
    within the range of an id. Raises ``ValueError`` for anything else (``str.isdigit`` alone
    accepts "²", which ``int`` refuses, and ``int`` alone accepts "٣" and ids no column holds).
    """
    if not (0 < len(raw) <= len(str(LARGEST_ID)) and raw.isascii() and raw.isdigit()):
        raise ValueError("Give the id of the last event seen: a whole number.")
    value = int(raw)
    if value > LARGEST_ID:
        raise ValueError(f"Give the id of the last event seen: at most {LARGEST_ID}.")
    return value


def agency_group(agency_id: int) -> str:
    return f"agency.{agency_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def key(obj: models.Model | None) -> str:
    """``app_label.model:pk``: how events name their subject."""
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


def frame(event: Event) -> dict:
    """The JSON an event travels as, on the socket and in the events API."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "created_at": event.created_at.isoformat(),
        "payload": event.payload,
    }


async def _send_all(layer, groups: list[str], message: dict) -> None:
    """Ring every group at once: the writer waits for the slowest send, not for their sum,
    and one failing group does not keep the message from the others."""
    results = await asyncio.gather(
        *(layer.group_send(group, message) for group in groups), return_exceptions=True
    )
    for group, result in zip(groups, results, strict=True):
        if isinstance(result, BaseException):
            logger.error("channel layer send to %s failed", group, exc_info=result)


def _send(groups: list[str], message: dict) -> None:
    # The event is in the log and clients replay it when they reconnect: a failed send is
    # logged, never raised into the request that committed it.
    layer = get_channel_layer()
    if layer is None or not groups:
        return
    try:
        async_to_sync(_send_all)(layer, groups, message)
    except Exception:
        logger.exception("channel layer send to %s failed", ", ".join(groups))


def json_payload(kind: str, payload: dict) -> dict:
    """The payload as plain JSON, checked against the keys its kind declares.

    Services hand over model values (datetimes, dates, decimals); the socket's JSON
    encoder and the Redis layer's msgpack know none of them, so they are turned into
    strings here, once, and the stored and the sent event are the same.
    """
    missing = PAYLOAD_KEYS[kind] - set(payload)
    if missing:
        raise ValueError(f"A {kind} payload needs {', '.join(sorted(missing))}.")
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def publish(
    kind: str,
    *,
    subject: models.Model,
    payload: dict,
    agency_ids: Iterable[int],
    user_ids: Iterable[int] = (),
    actor=None,
    detail: models.Model | None = None,
    until: Mapping[int, dt.date] | None = None,
) -> Event:
    """Store an event for the given audience and send it to them after commit. ``until``
    gives, for agencies whose access ends on a date, the last day they may replay it."""
    agency_ids, user_ids = sorted(set(agency_ids)), sorted(set(user_ids))
    payload = json_payload(kind, payload)
    event = Event.objects.create(
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        subject_key=key(subject),
        detail_key=key(detail),
        payload=payload,
    )
    EventAudience.objects.bulk_create(
        [EventAudience(event=event, agency_id=a, until=(until or {}).get(a)) for a in agency_ids]
        + [EventAudience(event=event, user_id=u) for u in user_ids]
    )
    event.refresh_from_db(fields=["created_at"])
    published.send(sender=Event, event=event, agency_ids=agency_ids)
    message = {"type": "event.forward", "event": frame(event)}
    groups = [agency_group(a) for a in agency_ids] + [user_group(u) for u in user_ids]
    transaction.on_commit(lambda: _send(groups, message))
    return event


def retract(
    *,
    agency_ids: Iterable[int] = (),
    user_ids: Iterable[int] = (),
    subject=None,
    detail=None,
    subjects: Iterable[models.Model] | None = None,
) -> int:
    """Remove agencies or people from the audience of past events about ``subject`` (or
    ``detail``, or any of ``subjects``): after access is taken away, replay no longer gives
    them these events. An empty ``subjects`` retracts nothing (never every event)."""
    if subject is None and detail is None and subjects is None:
        raise ValueError("Name the subject, detail or subjects whose events to retract.")
    events = Event.objects.all()
    if subject is not None:
        events = events.filter(subject_key=key(subject))
    if detail is not None:
        events = events.filter(detail_key=key(detail))
    if subjects is not None:
        subject_keys = [key(s) for s in subjects]
        if not subject_keys:
            return 0
        events = events.filter(subject_key__in=subject_keys)
    who = models.Q(agency_id__in=list(agency_ids)) | models.Q(user_id__in=list(user_ids))
    deleted, _ = EventAudience.objects.filter(who, event__in=events).delete()
    return deleted


def set_until(*, agency_ids: Iterable[int], subjects: Iterable[models.Model], until) -> int:
    """Date (or undate, with ``None``) the agencies' replay of past events about
    ``subjects``, when the share their access rests on gets a new end."""
    keys = [key(s) for s in subjects]
    return EventAudience.objects.filter(
        agency_id__in=list(agency_ids), event__subject_key__in=keys
    ).update(until=until)


def close_sockets(*, user_ids: Iterable[int] = (), agency_ids: Iterable[int] = ()) -> None:
    """Ask every open dashboard socket of these people or agencies to close (after commit)."""
    groups = [user_group(u) for u in user_ids] + [agency_group(a) for a in agency_ids]
    transaction.on_commit(lambda: _send(groups, {"type": "session.revoke"}))


def scrub(*, detail, fields: Iterable[str]) -> None:
    """Blank fields of the payloads of past events about ``detail`` (a redacted note's text
    must not come back through replay)."""
    for event in Event.objects.filter(detail_key=key(detail)):
        for section in event.payload.values():
            if isinstance(section, dict):
                for field in fields:
                    if field in section:
                        section[field] = ""
        event.payload["redacted"] = True
        event.save(update_fields=["payload"])


def _in_force() -> models.Q:
    return models.Q(until__isnull=True) | models.Q(until__gte=policy_today())


def agency_sees(*, event_id: int, agency_id: int) -> bool:
    """Whether the agency is in the event's audience today, as ``events_for`` decides it:
    a webhook asks this just before it sends."""
    return EventAudience.objects.filter(
        _in_force(), event_id=event_id, agency_id=agency_id
    ).exists()


def events_for(*, user, agency_id: int | None, since: int = 0):
    """Events after ``since`` whose audience includes the person or their agency, leaving
    out audience rows past their ``until``: one indexed subquery on the audience."""
    audience = models.Q(user_id=user.pk)
    if agency_id is not None:
        audience |= models.Q(agency_id=agency_id)
    in_force = _in_force()
    ids = EventAudience.objects.filter(audience, in_force, event_id__gt=since).values("event_id")
    return Event.objects.filter(pk__in=ids).order_by("id")
