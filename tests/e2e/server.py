"""A real ASGI server (uvicorn, HTTP and websockets) on a demo database, for browser tests
that need live updates. It runs the code as deployed, in its own process."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

from django.db import connection

from bench.server import ROOT, free_port, uvicorn_command, wait_until_healthy


class AsgiServer:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "uvicorn.log"
        self.process = None
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        self.env.update(
            DJANGO_DEBUG="true",
            DJANGO_SETTINGS_MODULE="portal.settings",
            # Its own SQLite file: the browser tests never touch the suite's database.
            DATABASE_URL=f"sqlite:///{workdir / 'e2e.sqlite3'}",
            CROSSROADS_HEARTBEAT_SECONDS="5",
            # Evidence files of its own, beside its database.
            CROSSROADS_EVIDENCE_DIR=str(workdir / "evidence"),
        )

    def use_test_database(self, **query: str) -> None:
        """Serve the test's own PostgreSQL database (what a transactional test commits)
        instead of a SQLite file of its own; ``query`` adds connection parameters."""
        db = connection.settings_dict
        login = quote(db["USER"], safe="")
        if db["PASSWORD"]:
            login += ":" + quote(db["PASSWORD"], safe="")
        url = f"postgres://{login}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        self.env["DATABASE_URL"] = url + (f"?{urlencode(query)}" if query else "")

    def manage(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                uvicorn_command(self.port),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_healthy(self.url, self.process, self.log, seconds=30)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # A stop that hangs must not leave a server behind the test run.
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None
