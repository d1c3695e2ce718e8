"""Where a webhook may go, and the one way it is sent.

An endpoint is an HTTPS URL whose host resolves only to public addresses: private,
loopback, link-local, multicast, reserved, unspecified and shared (carrier-grade NAT)
addresses are refused, so an agency admin cannot make the portal call into its own network
(SSRF). The check runs when the endpoint is registered and again before every delivery,
and the delivery connects to the very address that was checked (the TLS handshake still
names and verifies the host), so a name that resolves elsewhere the second time (DNS
rebinding) gains nothing. ``WEBHOOK_ALLOW_PRIVATE_NETWORKS`` lifts the address rule and
allows plain http, for a receiver on the same machine in development and tests.

Redirects are not followed (``http.client`` never follows them): a 3xx is a failure.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedDestination(ValueError):
    """The URL or an address its host resolves to is not one the portal sends to."""


def private_allowed() -> bool:
    return settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS


# NAT64's well-known prefix (RFC 6052): the last 32 bits are an IPv4 address.
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, 6to4, NAT64), which is where
    a packet to it ends up."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refused(address: Address) -> bool:
    """Whether the portal refuses to connect to ``address``."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local:  # fec0::/10, deprecated but still routed inside some networks
            return True
        inner = embedded_ipv4(address)
        if inner is not None:
            return address_refused(inner)
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def check_url(url: str) -> None:
    """``RefusedDestination`` for a URL that is not https (http too when private networks
    are allowed), carries credentials or has no host."""
    parts = urlsplit(url)
    schemes = ("https", "http") if private_allowed() else ("https",)
    if parts.scheme not in schemes:
        raise RefusedDestination("Use an https:// URL.")
    if not parts.hostname:
        raise RefusedDestination("The URL names no host.")
    if parts.username or parts.password:
        raise RefusedDestination("Leave user names and passwords out of the URL.")
    try:
        parts.port  # noqa: B018 (a port past 65535 raises here)
    except ValueError as error:
        raise RefusedDestination("The URL's port is not a port number.") from error


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to, all of them allowed; ``RefusedDestination``
    if it resolves to none, or to any address the policy refuses."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedDestination(f"The host {host!r} does not resolve.") from error
    addresses: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise RefusedDestination(f"The host {host!r} does not resolve.")
    if not private_allowed():
        refused = [a for a in addresses if address_refused(a)]
        if refused:
            raise RefusedDestination(
                f"The host {host!r} resolves to {refused[0]}, a private, loopback, "
                "link-local or reserved address: webhooks go to public addresses only."
            )
    return addresses


def check_destination(url: str) -> None:
    """The registration check: the URL's form and the addresses its host resolves to now."""
    check_url(url)
    parts = urlsplit(url)
    resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


class _PinnedHTTP(http.client.HTTPConnection):
    """A connection to ``address`` that speaks to it as ``host``."""

    def __init__(self, host, port, *, address: Address, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = str(address)

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address: Address, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = str(address)

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Answer:
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int


EXCERPT_BYTES = 200


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url`` through an address checked now; never raises for a network
    failure or a refused address (the answer says what happened)."""
    started = time.monotonic()

    def answer(status=None, excerpt="", error="") -> Answer:
        duration = int((time.monotonic() - started) * 1000)
        return Answer(status, excerpt, error[:300], duration)

    try:
        check_url(url)
        parts = urlsplit(url)
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        addresses = resolve(parts.hostname, port)
    except RefusedDestination as error:
        return answer(error=f"Refused: {error}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPS if https else _PinnedHTTP
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    last_error = ""
    for address in addresses:
        connection = kind(parts.hostname, port, address=address, timeout=timeout)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
            return answer(response.status, excerpt)
        except ConnectionRefusedError as error:
            # Another address of the same host may answer.
            last_error = f"{type(error).__name__}: {error}"
        except (OSError, http.client.HTTPException) as error:
            return answer(error=f"{type(error).__name__}: {error}")
        finally:
            connection.close()
    return answer(error=last_error or "No address answered.")
