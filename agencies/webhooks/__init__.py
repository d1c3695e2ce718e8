"""Sending webhooks: the signing secret (``signing``), the network policy and the pinned
connection (``network``), and the worker's claim, send and record loop (``delivery``).
Writes go through ``agencies.services.webhooks``."""
