"""Fixtures of the page tests: the case and meeting personas."""

from tests.cases.personas import case_world  # noqa: F401
from tests.meetings.conftest import meeting_world  # noqa: F401
