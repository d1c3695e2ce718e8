"""Fixtures of the activity tests: the case personas hear (or not) what happens."""

from tests.cases.personas import case_world  # noqa: F401
