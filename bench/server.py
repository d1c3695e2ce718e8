"""The portal as deployed, started for a benchmark run: uvicorn workers on PostgreSQL and
Redis, in production settings (no debug), stopped with the signal a supervisor sends."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uvicorn_command(port: int, *extra: str) -> list[str]:
    """The portal under uvicorn as deployed (Dockerfile, Makefile): open sockets never hold
    a stop for more than 10 s."""
    return [
        sys.executable, "-m", "uvicorn", "portal.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off",
        "--timeout-graceful-shutdown", "10", *extra,
    ]  # fmt: skip


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    """Return once ``/healthz`` answers 200; fail with the end of the server's log when the
    process ends first or the time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn stopped: {log.read_text()[-2000:]}")
        try:
            # The URL is a server this process started on loopback, always http.
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not answer within {seconds} s: {log.read_text()[-2000:]}")


def server_environment(*, database_url: str, redis_url: str, secret_key: str, layer: str) -> dict:
    """Production settings, except what a benchmark on plain HTTP at 127.0.0.1 needs: no
    HTTPS redirect, sign-in without a second factor (the bench issues its own tokens and
    sessions), and rate limits past what its load sends (it measures the portal, not the
    limits)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        CROSSROADS_REQUIRE_MFA="false",
        CROSSROADS_API_READ_RATE="1000000/min",
        CROSSROADS_API_WRITE_RATE="1000000/min",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CHANNEL_LAYER=layer,
    )
    return env


class Server:
    def __init__(self, env: dict, *, workers: int, log: Path):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log_path = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        quiet = ("--workers", str(self.workers), "--no-access-log", "--log-level", "warning")
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                uvicorn_command(self.port, *quiet),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_healthy(self.url, self.process, self.log_path, seconds=60)

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn itself with one worker, else its
        children."""
        if self.workers == 1:
            return [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def rss_megabytes(self) -> float:
        """Resident memory of the serving processes, from /proc."""
        total_kb = 0
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        return total_kb / 1024

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise RuntimeError("the server did not stop within 30 s of SIGTERM") from None
