"""What the audit trail needs to know about the current request.

Services record the address of the request that caused a write without every view
passing it down: the middleware sets it for the duration of the request. It also keeps the
reads recorded during the request, so a read (or a denied request) is recorded once per
request however often the view asks. Context variables follow the request across
asgiref's sync/async hops.
"""

from contextvars import ContextVar

_client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
_reads_recorded: ContextVar[set | None] = ContextVar("reads_recorded", default=None)


def current_client_address() -> str | None:
    return _client_address.get()


def set_client_address(address: str | None):
    return _client_address.set(address)


def reset_client_address(token) -> None:
    _client_address.reset(token)


def begin_request(address: str | None):
    """Start a request's context; returns what ``end_request`` needs."""
    return _client_address.set(address), _reads_recorded.set(set())


def end_request(tokens) -> None:
    address_token, reads_token = tokens
    _reads_recorded.reset(reads_token)
    _client_address.reset(address_token)


def first_in_request(key: tuple) -> bool:
    """Whether ``key`` is new in this request (and note it); outside a request, always."""
    seen = _reads_recorded.get()
    if seen is None:
        return True
    if key in seen:
        return False
    seen.add(key)
    return True
