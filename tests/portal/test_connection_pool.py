"""Under ASGI every request runs in a fresh thread: without a pool each one opened (and kept)
its own PostgreSQL connection until the server refused new clients. A worker now holds at
most its pool's size, however many requests arrive at once."""

import os
import threading
import urllib.request

import pytest
from django.db import connection

from tests.e2e.server import AsgiServer

POOL_SIZE = 3
APPLICATION = "crossroads-pool-check"

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the connection pool is PostgreSQL's",
    ),
    pytest.mark.django_db(transaction=True),
]


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
        )
        return cursor.fetchone()[0]


def test_a_worker_holds_no_more_connections_than_its_pool(tmp_path):
    server = AsgiServer(tmp_path)
    server.use_test_database(application_name=APPLICATION)
    server.env["DATABASE_POOL_MAX_SIZE"] = str(POOL_SIZE)
    server.manage("seed_demo")
    token = server.manage("issue_token", "--user", "kcpd.liaison", "--name", "pool check")
    token = token.strip().splitlines()[-1]
    server.start()
    statuses, peak = [], [0]

    def request_many():
        for _ in range(15):
            # The URL is this test server on loopback, always http.
            request = urllib.request.Request(  # noqa: S310
                f"{server.url}/api/v1/cases/", headers={"Authorization": f"Bearer {token}"}
            )
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                statuses.append(response.status)

    try:
        threads = [threading.Thread(target=request_many) for _ in range(12)]
        for thread in threads:
            thread.start()
        # Counted from this thread only: the test's own connection is one, not one per client.
        while any(thread.is_alive() for thread in threads):
            peak[0] = max(peak[0], server_connections())
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    assert statuses == [200] * 180
    assert 0 < peak[0] <= POOL_SIZE
