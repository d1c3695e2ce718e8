"""Webhook settings (README, "Webhooks"), read from the environment by portal/settings.py."""


def webhook_settings(env) -> dict:
    return {
        # Private, loopback and link-local addresses and plain http are refused unless this
        # is on: only for a receiver on the same machine, in development and tests.
        "WEBHOOK_ALLOW_PRIVATE_NETWORKS": env.bool(
            "CROSSROADS_WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=False
        ),
        # Connect and read timeouts of one delivery.
        "WEBHOOK_TIMEOUT_SECONDS": env.float("CROSSROADS_WEBHOOK_TIMEOUT_SECONDS", default=5.0),
        # Backoff after consecutive failures: 30 s, 1 min, 2 min, ... at most an hour.
        "WEBHOOK_RETRY_BASE_SECONDS": 30,
        "WEBHOOK_RETRY_MAX_SECONDS": 60 * 60,
        # An endpoint is disabled after this many consecutive failures, or after failing
        # for this many hours, whichever comes first.
        "WEBHOOK_DISABLE_AFTER_FAILURES": env.int(
            "CROSSROADS_WEBHOOK_DISABLE_AFTER_FAILURES", default=20
        ),
        "WEBHOOK_DISABLE_AFTER_HOURS": 24,
        # The worker claims this many deliveries at once and sleeps this long when idle.
        "WEBHOOK_BATCH_SIZE": 10,
        "WEBHOOK_POLL_SECONDS": env.float("CROSSROADS_WEBHOOK_POLL_SECONDS", default=2.0),
    }
