"""A worker stops within seconds of SIGTERM while dashboards are connected: a deploy or a
scale-in must not leave a process hanging on its open sockets."""

import asyncio
import signal
import time

import pytest
import websockets

from tests.e2e.server import AsgiServer

SOCKETS = 20


@pytest.fixture
def server(tmp_path):
    server = AsgiServer(tmp_path)
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("seed_demo")
    token = server.manage("issue_token", "--user", "kcpd.liaison", "--name", "shutdown test")
    server.token = token.strip().splitlines()[-1]
    server.start()
    yield server
    if server.process is not None:
        server.process.kill()


def test_sigterm_with_open_dashboards_ends_the_worker_promptly(server):
    url = server.url.replace("http://", "ws://") + "/ws/dashboard/"
    headers = {"Authorization": f"Bearer {server.token}", "Origin": server.url}

    async def hold_sockets_then_terminate():
        sockets = [
            await websockets.connect(url, additional_headers=headers) for _ in range(SOCKETS)
        ]
        for socket in sockets:
            assert '"ready"' in await asyncio.wait_for(socket.recv(), timeout=10)
        server.process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        while server.process.poll() is None and time.monotonic() - started < 30:
            await asyncio.sleep(0.1)
        return [socket.close_code for socket in sockets], time.monotonic() - started

    close_codes, waited = asyncio.run(hold_sockets_then_terminate())
    assert server.process.poll() is not None, "the worker still runs 30 s after SIGTERM"
    assert waited < 15
    # Every client was told the server is going away, so its dashboard reconnects.
    assert all(code is not None for code in close_codes)
    server.process = None
