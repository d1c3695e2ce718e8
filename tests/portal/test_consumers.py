"""The dashboard socket: who may connect, who hears what, replay, revocation, closing.

Runs on the in-memory channel layer by default and on Redis when REDIS_URL is set (CI).
"""

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client

from agencies.services import agency_set_active, person_set_active
from cases import services
from cases.models import NoteVisibility
from portal.asgi import application
from tests.cases.factories import NoteFactory
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def socket(cookie=None, *, since=None, origin=ORIGIN, extra=()):
    """A socket for a session ``cookie`` (from ``session_cookie``, made before the event loop
    runs: logging in touches the database)."""
    headers = [(b"host", b"localhost"), *extra]
    if origin is not None:
        headers.append(origin)
    if cookie is not None:
        headers.append((b"cookie", cookie))
    path = "/ws/dashboard/" + (f"?since={since}" if since is not None else "")
    return WebsocketCommunicator(application, path, headers=headers)


async def connect(communicator):
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert (await communicator.receive_json_from(timeout=5)) == {"type": "ready"}
    return communicator


async def frames_until_quiet(communicator) -> list[dict]:
    frames = []
    while not await communicator.receive_nothing(timeout=0.3):
        frame = await communicator.receive_json_from(timeout=2)
        if frame.get("type") != "heartbeat":
            frames.append(frame)
    return frames


def run(coroutine):
    return async_to_sync(coroutine)()


async def closed_after_accept(communicator) -> int:
    """Connects and returns the close code that follows: the client sees why it was refused."""
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close"
    return message["code"]


def test_an_anonymous_handshake_is_accepted_then_closed_with_4401():
    async def scenario():
        assert await closed_after_accept(socket()) == 4401

    run(scenario)


def test_a_wrong_or_missing_origin_is_refused_at_the_handshake(personas):
    cookies = {p: session_cookie(personas.user(p)) for p in ["manager"]}

    async def scenario():
        # Channels' origin check answers the handshake with 403 before any consumer runs.
        wrong = socket(cookies["manager"], origin=(b"origin", b"https://evil.example"))
        assert (await wrong.connect(timeout=5))[0] is False
        missing = socket(cookies["manager"], origin=None)
        assert (await missing.connect(timeout=5))[0] is False

    run(scenario)


def test_an_integration_connects_with_a_bearer_token(personas):
    from agencies.services import token_issue

    _, secret = token_issue(actor=None, user=personas.user("viewer"), name="rms")

    async def scenario():
        communicator = socket(extra=[(b"authorization", f"Bearer {secret}".encode())])
        await connect(communicator)
        await communicator.disconnect()

    run(scenario)


def test_a_bad_token_handshake_is_accepted_then_closed_with_4401():
    async def scenario():
        bad = socket(extra=[(b"authorization", b"Bearer nope")])
        assert await closed_after_accept(bad) == 4401
        malformed = socket(extra=[(b"authorization", b"Bearer")])
        assert await closed_after_accept(malformed) == 4401

    run(scenario)


@pytest.mark.parametrize(
    "since", ["10000000000000000000000000", "9223372036854775808", "%C2%B2", "-1", "abc"]
)
def test_a_since_that_is_not_an_event_id_closes_the_socket_with_4400(personas, since):
    cookie = session_cookie(personas.user("viewer"))

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            f"/ws/dashboard/?since={since}",
            headers=[(b"host", b"localhost"), ORIGIN, (b"cookie", cookie)],
        )
        assert await closed_after_accept(communicator) == 4400

    run(scenario)


@pytest.mark.parametrize(
    "message", [{"text_data": "not json"}, {"text_data": "{"}, {"bytes_data": b"\x00"}]
)
def test_a_message_that_is_not_json_text_closes_the_socket_with_4400(personas, message):
    cookie = session_cookie(personas.user("viewer"))

    async def scenario():
        communicator = await connect(socket(cookie))
        await communicator.send_to(**message)
        reply = await communicator.receive_output(timeout=5)
        assert (reply["type"], reply["code"]) == ("websocket.close", 4400)

    run(scenario)


def test_a_restricted_note_reaches_only_its_agencies(personas, shared_case):
    cookies = {p: session_cookie(personas.user(p)) for p in ["manager", "member", "viewer"]}

    async def scenario():
        manager = await connect(socket(cookies["manager"]))
        viewer = await connect(socket(cookies["viewer"]))
        outsider = await connect(socket(cookies["member"]))
        await database_sync_to_async(services.note_add)(
            actor=personas.user("contributor"),
            case=shared_case,
            body="Only for the manager: plate KZ-7741",
            visibility=NoteVisibility.RESTRICTED,
            restricted_to=[personas.agency("manager")],
        )
        (event,) = await frames_until_quiet(manager)
        assert event["kind"] == "case.note_added"
        assert event["payload"]["note"]["body"] == "Only for the manager: plate KZ-7741"
        assert set(event) == {"id", "kind", "created_at", "payload"}
        assert await frames_until_quiet(viewer) == []
        assert await frames_until_quiet(outsider) == []
        for communicator in (manager, viewer, outsider):
            await communicator.disconnect()

    run(scenario)


def test_a_case_wide_note_reaches_every_agency_with_access_and_nobody_else(personas, shared_case):
    cookies = {p: session_cookie(personas.user(p)) for p in ["other", "viewer"]}

    async def scenario():
        viewer = await connect(socket(cookies["viewer"]))
        outsider = await connect(socket(cookies["other"]))
        await database_sync_to_async(services.note_add)(
            actor=personas.user("manager"), case=shared_case, body="Warrant signed"
        )
        frames = await frames_until_quiet(viewer)
        assert [f["payload"]["note"]["body"] for f in frames] == ["Warrant signed"]
        assert await frames_until_quiet(outsider) == []
        await viewer.disconnect()
        await outsider.disconnect()

    run(scenario)


def test_replay_gives_exactly_the_missed_visible_events(personas, shared_case):
    cookies = {p: session_cookie(personas.user(p)) for p in ["viewer"]}
    from activity.models import Event

    last_seen = Event.objects.latest("id").pk
    NoteFactory(actor=personas.user("manager"), case=shared_case, body="missed one")
    NoteFactory(
        actor=personas.user("contributor"),
        case=shared_case,
        body="restricted miss",
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("manager")],
    )
    NoteFactory(actor=personas.user("manager"), case=shared_case, body="missed two")

    async def scenario():
        viewer = socket(cookies["viewer"], since=last_seen)
        connected, _ = await viewer.connect(timeout=5)
        assert connected
        bodies = []
        while True:
            frame = await viewer.receive_json_from(timeout=5)
            if frame.get("type") == "ready":
                break
            bodies.append(frame["payload"]["note"]["body"])
        assert bodies == ["missed one", "missed two"]
        await viewer.disconnect()

    run(scenario)


def test_revoked_access_stops_live_events_and_replay(personas, shared_case, case_notes):
    cookies = {p: session_cookie(personas.user(p)) for p in ["viewer"]}

    async def scenario():
        viewer = await connect(socket(cookies["viewer"]))
        await database_sync_to_async(services.case_unshare)(
            actor=personas.user("manager"),
            case=shared_case,
            agency=personas.agency("viewer"),
        )
        (notice,) = await frames_until_quiet(viewer)
        assert notice["kind"] == "case.withdrawn"
        assert notice["payload"] == {"case": {"id": shared_case.pk}, "reason": "revoked"}
        await database_sync_to_async(services.note_add)(
            actor=personas.user("manager"), case=shared_case, body="after revocation"
        )
        assert await frames_until_quiet(viewer) == []
        await viewer.disconnect()
        replay = socket(cookies["viewer"], since=0)
        await replay.connect(timeout=5)
        kinds = []
        while True:
            frame = await replay.receive_json_from(timeout=5)
            if frame.get("type") == "ready":
                break
            kinds.append(frame["kind"])
        assert kinds == ["case.withdrawn"]
        await replay.disconnect()

    run(scenario)


def test_deactivation_closes_open_sockets(personas):
    cookies = {p: session_cookie(personas.user(p)) for p in ["contributor", "viewer"]}

    async def scenario():
        viewer = await connect(socket(cookies["viewer"]))
        await database_sync_to_async(person_set_active)(
            actor=None, user=personas.user("viewer"), active=False
        )
        assert (await viewer.receive_output(timeout=5))["type"] == "websocket.close"
        member = await connect(socket(cookies["contributor"]))
        await database_sync_to_async(agency_set_active)(
            actor=None, agency=personas.agency("contributor"), active=False
        )
        message = await member.receive_output(timeout=5)
        assert (message["type"], message["code"]) == ("websocket.close", 4403)

    run(scenario)


def test_signing_out_closes_the_persons_sockets(personas):
    user = personas.user("viewer")
    cookie = session_cookie(user)

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            "/ws/dashboard/",
            headers=[(b"host", b"localhost"), ORIGIN, (b"cookie", cookie)],
        )
        await connect(communicator)
        client = Client()
        client.cookies["sessionid"] = cookie.decode().split("=", 1)[1]
        await database_sync_to_async(client.post)("/logout/")
        assert (await communicator.receive_output(timeout=5))["type"] == "websocket.close"

    run(scenario)


def test_the_heartbeat_flows_and_a_silent_peer_is_dropped(personas, settings):
    cookies = {p: session_cookie(personas.user(p)) for p in ["viewer"]}
    settings.DASHBOARD_HEARTBEAT_SECONDS = 0.2

    async def scenario():
        communicator = await connect(socket(cookies["viewer"]))
        assert (await communicator.receive_json_from(timeout=2)) == {"type": "heartbeat"}
        # No pong: after two silent intervals the server closes the socket.
        message = await communicator.receive_output(timeout=3)
        while message["type"] == "websocket.send":
            message = await communicator.receive_output(timeout=3)
        assert (message["type"], message["code"]) == ("websocket.close", 4408)

    run(scenario)


def test_the_events_api_gives_the_same_stream(personas, shared_case):
    NoteFactory(
        actor=personas.user("contributor"),
        case=shared_case,
        body="api restricted",
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("manager")],
    )
    viewer = bearer_client(personas.user("viewer")).get("/api/v1/events/?since=0").json()
    manager = bearer_client(personas.user("manager")).get("/api/v1/events/?since=0").json()
    other = bearer_client(personas.user("other")).get("/api/v1/events/?since=0").json()
    assert "api restricted" not in str(viewer)
    assert "api restricted" in str(manager)
    assert other["results"] == []
    ids = [e["id"] for e in manager["results"]]
    assert ids == sorted(ids)
    after = bearer_client(personas.user("manager")).get(f"/api/v1/events/?since={ids[-1]}")
    assert after.json()["results"] == []
    bad = bearer_client(personas.user("manager")).get("/api/v1/events/?since=abc")
    assert bad.status_code == 400


def test_moving_a_person_to_another_agency_closes_their_sockets(personas):
    from agencies.services import person_change_agency

    cookies = {p: session_cookie(personas.user(p)) for p in ["viewer"]}

    async def scenario():
        viewer = await connect(socket(cookies["viewer"]))
        await database_sync_to_async(person_change_agency)(
            actor=None,
            profile=personas.user("viewer").profile,
            agency=personas.agency("member"),
        )
        message = await viewer.receive_output(timeout=5)
        assert (message["type"], message["code"]) == ("websocket.close", 4403)

    run(scenario)


def test_revoking_a_token_closes_its_socket(personas):
    from agencies.models import ApiToken
    from agencies.services import token_issue, token_revoke

    token, secret = token_issue(actor=None, user=personas.user("viewer"), name="rms")

    async def scenario():
        communicator = await connect(
            socket(extra=[(b"authorization", f"Bearer {secret}".encode())])
        )
        await database_sync_to_async(token_revoke)(actor=None, token=token)
        message = await communicator.receive_output(timeout=5)
        assert (message["type"], message["code"]) == ("websocket.close", 4403)

    run(scenario)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_an_expired_token_ends_its_socket_at_the_next_heartbeat(personas, settings):
    import datetime as dt

    from django.utils import timezone

    from agencies.models import ApiToken
    from agencies.services import token_issue

    settings.DASHBOARD_HEARTBEAT_SECONDS = 0.2
    token, secret = token_issue(actor=None, user=personas.user("viewer"), name="rms")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(seconds=1))

    async def scenario():
        communicator = await connect(
            socket(extra=[(b"authorization", f"Bearer {secret}".encode())])
        )
        # Answer every heartbeat, so only the expiry can end the socket.
        while True:
            message = await communicator.receive_output(timeout=5)
            if message["type"] != "websocket.send":
                break
            await communicator.send_json_to({"type": "pong"})
        assert (message["type"], message["code"]) == ("websocket.close", 4403)

    run(scenario)


def test_meeting_events_reach_open_sockets_without_closing_them(personas):
    from meetings import services as meeting_services
    from tests.clock import soon

    coordinator = personas.user("coordinator")
    cookies = {p: session_cookie(personas.user(p)) for p in ["viewer"]}

    async def scenario():
        viewer = await connect(socket(cookies["viewer"]))
        meeting, _ = await database_sync_to_async(meeting_services.meeting_schedule)(
            actor=coordinator,
            task_force=personas.task_force,
            title="Joint briefing",
            kind="operation_briefing",
            starts_at=soon(2),
            ends_at=soon(2, 11),
            invited_agencies=[personas.agency("viewer")],
        )
        await database_sync_to_async(meeting_services.meeting_update)(
            actor=coordinator, meeting=meeting, starts_at=soon(3), ends_at=soon(3, 11)
        )
        frames = await frames_until_quiet(viewer)
        assert [f["kind"] for f in frames] == ["meeting.scheduled", "meeting.updated"]
        moved_to = frames[1]["payload"]["meeting"]["starts_at"]
        assert dt.datetime.fromisoformat(moved_to) == soon(3)
        # The socket is still open: a heartbeat answer goes through and nothing closes it.
        await viewer.send_json_to({"type": "pong"})
        assert await viewer.receive_nothing(timeout=0.3)
        await viewer.disconnect()

    run(scenario)


def test_forwarding_an_event_never_waits_for_the_sync_thread(personas, shared_case, monkeypatch):
    """Channels closes stale database connections before each message through the one
    thread that runs sync code; frames of a broadcast queued behind each other there. The
    dashboard's handlers do without it, and the frame still arrives."""
    hops = []

    async def counted():
        hops.append(1)

    monkeypatch.setattr("channels.consumer.aclose_old_connections", counted)
    cookie = session_cookie(personas.user("viewer"))

    async def scenario():
        viewer = await connect(socket(cookie))
        await viewer.send_json_to({"type": "active"})
        await database_sync_to_async(services.note_add)(
            actor=personas.user("manager"), case=shared_case, body="Warrant signed"
        )
        frames = await frames_until_quiet(viewer)
        assert [f["payload"]["note"]["body"] for f in frames] == ["Warrant signed"]
        await viewer.disconnect()

    run(scenario)
    assert hops == []
