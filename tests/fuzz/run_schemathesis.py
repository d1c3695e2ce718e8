"""`make fuzz`: Schemathesis against the running portal, over the demo data.

It builds a fresh SQLite database in a temporary directory (never the developer's
db.sqlite3), migrates it, loads the demo data, issues a write token to a demo liaison, starts
uvicorn on a free port of 127.0.0.1, waits for /healthz, runs every operation of
/api/schema/ and the stateful sequences its OpenAPI links describe, and stops the server
whatever happens. The exit code is Schemathesis' own (0: no failure).

Usage: python -m tests.fuzz.run_schemathesis [extra `st run` options]
Environment: FUZZ_MAX_EXAMPLES (per operation), FUZZ_SEED, FUZZ_TIME_BUDGET (seconds for the
whole Schemathesis run, after which it is stopped and the run fails).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.server import free_port, uvicorn_command, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# kcpd.liaison leads the demo's I-70 case (manage), contributes notes and answers meetings
# for KCPD: a token of theirs reaches the most of the API an agency's integration reaches.
FUZZ_USER = "kcpd.liaison"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
]
# Rates and limits the server is started with so that Schemathesis' volume of requests is
# not mistaken for abuse (a variable already set by the caller wins).
HIGH_LIMITS = {
    # A 429 is documented, but past the limits the fuzzer would test nothing else.
    "CROSSROADS_API_READ_RATE": "100000/min",
    "CROSSROADS_API_WRITE_RATE": "100000/min",
    "CROSSROADS_SIGNIN_ADDRESS_FAILURES": "100000",
}


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def schemathesis_command(base: str, token: str, report_dir: Path, extra: list[str]) -> list[str]:
    return [
        str(BIN / "st"),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{base}/api/schema/?format=json",
        "--url",
        base,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        os.environ.get("FUZZ_MAX_EXAMPLES", "25"),
        "--seed",
        os.environ.get("FUZZ_SEED", "20260310"),
        # No examples carried over from an earlier run: every run starts from the seed alone.
        "--generation-database",
        "none",
        # One worker: requests in one order, so the seed replays the same run.
        "--workers",
        "1",
        "--continue-on-failure",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-dir",
        str(report_dir),
        "--no-color",
        *extra,
    ]


def main(extra: list[str]) -> int:
    budget = float(os.environ.get("FUZZ_TIME_BUDGET", "600"))
    report_dir = ROOT / "test-artifacts" / "fuzz"
    with tempfile.TemporaryDirectory(prefix="crossroads-fuzz-") as tmp:
        env = {
            **HIGH_LIMITS,
            **os.environ,
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'fuzz.sqlite3'}",
            "CROSSROADS_REQUIRE_MFA": "false",
            "DJANGO_LOG_LEVEL": os.environ.get("DJANGO_LOG_LEVEL", "ERROR"),
        }
        print("== fuzz: migrating a fresh database and loading the demo data", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        token = (
            manage(env, "issue_token", "--user", FUZZ_USER, "--name", "fuzz", "--scope", "write")
            .strip()
            .splitlines()[-1]
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        print(f"== fuzz: starting uvicorn on {base}", flush=True)
        log = Path(tmp) / "uvicorn.log"
        with log.open("w") as output:
            server = subprocess.Popen(
                uvicorn_command(port, "--no-access-log"),
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_healthy(base, server, log, seconds=60)
            command = schemathesis_command(base, token, report_dir, extra)
            print(f"== fuzz: schemathesis as {FUZZ_USER} (at most {budget:.0f} s)", flush=True)
            started = time.monotonic()
            try:
                code = subprocess.run(command, cwd=ROOT, env=env, timeout=budget).returncode
            except subprocess.TimeoutExpired:
                print(f"== fuzz: stopped after the time budget of {budget:.0f} s", flush=True)
                return 1
            print(f"== fuzz: done in {time.monotonic() - started:.0f} s", flush=True)
            return code
        finally:
            stop(server)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
