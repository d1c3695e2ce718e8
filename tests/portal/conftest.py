"""Fixtures of the portal tests: the case personas."""

from tests.cases.personas import case_world  # noqa: F401
