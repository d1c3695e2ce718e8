"""Workloads over HTTP against a running server: latency one request at a time, and
throughput with concurrent clients. Every answer is checked by the oracle."""

import asyncio
import time
from dataclasses import dataclass

import httpx

from bench.measure import Sample
from bench.oracle import Oracle


@dataclass
class Caller:
    """A liaison the benchmark acts as: their agency, how many cases it sees, a token."""

    user: object
    agency: object
    visible: int
    token: str

    def client(self, base_url: str) -> httpx.Client:
        return httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {self.token}"}, timeout=30
        )


def _get(client: httpx.Client, sample: Sample, path: str, **params) -> httpx.Response | None:
    started = time.perf_counter()
    response = client.get(path, params=params)
    sample.add(started)
    if response.status_code != 200:
        sample.errors += 1
        return None
    return response


def case_list(base_url: str, caller: Caller, oracle: Oracle, sample: Sample, *, repeat: int):
    """The first page of the caller's case list, checked row by row against the oracle."""
    with caller.client(base_url) as client:
        for _ in range(repeat):
            response = _get(client, sample, "/api/v1/cases/")
            if response is not None:
                ids = [row["id"] for row in response.json()["results"]]
                oracle.check_first_page("case list", caller.agency.pk, ids)


def deep_page(base_url: str, caller: Caller, oracle: Oracle, sample: Sample, *, repeat: int):
    """The last page of the caller's list (page-numbered, 50 a page)."""
    last = max(1, -(-caller.visible // 50))
    sample.notes["page"] = last
    with caller.client(base_url) as client:
        for _ in range(repeat):
            response = _get(client, sample, "/api/v1/cases/", page=last)
            if response is not None:
                ids = [row["id"] for row in response.json()["results"]]
                oracle.check_cases("deep page", caller.agency.pk, ids)


def case_with_notes(
    base_url, caller: Caller, case_id: int, oracle, detail: Sample, notes: Sample, *, repeat: int
):
    """A case and a 50-note page of its timeline, as the case page asks for them."""
    with caller.client(base_url) as client:
        for _ in range(repeat):
            response = _get(client, detail, f"/api/v1/cases/{case_id}/")
            if response is not None:
                oracle.check_cases("case detail", caller.agency.pk, [response.json()["id"]])
            response = _get(client, notes, f"/api/v1/cases/{case_id}/notes/", page_size=50)
            if response is not None:
                ids = [row["id"] for row in response.json()["results"]]
                oracle.check_notes("notes page", caller.agency.pk, case_id, ids)


def note_creation(base_url: str, caller: Caller, case_id: int, sample: Sample, *, repeat: int):
    """Adding a case-wide note: the note, its audit record and its event, committed."""
    with caller.client(base_url) as client:
        for number in range(repeat):
            started = time.perf_counter()
            response = client.post(
                f"/api/v1/cases/{case_id}/notes/",
                json={"body": f"Benchmark note {number}: surveillance log.", "visibility": "case"},
            )
            sample.add(started)
            if response.status_code != 201:
                sample.errors += 1


def events_since(base_url: str, caller: Caller, since: int, oracle, sample: Sample, *, repeat: int):
    """The events API from an old id: the first page of what the agency missed."""
    with caller.client(base_url) as client:
        for _ in range(repeat):
            response = _get(client, sample, "/api/v1/events/", since=since)
            if response is not None:
                for frame in response.json()["results"]:
                    oracle.check_frame("events API", caller.agency.pk, frame)


def dashboard(base_url: str, cookies: dict, sample: Sample, *, repeat: int):
    """The dashboard page of a signed-in liaison (the cookies of their session)."""
    with httpx.Client(base_url=base_url, cookies=cookies, timeout=30) as client:
        for _ in range(repeat):
            _get(client, sample, "/")


def task_force_report(
    base_url: str, caller: Caller, task_force_id: int, sample: Sample, *, repeat: int, **params
):
    """A task force's report (``params``: the period), as its coordinator asks for it; every
    figure family is one grouped query over the task force's cases and outcomes."""
    with caller.client(base_url) as client:
        for _ in range(repeat):
            response = _get(
                client, sample, f"/api/v1/task-forces/{task_force_id}/report/", **params
            )
            if response is not None and response.json()["scope"]["id"] != task_force_id:
                sample.errors += 1


def healthz(base_url: str, sample: Sample, *, repeat: int):
    """The floor of a request on this server: the health check."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for _ in range(repeat):
            _get(client, sample, "/healthz")


async def _hammer(base_url: str, path: str, tokens: list[str], concurrency: int, seconds: float):
    done = errors = server_errors = 0
    deadline = time.monotonic() + seconds

    async def client_loop(index: int):
        nonlocal done, errors, server_errors
        headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"} if tokens else {}
        async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
            while time.monotonic() < deadline:
                try:
                    response = await client.get(path)
                except httpx.HTTPError:
                    errors += 1
                    continue
                done += 1
                if response.status_code >= 500:
                    server_errors += 1
                elif response.status_code != 200:
                    errors += 1

    started = time.monotonic()
    await asyncio.gather(*(client_loop(i) for i in range(concurrency)))
    elapsed = time.monotonic() - started
    return {"requests_per_second": round(done / elapsed, 1), "errors": errors, "5xx": server_errors}


def throughput(base_url: str, path: str, tokens: list[str], *, concurrency=16, seconds=10.0):
    """Requests per second with ``concurrency`` clients asking without pause."""
    return asyncio.run(_hammer(base_url, path, tokens, concurrency, seconds))
