"""Dashboard sockets on one worker: the connect burst, memory per socket, an idle soak
longer than the Redis layer's blocking read, agency events and broadcasts timed from the
publisher's commit to each frame, and every frame checked by the oracle.

Runs as its own process (``python -m bench.sockets``) so that its channel layer is the
one the server under test runs (``CHANNEL_LAYER``); the runner starts it once per layer.
"""

import argparse
import asyncio
import json
import random
import threading
import time
from collections import defaultdict
from pathlib import Path

import django

django.setup()

import httpx  # noqa: E402
import websockets  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from activity import live  # noqa: E402
from activity.kinds import EventKind  # noqa: E402
from agencies.models import Agency  # noqa: E402
from bench.measure import Sample, percentile  # noqa: E402
from bench.oracle import Oracle  # noqa: E402
from cases import access  # noqa: E402
from cases.models import Case  # noqa: E402
from cases.services.checks import case_ref  # noqa: E402


class Fleet:
    """Many sockets read by one event loop on a background thread; each frame's arrival
    is stamped with the same clock the publisher uses."""

    def __init__(self, ws_url: str, origin: str):
        self.ws_url, self.origin = ws_url, origin
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.arrivals: dict[int, list[float]] = defaultdict(list)  # event id -> stamps
        self.frames: list[tuple[int, dict]] = []  # checked by the oracle after the run
        self.sockets: list = []
        self.connect_errors = self.dropped = 0

    def run(self, coroutine, timeout=600):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _open(self, agency_id: int, token: str, gate: asyncio.Semaphore):
        async with gate:
            try:
                socket = await websockets.connect(
                    f"{self.ws_url}/ws/dashboard/",
                    origin=self.origin,
                    additional_headers={"Authorization": f"Bearer {token}"},
                    open_timeout=30,
                    ping_interval=None,
                    max_queue=None,
                )
                ready = json.loads(await asyncio.wait_for(socket.recv(), 30))
                if ready.get("type") != "ready":
                    raise RuntimeError(f"first frame {ready}")
            except Exception:
                self.connect_errors += 1
                return
        self.sockets.append(socket)
        asyncio.get_running_loop().create_task(self._read(socket, agency_id))

    async def _read(self, socket, agency_id: int):
        try:
            async for text in socket:
                stamp = time.perf_counter()
                frame = json.loads(text)
                if frame.get("type") == "heartbeat":
                    await socket.send(json.dumps({"type": "pong"}))
                elif "id" in frame:
                    self.arrivals[frame["id"]].append(stamp)
                    self.frames.append((agency_id, frame))
        except websockets.ConnectionClosed:
            pass
        if not getattr(socket, "closing_on_purpose", False):
            self.dropped += 1

    async def open_all(self, tokens: dict[int, list[str]]):
        gate = asyncio.Semaphore(200)
        await asyncio.gather(
            *(
                self._open(agency_id, token, gate)
                for agency_id, agency_tokens in tokens.items()
                for token in agency_tokens
            )
        )

    async def close_all(self):
        for socket in self.sockets:
            socket.closing_on_purpose = True
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)


def publish_timed(build) -> tuple[int, float]:
    """Publish inside a transaction; the clock starts when it commits, before the sends
    that the publisher queued for the commit (callbacks run in the order they were added)."""
    stamp = {}
    with transaction.atomic():
        transaction.on_commit(lambda: stamp.setdefault("t", time.perf_counter()))
        event = build()
    return event.pk, stamp["t"]


def agency_event(case: Case):
    return live.publish(
        EventKind.CASE_UPDATED,
        subject=case,
        payload={"case": case_ref(case), "fields": ["priority"], "status": case.status},
        agency_ids=access.case_agency_ids(case),
        until=access.access_until(case),
    )


def broadcast(agency_ids: list[int], number: int):
    subject = Agency.objects.order_by("pk").first()
    return live.publish(
        EventKind.MEETING_SCHEDULED,
        subject=subject,
        payload={"meeting": {"id": 0, "title": f"Statewide call {number}"}},
        agency_ids=agency_ids,
    )


def wait_for(fleet: Fleet, event_id: int, expected: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(fleet.arrivals[event_id]) < expected and time.monotonic() < deadline:
        time.sleep(0.005)


def main(args) -> dict:
    tokens = {int(k): v for k, v in json.loads(Path(args.tokens).read_text()).items()}
    oracle = Oracle(timezone.localdate())
    fleet = Fleet(args.ws_url, args.origin)
    rss_before = args.rss()
    started = time.perf_counter()
    fleet.run(fleet.open_all(tokens))
    connect_seconds = time.perf_counter() - started
    opened = len(fleet.sockets)
    time.sleep(2)
    rss_after = args.rss()

    # Idle longer than the layer's 5 s blocking read: sockets must live, health must answer.
    time.sleep(args.soak)
    health = httpx.get(f"{args.origin}/healthz", timeout=10).status_code

    rng = random.Random(7)
    agency_sample = Sample("agency event")
    for _ in range(args.events):
        agency_id = rng.choice(list(tokens))
        case = Case.objects.filter(lead_agency_id=agency_id).order_by("?").first()
        expected = sum(len(tokens.get(a, [])) for a in access.case_agency_ids(case))
        event_id, committed = publish_timed(lambda c=case: agency_event(c))
        wait_for(fleet, event_id, expected)
        agency_sample.millis += [(t - committed) * 1000 for t in fleet.arrivals[event_id]]
        agency_sample.errors += expected - len(fleet.arrivals[event_id])

    everyone = sorted(tokens)
    broadcast_sample, last_frame = Sample("broadcast"), []
    for number in range(args.broadcasts):
        event_id, committed = publish_timed(lambda n=number: broadcast(everyone, n))
        wait_for(fleet, event_id, opened, timeout=30)
        stamps = fleet.arrivals[event_id]
        broadcast_sample.millis += [(t - committed) * 1000 for t in stamps]
        broadcast_sample.errors += opened - len(stamps)
        last_frame.append((max(stamps) - committed) * 1000 if stamps else float("nan"))
    dropped_before_close = fleet.dropped
    fleet.run(fleet.close_all())
    # The oracle reads the database, which the readers' event loop must not wait on.
    for agency_id, frame in fleet.frames:
        oracle.check_frame("socket", agency_id, frame)
    return {
        "layer": args.layer,
        "sockets": sum(len(v) for v in tokens.values()),
        "opened": opened,
        "connect_errors": fleet.connect_errors,
        "connect_seconds": round(connect_seconds, 2),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "kb_per_socket": round((rss_after - rss_before) * 1024 / max(opened, 1), 1),
        "dropped": dropped_before_close,
        "healthz_with_sockets": health,
        "agency_event": agency_sample.as_dict(),
        "broadcast": broadcast_sample.as_dict(),
        "broadcast_last_frame_p95": round(percentile(last_frame, 0.95), 2),
        "oracle_checks": oracle.checked,
        "leaks": oracle.leaks[:20],
    }


def rss_of(pid: int):
    def read() -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    return read


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--ws-url", required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--pid", type=int, required=True, help="the worker's process id")
    parser.add_argument("--tokens", required=True, help="JSON file: agency id -> tokens")
    parser.add_argument("--layer", required=True)
    parser.add_argument("--soak", type=float, default=30)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--broadcasts", type=int, default=10)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    arguments.rss = rss_of(arguments.pid)
    result = main(arguments)
    Path(arguments.out).write_text(json.dumps(result, indent=2))
