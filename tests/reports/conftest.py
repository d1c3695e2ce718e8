"""The report tests' world (tests/reports/world.py)."""

from tests.reports.world import report_world  # noqa: F401
