"""The knob that runs the session with the clock moved (CROSSROADS_TEST_CLOCK_SHIFT_HOURS)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests import conftest

MINUTE = dt.timedelta(minutes=1)


def test_the_shift_moves_the_clock_until_the_session_ends(monkeypatch):
    monkeypatch.setenv(conftest.CLOCK_SHIFT, "-30.5")
    config = SimpleNamespace(stash=pytest.Stash())
    before = dt.datetime.now(dt.UTC)
    conftest.pytest_configure(config)
    try:
        moved = dt.datetime.now(dt.UTC) - before
        assert abs(moved - dt.timedelta(hours=-30.5)) < MINUTE
        assert "the clock reads" in conftest.pytest_report_header(config)
    finally:
        conftest.pytest_unconfigure(config)
    assert abs(dt.datetime.now(dt.UTC) - before) < MINUTE


def test_without_the_variable_the_clock_is_left_alone(monkeypatch):
    monkeypatch.delenv(conftest.CLOCK_SHIFT, raising=False)
    config = SimpleNamespace(stash=pytest.Stash())
    conftest.pytest_configure(config)
    assert conftest.shifted_clock not in config.stash
    assert conftest.pytest_report_header(config) is None
