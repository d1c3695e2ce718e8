"""One way of writing dates and times on every page: the 24-hour clock law-enforcement
partners use, and the zone named after every time of day (pages show the viewer's zone,
which a reader in another state could otherwise misread)."""

DATE_FORMAT = "D M j, Y"
TIME_FORMAT = "H:i T"
DATETIME_FORMAT = "D M j, Y, H:i T"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, H:i T"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
