"""The case personas, shared with other test packages through tests.cases.personas."""

from tests.cases.personas import case_world  # noqa: F401
