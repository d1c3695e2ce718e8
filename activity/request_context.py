"""Where the current request came from, for the audit trail.

Services record the address of the request that caused a write without every view
passing it down: the middleware sets it for the duration of the request. Context
variables follow the request across asgiref's sync/async hops.
"""

from contextvars import ContextVar

_client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def current_client_address() -> str | None:
    return _client_address.get()


def set_client_address(address: str | None):
    return _client_address.set(address)


def reset_client_address(token) -> None:
    _client_address.reset(token)
