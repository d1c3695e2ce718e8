"""Report settings (README, "Reports"), read from the environment by portal/settings.py."""


def report_settings(env) -> dict:
    return {
        # A figure below this is shown as "fewer than N" in any report that covers more than
        # the viewer's own agency, so that a small number cannot point at a victim.
        "CROSSROADS_REPORT_MIN_CELL": env.int("CROSSROADS_REPORT_MIN_CELL", default=5),
    }
