"""Scale-out: two uvicorn processes on one PostgreSQL database and one Redis behave as one
portal. A note posted through worker A reaches a dashboard socket open on worker B, and only
the agencies that may see it; B serves the note at once. Runs once for each channel layer."""

import asyncio
import json
import os
import urllib.request
from dataclasses import dataclass

import pytest
from websockets.asyncio.client import ClientConnection, connect

from agencies.models import AgencyRole, TokenScope
from agencies.services import token_issue
from cases.models import AccessLevel
from tests.agencies.factories import AgencyFactory, MembershipFactory, TaskForceFactory, person
from tests.cases.factories import CaseFactory, CaseShareFactory
from tests.e2e.server import AsgiServer

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("REDIS_URL"),
        reason="two workers share PostgreSQL and Redis",
    ),
    pytest.mark.django_db(transaction=True),
]

STEP_TIMEOUT = 15  # seconds for any one frame, request or handshake
QUIET_SECONDS = 1  # how long a socket with no access must stay silent


@pytest.fixture(params=["core", "pubsub"])
def workers(request, tmp_path):
    """Workers A and B, started on the test's database and REDIS_URL, always stopped."""
    servers = []
    try:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            server = AsgiServer(tmp_path / name)
            server.use_test_database()
            server.env["CHANNEL_LAYER"] = request.param
            servers.append(server)
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@dataclass
class World:
    case_id: int
    writer: str  # agency 1, which opened the case: a write token
    reader: str  # agency 2, to which the case is shared
    outsider: str  # agency 3, in the task force but without the case


def token(user, scope=TokenScope.READ) -> str:
    return token_issue(actor=None, user=user, name="scale-out test", scope=scope)[1]


def make_world() -> World:
    task_force = TaskForceFactory()
    writer = person(task_force.lead_agency, role=AgencyRole.LIAISON)
    case = CaseFactory(task_force=task_force, actor=writer)
    share = CaseShareFactory(case=case, actor=writer, level=AccessLevel.VIEW)
    outsider = AgencyFactory()
    MembershipFactory(task_force=task_force, agency=outsider)
    return World(
        case_id=case.pk,
        writer=token(writer, TokenScope.WRITE),
        reader=token(person(share.agency)),
        outsider=token(person(outsider)),
    )


def api(server: AsgiServer, secret: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    # The URL is a test server on loopback, always http.
    request = urllib.request.Request(  # noqa: S310
        f"{server.url}{path}",
        data=data,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=STEP_TIMEOUT) as response:  # noqa: S310
        return json.loads(response.read())


def dashboard(server: AsgiServer, secret: str):
    return connect(
        server.url.replace("http://", "ws://") + "/ws/dashboard/",
        additional_headers={"Authorization": f"Bearer {secret}"},
        origin=server.url,
        open_timeout=STEP_TIMEOUT,
    )


async def next_event(socket: ClientConnection, timeout: float) -> dict:
    """The next event frame; heartbeats are answered so the server keeps the socket."""
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=timeout))
        if frame.get("type") == "heartbeat":
            await socket.send(json.dumps({"type": "pong"}))
            continue
        return frame


async def frames_within(socket: ClientConnection, seconds: float) -> list[dict]:
    frames = []
    try:
        async with asyncio.timeout(seconds):
            while True:
                frames.append(await next_event(socket, timeout=seconds))
    except TimeoutError:
        return frames


async def note_through_a_seen_on_b(world: World, a: AsgiServer, b: AsgiServer):
    notes = f"/api/v1/cases/{world.case_id}/notes/"
    async with dashboard(b, world.reader) as reader, dashboard(b, world.outsider) as outsider:
        for socket in (reader, outsider):
            # "ready" follows joining the groups: from here on, events reach the socket.
            assert await next_event(socket, STEP_TIMEOUT) == {"type": "ready"}
        posted = await asyncio.to_thread(api, a, world.writer, notes, {"body": "Seen on B"})
        listed = await asyncio.to_thread(api, b, world.reader, notes)
        event = await next_event(reader, STEP_TIMEOUT)
        leaked = await frames_within(outsider, QUIET_SECONDS)
    return posted, listed, event, leaked


def test_a_note_posted_on_one_worker_reaches_the_other(workers):
    a, b = workers
    world = make_world()
    posted, listed, event, leaked = asyncio.run(
        asyncio.wait_for(note_through_a_seen_on_b(world, a, b), timeout=4 * STEP_TIMEOUT)
    )
    assert [note["id"] for note in listed["results"]] == [posted["id"]]
    assert listed["results"][0]["body"] == "Seen on B"
    assert event["kind"] == "case.note_added"
    assert event["payload"]["note"]["id"] == posted["id"]
    assert event["payload"]["note"]["body"] == "Seen on B"
    assert leaked == []
