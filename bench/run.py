"""``make bench``: every workload of the benchmark in one run, on PostgreSQL and Redis.

    python -m bench.run --size quick|full

Creates (once) a database of the chosen size with ``generate_load``, then measures in
process (the portal's list, the naive way, the raw SQL floor, queries per request), over
HTTP against one production worker, 1,000 dashboard sockets on each channel layer, and
throughput against two workers. Writes ``bench/results/<size>.json``, ``<size>.md`` and
``<size>.png``; exits 1 when a target fails or the oracle saw a leak.
"""

import argparse
import json
import logging
import os
import secrets
import subprocess
import sys
from urllib.parse import urlsplit

from bench.measure import log
from bench.server import ROOT, server_environment

RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/crossroads_bench_{size}"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
SOCKETS_PER_AGENCY = 5


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def prepare(size_name: str) -> None:
    """Migrate, collect the static files production serves (pages name them by hash), and
    generate the data set unless the database already holds it."""
    from agencies.models import Agency
    from bench.dataset import SIZES
    from cases.models import Case

    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    size = SIZES[size_name]
    if Agency.objects.count() != size.agencies or Case.objects.count() != size.cases:
        log(f"generating the {size_name} data set")
        manage("generate_load", "--size", size_name, "--replace")


def dataset_counts() -> dict:
    """What the database holds when measured (the run adds notes and events of its own)."""
    from django.contrib.auth.models import User

    from activity.models import Event
    from agencies.models import Agency, TaskForce
    from cases.models import Case, CaseShare, Note

    return {
        "agencies": Agency.objects.count(),
        "task_forces": TaskForce.objects.count(),
        "people": User.objects.count(),
        "cases": Case.objects.count(),
        "shares": CaseShare.objects.count(),
        "notes": Note.objects.count(),
        "restricted_notes": Note.objects.filter(visibility="restricted").count(),
        "events": Event.objects.count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=["quick", "full"], default="full")
    size = parser.parse_args().size
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE.format(size=size))
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    env = server_environment(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=secrets.token_urlsafe(50),
        layer="pubsub",
    )
    os.environ.update(env)
    ensure_database(database_url)

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    prepare(size)

    from bench import report, workloads

    RESULTS.mkdir(exist_ok=True)
    results = workloads.run_all(size, env, RESULTS)
    results["size"] = size
    results["dataset"] = {"counts": dataset_counts()}
    (RESULTS / f"{size}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    verdicts = report.write(results, RESULTS / f"{size}.md", RESULTS / f"{size}.png")
    print((RESULTS / f"{size}.md").read_text())
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
