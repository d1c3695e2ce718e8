"""Tip and deconfliction settings (README, "Tips and deconfliction"), read from the
environment by portal/settings.py."""


def tips_settings(env) -> dict:
    return {
        # Identifiers one person may attach to cases and tips in a window (past it: 429
        # with Retry-After), so identifiers cannot be probed by attaching many quickly.
        "TIPS_IDENTIFIER_RATE": env.str("CROSSROADS_TIPS_IDENTIFIER_RATE", default="30/hour"),
        # The same for all the people of one agency together, so an agency cannot probe by
        # spreading the attaching over many accounts.
        "TIPS_IDENTIFIER_AGENCY_RATE": env.str(
            "CROSSROADS_IDENTIFIER_AGENCY_RATE", default="120/hour"
        ),
        # Tips from the public page and API, per address of the sender.
        "TIPS_PUBLIC_RATE": env.str("CROSSROADS_TIPS_PUBLIC_RATE", default="10/hour"),
        # The task force a public tip goes to when the sender picks none (its slug).
        "TIPS_DEFAULT_TASK_FORCE": env.str(
            "CROSSROADS_TIPS_DEFAULT_TASK_FORCE", default="fbi-kc-cehttf"
        ),
    }
