"""Settings of the public training pages and API (README, "Public trainings")."""


def public_settings(env) -> dict:
    """Reads and registrations per address and per e-mail address (past them: 429 with
    Retry-After), and the life of a confirmation link."""
    return {
        "PUBLIC_THROTTLE_RATES": {
            "public_read": env.str("CROSSROADS_PUBLIC_READ_RATE", default="300/min"),
            "public_address": env.str("CROSSROADS_PUBLIC_REGISTER_ADDRESS_RATE", default="20/hour"),
            "public_email": env.str("CROSSROADS_PUBLIC_REGISTER_EMAIL_RATE", default="5/hour"),
        },
        "PUBLIC_CONFIRM_HOURS": env.int("CROSSROADS_PUBLIC_CONFIRM_HOURS", default=48),
    }
