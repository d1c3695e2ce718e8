"""The benchmark's workloads, in the order one run takes them."""

import datetime as dt
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.contrib.auth.models import Permission, User
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from agencies.models import AgencyRole, ApiToken, TokenScope
from agencies.services.tokens import token_issue
from bench import http_load, inprocess
from bench.http_load import Caller
from bench.measure import Sample, log, timed
from bench.oracle import Oracle
from bench.server import ROOT, Server
from cases.models import Note
from reports.periods import quarter_bounds

CALLERS = 100
TOKEN_NAME = "benchmark"


def liaison_of(agency_id: int) -> User:
    return (
        User.objects.filter(profile__agency_id=agency_id, profile__role=AgencyRole.LIAISON)
        .select_related("profile__agency")
        .order_by("pk")
        .first()
    )


def issue(user: User, scope: str = TokenScope.WRITE) -> str:
    return token_issue(actor=user, user=user, name=TOKEN_NAME, scope=scope)[1]


def sample_callers(oracle: Oracle) -> list[Caller]:
    """Liaisons of ``CALLERS`` agencies spread evenly over the range of case loads, the
    largest and the smallest included."""
    from agencies.models import Agency

    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    loads = sorted(
        (len(oracle.visible_cases(a)), a) for a in Agency.objects.values_list("pk", flat=True)
    )
    step = max(len(loads) / CALLERS, 1)
    picked = {loads[min(int(i * step), len(loads) - 1)] for i in range(CALLERS)} | {loads[-1]}
    callers = []
    for visible, agency_id in sorted(picked):
        user = liaison_of(agency_id)
        callers.append(Caller(user, user.profile.agency, visible, issue(user)))
    return callers


def in_process(callers: list[Caller], oracle: Oracle, database_url: str, repeat: int) -> dict:
    """The portal's list against the naive way and the raw SQL floor, per agency."""
    view = Permission.objects.get(codename="view_case").pk
    floor = inprocess.RawFloor(database_url, view, timezone.localdate())
    per_agency = []
    try:
        for caller in callers:
            portal, naive, raw = Sample("portal"), Sample("naive"), Sample("raw")
            for _ in range(repeat):
                rows = timed(portal, inprocess.portal_page, caller.user)
                timed(raw, floor.page, caller.agency)
            oracle.check_first_page("in-process list", caller.agency.pk, [r[0] for r in rows])
            for _ in range(max(repeat // 3, 2)):
                naive_rows = timed(naive, inprocess.naive_page, caller.user)
            if [r[:2] for r in naive_rows] != [r[:2] for r in rows]:
                oracle.leaks.append(f"naive and portal pages differ for agency {caller.agency.pk}")
            per_agency.append(
                {
                    "agency": caller.agency.pk,
                    "visible": caller.visible,
                    "portal": portal.as_dict(),
                    "naive": naive.as_dict(),
                    "raw": raw.as_dict(),
                }
            )
    finally:
        floor.close()
    return {"per_agency": per_agency}


def session_cookies(user: User) -> dict:
    client = Client()
    client.force_login(user)
    return {name: morsel.value for name, morsel in client.cookies.items()}


def queries(smallest: Caller, largest: Caller) -> dict:
    """Queries per request for the smallest and the largest agency: constant is the goal."""
    counts = {}
    for label, caller in (("smallest", smallest), ("largest", largest)):
        counts[label] = {
            "api_case_list": inprocess.queries_per_request(
                caller.user, "/api/v1/cases/", token=caller.token
            ),
            "api_deep_page": inprocess.queries_per_request(
                caller.user,
                f"/api/v1/cases/?page={max(1, -(-caller.visible // 50))}",
                token=caller.token,
            ),
            "cases_page": inprocess.queries_per_request(caller.user, "/cases/"),
            "dashboard_page": inprocess.queries_per_request(caller.user, "/"),
        }
    return counts


def busiest_case(agency_id: int) -> int:
    return (
        Note.objects.filter(case__lead_agency_id=agency_id, visibility="case")
        .values("case_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["case_id"]
    )


def over_http(server: Server, callers: list[Caller], oracle: Oracle, repeat: int) -> dict:
    url, largest = server.url, callers[-1]
    samples = {
        name: Sample(name)
        for name in (
            "case_list_largest",
            "deep_page_largest",
            "case_detail",
            "notes_page",
            "note_creation",
            "events_since",
            "dashboard",
            "healthz",
            "task_force_report",
            "task_force_report_previous",
        )
    }
    per_agency = []
    for caller in callers:
        sample = Sample("case list")
        http_load.case_list(url, caller, oracle, sample, repeat=max(repeat // 5, 3))
        per_agency.append(
            {"agency": caller.agency.pk, "visible": caller.visible, "http": sample.as_dict()}
        )
    http_load.healthz(url, samples["healthz"], repeat=repeat * 2)
    http_load.case_list(url, largest, oracle, samples["case_list_largest"], repeat=repeat * 2)
    http_load.deep_page(url, largest, oracle, samples["deep_page_largest"], repeat=repeat)
    for caller in [*random.Random(3).sample(callers, 10), largest]:
        case_id = busiest_case(caller.agency.pk)
        http_load.case_with_notes(
            url,
            caller,
            case_id,
            oracle,
            samples["case_detail"],
            samples["notes_page"],
            repeat=max(repeat // 10, 2),
        )
        http_load.note_creation(
            url, caller, case_id, samples["note_creation"], repeat=max(repeat // 10, 2)
        )
        http_load.events_since(
            url, caller, 0, oracle, samples["events_since"], repeat=max(repeat // 10, 2)
        )
        http_load.dashboard(
            url, session_cookies(caller.user), samples["dashboard"], repeat=max(repeat // 10, 2)
        )
    coordinator, task_force_id = busiest_task_force_coordinator()
    http_load.task_force_report(
        url, coordinator, task_force_id, samples["task_force_report"], repeat=repeat
    )
    # A task force report covers one calendar quarter: the second sample is the whole
    # quarter before the current one.
    first, last = quarter_bounds(quarter_bounds(timezone.localdate())[0] - dt.timedelta(days=1))
    http_load.task_force_report(
        url,
        coordinator,
        task_force_id,
        samples["task_force_report_previous"],
        repeat=max(repeat // 2, 5),
        **{"from": first.isoformat(), "to": last.isoformat()},
    )
    return {"per_agency": per_agency, **{k: v.as_dict() for k, v in samples.items()}}


def busiest_task_force_coordinator() -> tuple[Caller, int]:
    """A coordinator of the task force with the most cases, with a read token."""
    from agencies.models import TaskForce

    task_force = TaskForce.objects.annotate(n=Count("cases")).order_by("-n", "pk").first()
    user = task_force.coordinators.select_related("profile__agency").order_by("pk").first()
    caller = Caller(user, user.profile.agency, 0, issue(user, scope=TokenScope.READ))
    return caller, task_force.pk


def redis_floor(redis_url: str, repeat: int = 200) -> dict:
    """Publish to receive on a bare Redis connection: the least a live frame can take."""
    sample = Sample("redis")
    client = redis.Redis.from_url(redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe("bench-floor")
    try:
        for number in range(repeat):
            started = time.perf_counter()
            client.publish("bench-floor", str(number))
            while pubsub.get_message(timeout=1) is None:
                pass
            sample.add(started)
    finally:
        pubsub.close()
        client.close()
    return sample.as_dict()


def socket_tokens(path: Path) -> Path:
    """Five read tokens per agency, one per dashboard the socket run opens."""
    from agencies.models import Agency

    tokens = {}
    for agency_id in Agency.objects.values_list("pk", flat=True):
        user = liaison_of(agency_id)
        tokens[agency_id] = [issue(user, TokenScope.READ) for _ in range(5)]
    path.write_text(json.dumps(tokens))
    return path


def sockets(env: dict, layer: str, tokens: Path, results: Path, soak: float) -> dict:
    out = results / f"sockets-{layer}.json"
    with Server({**env, "CHANNEL_LAYER": layer}, workers=1, log=results / "server.log") as server:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.sockets",
                "--ws-url",
                server.ws_url,
                "--origin",
                server.url,
                "--pid",
                str(server.worker_pids()[0]),
                "--tokens",
                str(tokens),
                "--layer",
                layer,
                "--soak",
                str(soak),
                "--out",
                str(out),
            ],
            cwd=ROOT,
            env={**env, "CHANNEL_LAYER": layer},
            check=True,
        )
    return json.loads(out.read_text())


def throughput(env: dict, callers: list[Caller], results: Path, seconds: float) -> dict:
    tokens = [caller.token for caller in callers[-16:]]
    with Server(env, workers=2, log=results / "server.log") as server:
        http_load.throughput(server.url, "/healthz", [], seconds=2)  # warm both workers
        bare = http_load.throughput(server.url, "/healthz", [], seconds=seconds)
        listed = http_load.throughput(server.url, "/api/v1/cases/", tokens, seconds=seconds)
    return {"healthz": bare, "case_list": listed}


def run_all(size: str, env: dict, results: Path) -> dict:
    """Every workload; what is measured so far is saved after each phase."""
    out: dict = {}
    partial = results / f"{size}.partial.json"

    def save():
        partial.write_text(json.dumps(out, indent=2, default=str))

    quick = size == "quick"
    repeat = 30 if quick else 50
    oracle = Oracle(timezone.localdate())
    log("sampling liaisons and issuing tokens")
    callers = sample_callers(oracle)
    log(f"in process: {len(callers)} agencies")
    out["in_process"] = in_process(callers, oracle, env["DATABASE_URL"], repeat // 3)
    out["queries"] = queries(callers[0], callers[-1])
    save()
    log("over HTTP, one worker")
    with Server(env, workers=1, log=results / "server.log") as server:
        out["http"] = over_http(server, callers, oracle, repeat)
    out["redis_floor"] = redis_floor(env["REDIS_URL"])
    save()
    tokens = socket_tokens(results / "socket-tokens.json")
    out["sockets"] = {}
    for layer in ("core", "pubsub"):
        log(f"1,000 sockets on the {layer} layer")
        out["sockets"][layer] = sockets(env, layer, tokens, results, soak=15 if quick else 60)
        save()
    tokens.unlink()
    log("throughput, two workers")
    out["throughput"] = throughput(env, callers, results, seconds=10 if quick else 20)
    out["oracle"] = {"checks": oracle.checked, "leaks": oracle.leaks[:20]}
    for layer in out["sockets"].values():
        out["oracle"]["checks"] += layer["oracle_checks"]
        out["oracle"]["leaks"] += layer["leaks"]
    partial.unlink()
    return out
