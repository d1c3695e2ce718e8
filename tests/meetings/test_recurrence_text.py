"""Recurrence rules in words, and the picker's choices written as rules and read back."""

import datetime as dt

import pytest

from meetings import recurrence_text
from meetings.recurrence_text import Picked, build, describe, pick

FIRST = dt.datetime(2027, 1, 12, 9, tzinfo=dt.UTC)  # the second Tuesday of January 2027


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("", "Does not repeat"),
        ("FREQ=MONTHLY;BYDAY=2TU", "Monthly on the second Tuesday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Monthly on the last Friday"),
        ("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10", "Weekly on Monday and Thursday, 10 times"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "Weekly on Monday, Wednesday and Friday"),
        ("FREQ=WEEKLY;COUNT=10", "Weekly, 10 times"),
        ("FREQ=DAILY;COUNT=1", "Daily, once"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Every 2 weeks on Tuesday"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "Monthly on the 15th day"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "Monthly on the last day"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "Yearly in February on the 29th day"),
        ("FREQ=DAILY;UNTIL=20260312", "Daily, until Thu Mar 12, 2026"),
        ("rrule:freq=monthly;byday=2tu;", "Monthly on the second Tuesday"),
        ("FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO", "Weekly on Monday (custom rule)"),
        ("FREQ=HOURLY", "Repeats on a custom rule"),
    ],
)
def test_a_rule_reads_as_words(rule, words):
    assert describe(rule) == words


@pytest.mark.parametrize("rule", ["FREQ=", "FREQ=WEEKLY;BYDAY=", ";;;", "FREQ=DAILY;UNTIL=2026"])
def test_a_broken_rule_still_reads_as_words(rule):
    assert "FREQ" not in describe(rule)


@pytest.mark.parametrize(
    ("picked", "rule"),
    [
        (Picked(), ""),
        (Picked(repeat="daily", ends="after", count=3), "FREQ=DAILY;COUNT=3"),
        (
            Picked(repeat="weekly", weekdays=["TH", "MO"], ends="after", count=10),
            "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10",
        ),
        (Picked(repeat="weekly", interval=2), "FREQ=WEEKLY;INTERVAL=2"),
        (
            Picked(repeat="monthly", month_position=2, month_weekday="TU"),
            "FREQ=MONTHLY;BYDAY=2TU",
        ),
        (Picked(repeat="monthly"), "FREQ=MONTHLY;BYDAY=2TU"),  # as the first meeting
        (Picked(repeat="monthly", monthly_by="monthday"), "FREQ=MONTHLY;BYMONTHDAY=12"),
        (
            Picked(
                repeat="monthly",
                month_position=-1,
                month_weekday="FR",
                ends="on",
                until=dt.date(2027, 12, 31),
            ),
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231",
        ),
    ],
)
def test_the_picker_writes_the_rule(picked, rule):
    assert build(picked, first_start=FIRST) == rule


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;COUNT=3",
        "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10",
        "FREQ=WEEKLY;INTERVAL=2",
        "FREQ=MONTHLY;BYDAY=2TU",
        "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231",
        "FREQ=MONTHLY;BYMONTHDAY=15",
    ],
)
def test_a_picked_rule_reads_back_into_the_picker(rule):
    assert build(pick(rule), first_start=FIRST) == rule


@pytest.mark.parametrize(
    "rule", ["FREQ=YEARLY;BYMONTH=2", "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2", "FREQ=WEEKLY;BYDAY=1TU"]
)
def test_a_rule_the_picker_cannot_show_is_left_to_be_kept(rule):
    assert pick(rule) is None


def test_the_positions_offered_have_words():
    assert dict(recurrence_text.POSITION_CHOICES)["2"] == "second"
