"""The verdict of a run: each target PASS or FAIL in a Markdown table, and the chart of
the case list's p95 against each agency's case load."""

from dataclasses import dataclass
from pathlib import Path

# The layer the portal runs on unless CHANNEL_LAYER says otherwise (portal/settings.py).
DEFAULT_LAYER = "pubsub"


@dataclass
class Verdict:
    target: str
    measured: str
    passed: bool


def _largest(results: dict) -> dict:
    return max(results["in_process"]["per_agency"], key=lambda row: row["visible"])


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def verdicts(results: dict) -> list[Verdict]:
    http, largest, q = results["http"], _largest(results), results["queries"]
    layer = results["sockets"][DEFAULT_LAYER]
    first, deep = http["case_list_largest"], http["deep_page_largest"]
    naive_ratio = _ratio(largest["naive"]["p50"], largest["portal"]["p50"])
    raw_ratio = _ratio(largest["portal"]["p50"], largest["raw"]["p50"])
    deep_ratio = _ratio(deep["p50"], first["p50"])
    api = [q[s][k] for s in q for k in ("api_case_list", "api_deep_page")]
    pages = [q[s][k] for s in q for k in ("cases_page", "dashboard_page")]
    constant = all(q["smallest"][k] == q["largest"][k] for k in q["smallest"])
    bare, listed = results["throughput"]["healthz"], results["throughput"]["case_list"]
    share = _ratio(listed["requests_per_second"], bare["requests_per_second"])
    errors = sum(v["errors"] for v in http.values() if isinstance(v, dict) and "errors" in v)
    errors += sum(row["http"]["errors"] for row in http["per_agency"])
    server_errors = bare["5xx"] + listed["5xx"]
    socket_errors = layer["connect_errors"] + layer["dropped"] + layer["agency_event"]["errors"]
    socket_errors += layer["broadcast"]["errors"]
    return [
        Verdict(
            f"case list p95 <= 50 ms, largest agency ({largest['visible']:,} cases)",
            f"{first['p95']:.1f} ms",
            first["p95"] <= 50,
        ),
        Verdict(
            ">= 10x faster than the naive way (median, in process)",
            f"{naive_ratio:.1f}x",
            naive_ratio >= 10,
        ),
        Verdict(
            "within 3x of the raw page query (median, in process)",
            f"{raw_ratio:.2f}x",
            raw_ratio <= 3,
        ),
        Verdict(
            "deep page within 1.5x of the first (median)",
            f"{deep_ratio:.2f}x (page {deep.get('page')})",
            deep_ratio <= 1.5,
        ),
        Verdict(
            "queries per request constant, <= 6 API / <= 12 pages",
            f"API {sorted(set(api))}, pages {sorted(set(pages))}",
            constant and max(api) <= 6 and max(pages) <= 12,
        ),
        Verdict(
            "task force report p95 <= 300 ms (busiest task force, this quarter / the last)",
            f"{http.get('task_force_report', {}).get('p95', float('nan')):.1f} / "
            f"{http.get('task_force_report_previous', {}).get('p95', float('nan')):.1f} ms",
            http.get("task_force_report", {}).get("p95", float("inf")) <= 300
            and http.get("task_force_report_previous", {}).get("p95", float("inf")) <= 300,
        ),
        Verdict(
            "dashboard page p95 <= 100 ms",
            f"{http['dashboard']['p95']:.1f} ms",
            http["dashboard"]["p95"] <= 100,
        ),
        Verdict(
            f"agency event commit-to-frame p95 <= 50 ms ({DEFAULT_LAYER} layer)",
            f"{layer['agency_event']['p95']:.1f} ms",
            layer["agency_event"]["p95"] <= 50,
        ),
        Verdict(
            f"broadcast to {layer['opened']:,} sockets p95 <= 500 ms",
            f"{layer['broadcast']['p95']:.1f} ms",
            layer["broadcast"]["p95"] <= 500,
        ),
        Verdict(
            f"{layer['sockets']:,} sockets on one worker in <= 300 MB, zero errors",
            f"{layer['rss_after_mb']:.0f} MB, {socket_errors} errors, "
            f"/healthz {layer['healthz_with_sockets']}",
            layer["rss_after_mb"] <= 300
            and socket_errors == 0
            and layer["opened"] == layer["sockets"]
            and layer["healthz_with_sockets"] == 200,
        ),
        Verdict(
            "case list throughput >= 15% of /healthz (2 workers)",
            f"{listed['requests_per_second']:.0f} / {bare['requests_per_second']:.0f} "
            f"req/s = {share:.0%}",
            share >= 0.15,
        ),
        Verdict(
            "no 5xx and no failed request",
            f"{server_errors} 5xx, {errors} failed",
            server_errors == 0 and errors == 0 and bare["errors"] + listed["errors"] == 0,
        ),
        Verdict(
            "permission oracle: zero leaks",
            f"{results['oracle']['checks']:,} checks, {len(results['oracle']['leaks'])} leaks",
            not results["oracle"]["leaks"],
        ),
    ]


def _row(name: str, sample: dict) -> str:
    return (
        f"| {name} | {sample['p50']:.1f} | {sample['p95']:.1f} | {sample['p99']:.1f} "
        f"| {sample['count']} |"
    )


def timings_table(results: dict) -> list[str]:
    http, largest = results["http"], _largest(results)
    rows = [
        "| workload | p50 ms | p95 ms | p99 ms | n |",
        "| --- | --- | --- | --- | --- |",
    ]
    rows.append(_row("`GET /api/v1/cases/`, largest agency", http["case_list_largest"]))
    rows.append(
        _row(
            f"same, deep page ({http['deep_page_largest'].get('page')})", http["deep_page_largest"]
        )
    )
    rows.append(_row("list in process (count, page, latest notes, levels)", largest["portal"]))
    rows.append(_row("naive way: guardian generic tables, per-row has_perm", largest["naive"]))
    rows.append(_row("floor: the page as one raw SQL query", largest["raw"]))
    for key, label in (
        ("case_detail", "case detail"),
        ("notes_page", "50-note page"),
        ("note_creation", "note creation (note, audit, event)"),
        ("events_since", "events API from id 0"),
        ("dashboard", "dashboard page"),
        ("healthz", "floor: `/healthz`"),
    ):
        rows.append(_row(label, http[key]))
    rows.append(_row("floor: Redis publish to receive", results["redis_floor"]))
    for name, layer in results["sockets"].items():
        rows.append(_row(f"agency event, commit to frame ({name})", layer["agency_event"]))
        rows.append(_row(f"broadcast to {layer['opened']} sockets ({name})", layer["broadcast"]))
    return rows


def sockets_table(results: dict) -> list[str]:
    rows = [
        "| layer | sockets | connect | errors | RSS before/after | per socket | /healthz |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, layer in results["sockets"].items():
        rows.append(
            f"| {name} | {layer['opened']}/{layer['sockets']} | {layer['connect_seconds']} s "
            f"| {layer['connect_errors']} connect, {layer['dropped']} dropped "
            f"| {layer['rss_before_mb']:.0f}/{layer['rss_after_mb']:.0f} MB "
            f"| {layer['kb_per_socket']:.0f} KB | {layer['healthz_with_sockets']} |"
        )
    return rows


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    rows = sorted(results["in_process"]["per_agency"], key=lambda r: r["visible"])
    http = {r["agency"]: r["http"]["p95"] for r in results["http"]["per_agency"]}
    x = [r["visible"] for r in rows]
    figure, axes = pyplot.subplots(figsize=(8, 4.5), dpi=120)
    axes.plot(
        x,
        [r["naive"]["p95"] for r in rows],
        "o-",
        ms=3,
        label="naive way (guardian generic, has_perm per row)",
    )
    axes.plot(x, [http.get(r["agency"]) for r in rows], "o-", ms=3, label="portal, over HTTP")
    axes.plot(x, [r["portal"]["p95"] for r in rows], "o-", ms=3, label="portal list, in process")
    axes.plot(x, [r["raw"]["p95"] for r in rows], "o-", ms=3, label="floor: one raw SQL query")
    axes.set_yscale("log")
    axes.set_xlabel("cases the agency sees")
    axes.set_ylabel("p95 of the first page (ms, log scale)")
    axes.set_title(f"Case list against case load ({results['size']} data set)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)


def write(results: dict, markdown: Path, png: Path) -> list[Verdict]:
    found = verdicts(results)
    counts = results["dataset"]["counts"]
    lines = [
        f"# Benchmark, {results['size']} data set",
        "",
        ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items()),
        "",
        "| target | measured | verdict |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {v.target} | {v.measured} | {'PASS' if v.passed else 'FAIL'} |" for v in found]
    lines += [
        "",
        *timings_table(results),
        "",
        *sockets_table(results),
        "",
        f"![p95 against case load]({png.name})",
        "",
    ]
    markdown.write_text("\n".join(lines))
    chart(results, png)
    return found
