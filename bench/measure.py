"""Timing and summaries shared by every workload: samples in milliseconds, percentiles."""

import statistics
import time
from dataclasses import dataclass, field


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the samples fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Sample:
    """The timings of one workload, with what else was counted while they were taken."""

    name: str
    millis: list[float] = field(default_factory=list)
    errors: int = 0
    notes: dict = field(default_factory=dict)

    def add(self, started: float) -> float:
        elapsed = (time.perf_counter() - started) * 1000
        self.millis.append(elapsed)
        return elapsed

    @property
    def p50(self) -> float:
        return statistics.median(self.millis) if self.millis else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.millis, 0.95)

    @property
    def p99(self) -> float:
        return percentile(self.millis, 0.99)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "count": len(self.millis),
            "p50": round(self.p50, 2),
            "p95": round(self.p95, 2),
            "p99": round(self.p99, 2),
            "errors": self.errors,
            **self.notes,
        }


def log(message: str) -> None:
    """A line of progress with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def timed(sample: Sample, function, *args, **kwargs):
    """Call ``function`` once, adding its duration to ``sample``; returns its result."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    sample.add(started)
    return result
