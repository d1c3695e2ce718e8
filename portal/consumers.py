"""The dashboard socket, ``/ws/dashboard/``.

It authenticates (browser session, or ``Authorization: Bearer`` for integrations), joins
the person's agency group and personal group, replays what the person may see after
``?since=<event id>``, then forwards events as they are published. It decides nothing:
audiences were computed by the services when the events were published.

A browser's socket lives no longer than its session. At the handshake the session must be
live (``agencies.sessions``: not idle, not expired) and past the second step where one is
owed; its idle clock starts at the session's last activity (the activity cookie the
handshake carries). The page sends ``{"type": "active"}`` when the person uses it (and
renews the HTTP activity cookie through ``/session/active/`` at the same moment); at each
heartbeat, a socket whose session went idle, or reached its absolute expiry, or a token's
socket past its token's expiry, is closed with 4403.
"""

import asyncio
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from activity import live
from agencies.auth import BearerTokenAuthentication, agency_allows_login
from agencies.sessions import idle_limit, session_state
from agencies.signin import second_step, session_device

# Close codes (4000-4999 are the application's): the page shows why and stops retrying.
# A refusal is sent after accepting the handshake: closing before it answers HTTP 403, and
# the client never sees the code.
BAD_REQUEST = 4400
UNAUTHORIZED = 4401
REVOKED = 4403
SILENT_PEER = 4408


def _bearer_secret(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            parts = value.decode("latin-1").split()
            if len(parts) == 2 and parts[0].lower() == "bearer":
                return parts[1]
    return None


NOBODY = (None, None, None, None)


def _live_session(scope, user):
    """The last activity and the absolute expiry of the handshake's session, or ``None``
    when it ended or still owes the second step."""
    session = scope["session"]
    cookie = scope.get("cookies", {}).get(settings.SESSION_ACTIVITY_COOKIE_NAME)
    state = session_state(session, cookie)
    if state is None or state.ended is not None:
        return None
    if second_step(user, verified=session_device(user, session) is not None) is not None:
        return None
    return state


@database_sync_to_async
def _authenticate(scope):
    """The person behind the handshake, their agency id, when the socket must close (the
    token's or the session's expiry) and the session's last activity (``None`` for a
    token); ``NOBODY`` when nobody is."""
    user, expires_at, last_active = scope.get("user"), None, None
    if user is not None and user.is_authenticated:
        state = _live_session(scope, user)
        if state is None:
            return NOBODY
        expires_at, last_active = state.expires_at, state.last_activity
    else:
        secret = _bearer_secret(scope)
        if secret is None:
            return NOBODY
        try:
            client = scope.get("client") or (None,)
            user, token = BearerTokenAuthentication().authenticate_secret(secret, address=client[0])
        except AuthenticationFailed:
            return NOBODY
        expires_at = token.expires_at
    if not agency_allows_login(user):
        return NOBODY
    profile = getattr(user, "profile", None)
    agency_id = profile.agency_id if profile is not None else None
    return user, agency_id, expires_at, last_active


@database_sync_to_async
def _replay(user, agency_id, since: int) -> list[dict]:
    events = live.events_for(user=user, agency_id=agency_id, since=since)
    return [live.frame(event) for event in events[: settings.DASHBOARD_REPLAY_LIMIT]]


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    async def dispatch(self, message):
        # Channels closes stale database connections before every message, through a hop to
        # the one thread that runs sync code: a broadcast to 1,000 sockets queued 1,000 such
        # hops behind each other (p95 670 ms, benchmark). No handler here reads the database
        # but through database_sync_to_async, which closes them around its own work.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.user, agency_id, self.expires_at, self.last_active = await _authenticate(self.scope)
        if self.user is None:
            await self._refuse(UNAUTHORIZED)
            return
        try:
            since = self._since()
        except ValueError:
            await self._refuse(BAD_REQUEST)
            return
        self.joined = [live.user_group(self.user.pk)]
        if agency_id is not None:
            self.joined.append(live.agency_group(agency_id))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self.replayed: set[int] = set()
        if since is not None:
            for event in await _replay(self.user, agency_id, since):
                self.replayed.add(event["id"])
                await self.send_json(event)
        await self.send_json({"type": "ready"})
        self.last_heard = asyncio.get_running_loop().time()
        self.heartbeat = asyncio.create_task(self._beat())

    async def _refuse(self, code: int):
        await self.accept()
        await self.close(code=code)

    def _since(self) -> int | None:
        """The ``since`` of the query string, ``None`` without one; ``ValueError`` when it is
        not an event id."""
        values = parse_qs(self.scope.get("query_string", b"").decode()).get("since")
        return live.parse_since(values[0]) if values else None

    async def _beat(self):
        interval = settings.DASHBOARD_HEARTBEAT_SECONDS
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(interval)
            now = timezone.now()
            if self.expires_at is not None and now >= self.expires_at:
                await self.close(code=REVOKED)
                return
            if self.last_active is not None and now - self.last_active > idle_limit():
                await self.close(code=REVOKED)
                return
            if loop.time() - self.last_heard > 2 * interval:
                await self.close(code=SILENT_PEER)
                return
            await self.send_json({"type": "heartbeat"})

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Only JSON text is spoken here: anything else closes politely instead of raising,
        # which would drop the connection without a reason.
        if text_data is None:
            await self.close(code=BAD_REQUEST)
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.close(code=BAD_REQUEST)
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        # Any message from the page (its "pong") shows the connection is alive; only
        # "active" shows that a person is using it.
        self.last_heard = asyncio.get_running_loop().time()
        is_active = isinstance(content, dict) and content.get("type") == "active"
        if is_active and self.last_active is not None:
            self.last_active = timezone.now()

    async def event_forward(self, message):
        event = message["event"]
        if event["id"] in self.replayed:
            return
        await self.send_json(event)

    async def session_revoke(self, message):
        await self.close(code=REVOKED)

    async def disconnect(self, code):
        task = getattr(self, "heartbeat", None)
        if task is not None:
            task.cancel()
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
